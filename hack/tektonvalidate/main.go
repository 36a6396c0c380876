// Command tektonvalidate checks Tekton's and Tekton Triggers' documents with
// their projects' own Go code, and the Kubernetes objects a pipeline's schedule
// needs (and gang PodGroups) with a faithful stand-in for the API server's.
//
// For every YAML document of every file (or "-" for stdin) it does what the
// API server plus the owning project's admission webhook would do on create:
//
//  1. YAML -> JSON (sigs.k8s.io/yaml, duplicate keys are errors);
//  2. a strict, case-sensitive decode into the owning project's Go type
//     (sigs.k8s.io/json, as the API server does with fieldValidation=Strict):
//     unknown or duplicate fields are errors, reported with their path;
//  3. metadata.generateName -> metadata.name, as the API server does (and, for
//     every kind but Tekton's, an empty metadata.namespace -> "default" as
//     kubectl would send it; a namespace on a cluster-scoped kind is dropped
//     with a warning, as the API server drops it);
//  4. defaulting, then validation, as below.
//
// Supported kinds, by apiVersion:
//
//   - tekton.dev/v1: PipelineRun, Pipeline, Task. Tekton's own SetDefaults(ctx)
//     then Validate(ctx) (github.com/tektoncd/pipeline) with Tekton's default
//     config (feature flags, defaults) in a "create" context; -api-fields and
//     -feature-flag set entries of Tekton's feature-flags ConfigMap.
//   - triggers.tekton.dev/v1beta1: TriggerTemplate, TriggerBinding,
//     EventListener, Trigger, ClusterTriggerBinding. Tekton Triggers' own
//     SetDefaults(ctx) then Validate(ctx) (github.com/tektoncd/triggers), in the
//     context its webhook gives them: Triggers' default config (its
//     feature-flags-triggers and config-defaults-triggers ConfigMaps, empty),
//     "upgrade via defaulting", "create". Between the two, the API server's
//     check of every custom resource's metadata (apimachinery's
//     ValidateObjectMeta, names as DNS subdomains); the webhook's Validate is
//     not reached when that fails. What Triggers checks of a TriggerTemplate's
//     resourcetemplates is what it checks on a cluster: each has an apiVersion
//     and a kind, and every $(tt.params.x) is declared in spec.params; the
//     embedded PipelineRuns themselves are not validated (Triggers does not).
//   - batch/v1 CronJob; v1 ServiceAccount, ConfigMap, Secret;
//     rbac.authorization.k8s.io/v1 Role, RoleBinding, ClusterRole,
//     ClusterRoleBinding. Decoded into the k8s.io/api types; the API server's
//     defaulting and validation of these lives in k8s.io/kubernetes, which is
//     not importable as a library, so kube.go is a faithful stand-in for the
//     part of it a nightly schedule exercises (written from k8s.io/kubernetes
//     v1.35's pkg/apis/{batch,core,rbac}/validation, same field paths and
//     messages): metadata by apimachinery's ValidateObjectMeta (plus
//     Kubernetes' finalizer-name rule), names as DNS subdomains (RBAC names as
//     path segments, as Kubernetes allows), CronJob names at most 52
//     characters, spec.schedule parsed by github.com/robfig/cron/v3's standard
//     parser (what Kubernetes uses: five fields or an @hourly-style
//     descriptor; TZ=/CRON_TZ= rejected in favour of spec.timeZone), timeZone,
//     concurrencyPolicy, the Job template (non-negative counts, no selector,
//     restartPolicy OnFailure or Never) and its pod template: labels,
//     annotations, at least one container, container and volume names (DNS
//     labels, unique), images, ports, env names, volume mounts naming a
//     volume, pull and termination-message policies, requests within limits;
//     restartPolicy, dnsPolicy, nodeSelector, serviceAccountName,
//     priorityClassName and activeDeadlineSeconds of the pod. RBAC: rule verbs
//     and apiGroups+resources or (cluster-wide only) nonResourceURLs,
//     aggregation rules, roleRef (apiGroup rbac.authorization.k8s.io defaulted
//     then required, kind Role|ClusterRole, name), subjects (kind
//     ServiceAccount|User|Group, name, apiGroup, namespace). ConfigMap and
//     Secret keys, sizes and Secret types' required keys. What is not
//     written here (e.g. probes, security contexts, affinity, tolerations) is
//     not checked.
//   - scheduling.volcano.sh/v1beta1 and scheduling.x-k8s.io/v1alpha1 PodGroup
//     (gang scheduling: the compiler writes them beside a PipelineRun), checked
//     as their CRDs would: a strict decode into the fields of both schemas
//     (minMember, minResources, priorityClassName, and Volcano's queue),
//     ObjectMeta validated by apimachinery, and minMember >= 1. (Their Go
//     modules, volcano.sh/apis and sigs.k8s.io/scheduler-plugins, are not
//     served to this build, so this part is a faithful stand-in rather than
//     their own code.)
//
// Documents that are empty (only comments or blank) are skipped; the others
// are numbered from 0 in the order they appear in their file.
//
// Output: one line per document, "OK <file>#<n> <kind> <name>" or
// "FAIL <file>#<n> <kind> <name>: <messages>"; with -json a JSON array of
// {file, index, kind, name, ok, errors, warnings}. Exit status: 0 when every
// document is valid, 1 when one is not (or when the files hold no document at
// all), 2 on a usage or read error.
package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"sort"
	"strings"

	"github.com/tektoncd/pipeline/pkg/apis/config"
	v1 "github.com/tektoncd/pipeline/pkg/apis/pipeline/v1"
	apivalidation "k8s.io/apimachinery/pkg/api/validation"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/util/validation/field"
	utilyaml "k8s.io/apimachinery/pkg/util/yaml"
	"knative.dev/pkg/apis"
	kjson "sigs.k8s.io/json"
	"sigs.k8s.io/yaml"
)

