// Command tektonvalidate checks Tekton v1 documents with Tekton's own Go code.
//
// For every YAML document of every file (or "-" for stdin) it does what the
// API server plus Tekton's admission webhook would do on create:
//
//  1. YAML -> JSON (sigs.k8s.io/yaml, duplicate keys are errors);
//  2. a strict, case-sensitive decode into the v1 Go type (sigs.k8s.io/json,
//     as the API server does with fieldValidation=Strict): unknown or
//     duplicate fields are errors, reported with their path;
//  3. metadata.generateName -> metadata.name, as the API server does;
//  4. SetDefaults(ctx) then Validate(ctx) with Tekton's default config
//     (feature flags, defaults), in a "create" context.
//
// Supported kinds (apiVersion tekton.dev/v1): PipelineRun, Pipeline, Task.
// Gang scheduling's PodGroups (Volcano's scheduling.volcano.sh/v1beta1 and
// scheduler-plugins' scheduling.x-k8s.io/v1alpha1), which the compiler writes
// beside a PipelineRun, are checked as their CRDs would: a strict decode into
// the fields both schemas share, ObjectMeta validated by apimachinery, and
// minMember >= 1. (Their Go modules are not importable here, so this part is a
// faithful stand-in rather than their own code.)
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
	"k8s.io/apimachinery/pkg/api/resource"
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

// object is what PipelineRun, Pipeline and Task have in common.
type object interface {
	SetDefaults(context.Context)
	Validate(context.Context) *apis.FieldError
	GetName() string
	SetName(string)
	GetGenerateName() string
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

// podGroupAPIVersions are the gang schedulers' PodGroup API versions.
var podGroupAPIVersions = map[string]bool{
	"scheduling.volcano.sh/v1beta1": true,
	"scheduling.x-k8s.io/v1alpha1":  true,
}

// podGroup holds the PodGroup fields Volcano's and coscheduling's CRDs share.
type podGroup struct {
	APIVersion string            `json:"apiVersion"`
	Kind       string            `json:"kind"`
	Metadata   metav1.ObjectMeta `json:"metadata"`
	Spec       struct {
		MinMember         int32                        `json:"minMember"`
		MinResources      map[string]resource.Quantity `json:"minResources,omitempty"`
		PriorityClassName string                       `json:"priorityClassName,omitempty"`
		Queue             string                       `json:"queue,omitempty"`
	} `json:"spec"`
}

func checkPodGroup(res *Result, data []byte) *Result {
	var pg podGroup
	strictErrs, err := kjson.UnmarshalStrict(data, &pg)
	if err != nil {
		res.Errors = append(res.Errors, "cannot decode: "+err.Error())
		return res
	}
	for _, e := range strictErrs {
		res.Errors = append(res.Errors, "strict decoding error: "+e.Error())
	}
	if pg.Metadata.Namespace == "" {
		pg.Metadata.Namespace = "default" // kubectl fills the context's namespace
	}
	for _, e := range apivalidation.ValidateObjectMeta(&pg.Metadata, true, apivalidation.NameIsDNSSubdomain, field.NewPath("metadata")) {
		res.Errors = append(res.Errors, e.Error())
	}
	if pg.Spec.MinMember < 1 {
		res.Errors = append(res.Errors, fmt.Sprintf("spec.minMember: %d: a gang needs at least one member", pg.Spec.MinMember))
	}
	if pg.Spec.PriorityClassName != "" {
		for _, msg := range apivalidation.NameIsDNSSubdomain(pg.Spec.PriorityClassName, false) {
			res.Errors = append(res.Errors, "spec.priorityClassName: "+msg)
		}
	}
	res.OK = len(res.Errors) == 0
	return res
}

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
func check(ctx context.Context, file string, index int, doc []byte) (res *Result) {
	res = &Result{File: file, Index: index, Errors: []string{}, Warnings: []string{}}
	fail := func(msgs ...string) *Result {
		res.OK = false
		res.Errors = append(res.Errors, msgs...)
		return res
	}

	data, err := yaml.YAMLToJSONStrict(doc)
	if err != nil {
		return fail("invalid YAML: " + err.Error())
	}
	if t := bytes.TrimSpace(data); len(t) == 0 || string(t) == "null" {
		return nil
	}
	var h header
	if err := json.Unmarshal(data, &h); err != nil {
		return fail("not a Kubernetes object: " + err.Error())
	}
	res.Kind, res.Name = h.Kind, h.Metadata.Name
	if res.Name == "" {
		res.Name = h.Metadata.GenerateName
	}
	if h.Kind == "PodGroup" && podGroupAPIVersions[h.APIVersion] {
		return checkPodGroup(res, data)
	}
	if h.APIVersion != apiVersion {
		return fail(fmt.Sprintf("apiVersion %q is not supported: want %q", h.APIVersion, apiVersion))
	}
	obj := newObject(h.Kind)
	if obj == nil {
		return fail(fmt.Sprintf("kind %q is not supported: want PipelineRun, Pipeline or Task", h.Kind))
	}
	strictErrs, err := kjson.UnmarshalStrict(data, obj)
	if err != nil {
		return fail("cannot decode: " + err.Error())
	}
	for _, e := range strictErrs {
		fail("strict decoding error: " + e.Error())
	}
	if len(strictErrs) > 0 {
		return res
	}
	if obj.GetName() == "" && obj.GetGenerateName() != "" {
		// The API server fills metadata.name before admission webhooks run.
		base := obj.GetGenerateName()
		if max := 63 - len(generatedNameSuffix); len(base) > max {
			base = base[:max]
		}
		obj.SetName(base + generatedNameSuffix)
	}

	defer func() {
		if r := recover(); r != nil {
			res = fail(fmt.Sprintf("panic in Tekton's SetDefaults/Validate: %v", r))
		}
	}()
	obj.SetDefaults(ctx)
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

func run(args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("tektonvalidate", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.Usage = func() {
		fmt.Fprintf(stderr, "usage: tektonvalidate [-api-fields alpha|beta|stable] [-feature-flag KEY=VALUE]... [-json] FILE... (- for stdin)\n")
		fs.PrintDefaults()
	}
	apiFields := fs.String("api-fields", config.DefaultEnableAPIFields, `"enable-api-fields" feature flag: alpha, beta or stable`)
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
	ctx, err := newContext(flags)
	if err != nil {
		fmt.Fprintf(stderr, "tektonvalidate: %v\n", err)
		return 2
	}

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
			if res := check(ctx, file, index, doc); res != nil {
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