const apiVersion = "tekton.dev/v1"

// generatedNameSuffix stands in for the 5 random characters the API server
// appends to metadata.generateName (k8s.io/apiserver/pkg/storage/names).
const generatedNameSuffix = "bcdfg"

// defaultNamespace is what kubectl sends for a namespaced object that names none.
const defaultNamespace = "default"

// Result is the verdict on one document (the -json output is a list of these).
type Result struct {
	File     string   `json:"file"`
	Index    int      `json:"index"`
	Kind     string   `json:"kind"`
	Name     string   `json:"name"`
	OK       bool     `json:"ok"`
	Errors   []string `json:"errors"`
	Warnings []string `json:"warnings"`
}

// object is what Tekton's and Triggers' types have in common.
type object interface {
	metav1.Object
	SetDefaults(context.Context)
	Validate(context.Context) *apis.FieldError
}

func newObject(kind string) object {
	switch kind {
	case "PipelineRun":
		return &v1.PipelineRun{}
	case "Pipeline":
		return &v1.Pipeline{}
	case "Task":
		return &v1.Task{}
	}
	return nil
}

// supportedAPIVersions names what an unsupported apiVersion is told to be instead.
const supportedAPIVersions = apiVersion + ", " + triggersAPIVersion +
	", batch/v1, v1, rbac.authorization.k8s.io/v1, scheduling.volcano.sh/v1beta1 or scheduling.x-k8s.io/v1alpha1"

// header is read leniently first, to name the document even when it is invalid.
type header struct {
	APIVersion string `json:"apiVersion"`
	Kind       string `json:"kind"`
	Metadata   struct {
		Name         string `json:"name"`
		GenerateName string `json:"generateName"`
	} `json:"metadata"`
}

// featureFlags collects repeated -feature-flag key=value options.
type featureFlags map[string]string

func (f featureFlags) String() string {
	keys := make([]string, 0, len(f))
	for k, v := range f {
		keys = append(keys, k+"="+v)
	}
	sort.Strings(keys)
	return strings.Join(keys, ",")
}

func (f featureFlags) Set(s string) error {
	k, v, ok := strings.Cut(s, "=")
	if !ok || k == "" {
		return fmt.Errorf("want KEY=VALUE, got %q", s)
	}
	f[k] = v
	return nil
}

// newContext returns a context carrying Tekton's default configuration with
// the given feature-flags ConfigMap entries, marked as a create operation.
func newContext(flags map[string]string) (context.Context, error) {
	ff, err := config.NewFeatureFlagsFromMap(flags)
	if err != nil {
		return nil, err
	}
	defaults, err := config.NewDefaultsFromMap(map[string]string{})
	if err != nil {
		return nil, err
	}
	cfg := config.FromContextOrDefaults(context.Background()) // metrics, events, ... defaults
	cfg.FeatureFlags = ff
	cfg.Defaults = defaults
	return apis.WithinCreate(config.ToContext(context.Background(), cfg)), nil
}

// contexts are what each owning project's SetDefaults and Validate are given.
type contexts struct {
	tekton   context.Context
	triggers context.Context
}

// splitDocuments returns the YAML documents of data, empty ones included.
func splitDocuments(data []byte) ([][]byte, error) {
	r := utilyaml.NewYAMLReader(bufio.NewReader(bytes.NewReader(data)))
	var docs [][]byte
	for {
		doc, err := r.Read()
		if errors.Is(err, io.EOF) {
			return docs, nil
		}
		if err != nil {
			return nil, err
		}
		docs = append(docs, doc)
	}
}

// check judges one document; it returns nil for an empty document.
func check(ctxs contexts, file string, index int, doc []byte) *Result {
	res := &Result{File: file, Index: index, Errors: []string{}, Warnings: []string{}}
	data, err := yaml.YAMLToJSONStrict(doc)
	if err != nil {
		return res.fail("invalid YAML: " + err.Error())
	}
	if t := bytes.TrimSpace(data); len(t) == 0 || string(t) == "null" {
		return nil
	}
	var h header
	if err := json.Unmarshal(data, &h); err != nil {
		return res.fail("not a Kubernetes object: " + err.Error())
	}
	res.Kind, res.Name = h.Kind, h.Metadata.Name
	if res.Name == "" {
		res.Name = h.Metadata.GenerateName
	}
	switch {
	case h.Kind == "PodGroup" && podGroupAPIVersions[h.APIVersion]:
		return checkPodGroup(res, data)
	case h.APIVersion == apiVersion:
		obj := newObject(h.Kind)
		if obj == nil {
			return res.fail(fmt.Sprintf("kind %q is not supported: want PipelineRun, Pipeline or Task", h.Kind))
		}
		return judgeObject(ctxs.tekton, res, data, obj, "Tekton", apiServer{})
	case h.APIVersion == triggersAPIVersion:
		return checkTriggers(ctxs.triggers, res, data, h.Kind)
	case kubeAPIVersions[h.APIVersion]:
		return checkKube(res, data, h.APIVersion, h.Kind)
	}
	return res.fail(fmt.Sprintf("apiVersion %q is not supported: want %s", h.APIVersion, supportedAPIVersions))
}

// fail records msgs as errors and marks res invalid.
func (res *Result) fail(msgs ...string) *Result {
	res.OK = false
	res.Errors = append(res.Errors, msgs...)
	return res
}

// addFieldErrors records a Kubernetes field.ErrorList; it returns whether there was any.
func (res *Result) addFieldErrors(errs field.ErrorList) bool {
	for _, e := range errs {
		res.fail(e.Error())
	}
	return len(errs) > 0
}

// decodeStrict decodes data into obj as the API server does with
// fieldValidation=Strict; false when it could not (the errors are in res).
func decodeStrict(res *Result, data []byte, obj any) bool {
	strictErrs, err := kjson.UnmarshalStrict(data, obj)
	if err != nil {
		res.fail("cannot decode: " + err.Error())
		return false
	}
	for _, e := range strictErrs {
		res.fail("strict decoding error: " + e.Error())
	}
	return len(strictErrs) == 0
}

// nameFromGenerateName fills metadata.name from metadata.generateName, as the
// API server does before admission webhooks and validation run.
func nameFromGenerateName(obj metav1.Object) {
	if obj.GetName() == "" && obj.GetGenerateName() != "" {
		base := obj.GetGenerateName()
		if max := 63 - len(generatedNameSuffix); len(base) > max {
			base = base[:max]
		}
		obj.SetName(base + generatedNameSuffix)
	}
}

// scopeNamespace does what kubectl and the API server do to metadata.namespace:
// a namespaced object that names none gets kubectl's "default"; a cluster-scoped
// one loses the one it names (with a warning, since it was likely a mistake).
func scopeNamespace(res *Result, obj metav1.Object, namespaced bool) {
	switch {
	case namespaced && obj.GetNamespace() == "":
		obj.SetNamespace(defaultNamespace)
	case !namespaced && obj.GetNamespace() != "":
		res.Warnings = append(res.Warnings, fmt.Sprintf("metadata.namespace: %q is ignored: %s is cluster-scoped", obj.GetNamespace(), res.Kind))
		obj.SetNamespace("")
	}
}

// apiServer says what the API server does to a custom resource before and after
// the owning project's mutating webhook (SetDefaults) has run.
type apiServer struct {
	// checkMeta: fill or drop metadata.namespace, and validate metadata as
	// apiextensions-apiserver does (Validate is not run when that fails).
	checkMeta  bool
	namespaced bool
}

// judgeObject decodes data into obj (a Tekton or Triggers type) and runs its
// project's SetDefaults and Validate in ctx, with the API server's part as kind says. (Tekton's kinds get
// apiServer{}: Tekton's Validate checks their metadata itself.)
func judgeObject(ctx context.Context, res *Result, data []byte, obj object, project string, kind apiServer) (out *Result) {
	if !decodeStrict(res, data, obj) {
		return res
	}
	if kind.checkMeta {
		scopeNamespace(res, obj, kind.namespaced)
	}
	nameFromGenerateName(obj)

	defer func() {
		if r := recover(); r != nil {
			out = res.fail(fmt.Sprintf("panic in %s's SetDefaults/Validate: %v", project, r))
		}
	}()
	obj.SetDefaults(ctx)
	if kind.checkMeta && res.addFieldErrors(validateCustomResourceMeta(obj, kind.namespaced)) {
		return res
	}
	fe := obj.Validate(ctx)
	for _, e := range fe.Filter(apis.ErrorLevel).WrappedErrors() {
		res.Errors = append(res.Errors, e.Error())
	}
	for _, e := range fe.Filter(apis.WarningLevel).WrappedErrors() {
		res.Warnings = append(res.Warnings, e.Error())
	}
	res.OK = len(res.Errors) == 0
	return res
}

// validateCustomResourceMeta is the API server's check of a custom resource's
// metadata (k8s.io/apiextensions-apiserver's customResourceStrategy.Validate).
func validateCustomResourceMeta(obj metav1.Object, namespaced bool) field.ErrorList {
	return apivalidation.ValidateObjectMetaAccessor(obj, namespaced, apivalidation.NameIsDNSSubdomain, field.NewPath("metadata"))
}

func run(args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("tektonvalidate", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.Usage = func() {
		fmt.Fprintf(stderr, "usage: tektonvalidate [-api-fields alpha|beta|stable] [-feature-flag KEY=VALUE]... [-json] FILE... (- for stdin)\n")
		fs.PrintDefaults()
	}
	apiFields := fs.String("api-fields", config.DefaultEnableAPIFields, `Tekton's "enable-api-fields" feature flag: alpha, beta or stable`)
	asJSON := fs.Bool("json", false, "print a JSON array of results instead of lines")
	extra := featureFlags{}
	fs.Var(extra, "feature-flag", "set an entry of Tekton's feature-flags ConfigMap, e.g. enable-cel-in-whenexpression=true (repeatable)")
	if err := fs.Parse(args); err != nil {
		return 2
	}
	if fs.NArg() == 0 {
		fs.Usage()
		return 2
	}
	flags := map[string]string{}
	for k, v := range extra {
		flags[k] = v
	}
	switch *apiFields {
	case config.AlphaAPIFields, config.BetaAPIFields, config.StableAPIFields:
		flags["enable-api-fields"] = *apiFields
	default:
		fmt.Fprintf(stderr, "tektonvalidate: -api-fields must be alpha, beta or stable, not %q\n", *apiFields)
		return 2
	}
	tektonCtx, err := newContext(flags)
	if err != nil {
		fmt.Fprintf(stderr, "tektonvalidate: %v\n", err)
		return 2
	}
	triggersCtx, err := newTriggersContext()
	if err != nil {
		fmt.Fprintf(stderr, "tektonvalidate: %v\n", err)
		return 2
	}
	ctxs := contexts{tekton: tektonCtx, triggers: triggersCtx}

	results := []*Result{}
	for _, file := range fs.Args() {
		var data []byte
		if file == "-" {
			data, err = io.ReadAll(stdin)
		} else {
			data, err = os.ReadFile(file)
		}
		if err != nil {
			fmt.Fprintf(stderr, "tektonvalidate: %v\n", err)
			return 2
		}
		docs, err := splitDocuments(data)
		if err != nil {
			fmt.Fprintf(stderr, "tektonvalidate: %s: %v\n", file, err)
			return 2
		}
		index := 0
		for _, doc := range docs {
			if res := check(ctxs, file, index, doc); res != nil {
				results = append(results, res)
				index++
			}
		}
	}

	status := 0
	if len(results) == 0 {
		// An empty file is not a valid PipelineRun: say so rather than pass.
		fmt.Fprintln(stderr, "tektonvalidate: no documents found")
		status = 1
	}
	for _, res := range results {
		if !res.OK {
			status = 1
		}
	}
	if *asJSON {
		out, _ := json.MarshalIndent(results, "", "  ")
		fmt.Fprintf(stdout, "%s\n", out)
		return status
	}
	for _, res := range results {
		where := fmt.Sprintf("%s#%d %s %s", res.File, res.Index, res.Kind, res.Name)
		if res.OK {
			fmt.Fprintf(stdout, "OK %s\n", where)
		} else {
			fmt.Fprintf(stdout, "FAIL %s: %s\n", where, strings.ReplaceAll(strings.Join(res.Errors, "\n"), "\n", "\n    "))
		}
		for _, w := range res.Warnings {
			fmt.Fprintf(stdout, "WARN %s: %s\n", where, w)
		}
	}
	return status
}

func main() {
	os.Exit(run(os.Args[1:], os.Stdin, os.Stdout, os.Stderr))
}
