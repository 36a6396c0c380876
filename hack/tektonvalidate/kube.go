package main

// A stand-in for the API server's defaulting and validation of the built-in
// kinds a nightly schedule needs. Kubernetes' own code for this lives in
// k8s.io/kubernetes (pkg/apis/{batch,core,rbac}/validation and the v1
// defaulters), which is not importable as a library; what follows is written
// from its v1.35 sources, with the same field paths and messages, for the part
// of it listed in the header comment of main.go. Checks not written here are
// not made.

import (
	"encoding/json"
	"fmt"
	"math"
	"reflect"
	"sort"
	"strings"
	"time"
	_ "time/tzdata" // the API server embeds the time zone database too

	"github.com/robfig/cron/v3"
	batchv1 "k8s.io/api/batch/v1"
	corev1 "k8s.io/api/core/v1"
	rbacv1 "k8s.io/api/rbac/v1"
	"k8s.io/apimachinery/pkg/api/resource"
	apivalidation "k8s.io/apimachinery/pkg/api/validation"
	"k8s.io/apimachinery/pkg/api/validation/path"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	metav1validation "k8s.io/apimachinery/pkg/apis/meta/v1/validation"
	"k8s.io/apimachinery/pkg/util/sets"
	"k8s.io/apimachinery/pkg/util/validation"
	"k8s.io/apimachinery/pkg/util/validation/field"
)

// kubeKind is how one built-in kind is judged.
type kubeKind struct {
	newObject  func() metav1.Object
	namespaced bool
	nameFn     apivalidation.ValidateNameFunc
	// spec defaults obj as the API server would, then checks what Kubernetes'
	// validation of the kind checks beyond metadata (nil: nothing).
	spec func(obj metav1.Object) field.ErrorList
}

// rbacName is Kubernetes' ValidateRBACName: roles and bindings only need to
// be path segments (e.g. "system:controller:x" is a valid ClusterRole name).
var rbacName apivalidation.ValidateNameFunc = path.ValidatePathSegmentName

var kubeKinds = map[string]map[string]kubeKind{
	"batch/v1": {
		"CronJob": {func() metav1.Object { return &batchv1.CronJob{} }, true, apivalidation.NameIsDNSSubdomain, validateCronJob},
	},
	"v1": {
		"ServiceAccount": {func() metav1.Object { return &corev1.ServiceAccount{} }, true, apivalidation.NameIsDNSSubdomain, nil},
		"ConfigMap":      {func() metav1.Object { return &corev1.ConfigMap{} }, true, apivalidation.NameIsDNSSubdomain, validateConfigMap},
		"Secret":         {func() metav1.Object { return &corev1.Secret{} }, true, apivalidation.NameIsDNSSubdomain, validateSecret},
	},
	rbacv1.SchemeGroupVersion.String(): {
		"Role":               {func() metav1.Object { return &rbacv1.Role{} }, true, rbacName, validateRole},
		"ClusterRole":        {func() metav1.Object { return &rbacv1.ClusterRole{} }, false, rbacName, validateClusterRole},
		"RoleBinding":        {func() metav1.Object { return &rbacv1.RoleBinding{} }, true, rbacName, validateRoleBinding},
		"ClusterRoleBinding": {func() metav1.Object { return &rbacv1.ClusterRoleBinding{} }, false, rbacName, validateClusterRoleBinding},
	},
}

// kubeAPIVersions are the apiVersions of kubeKinds.
var kubeAPIVersions = func() map[string]bool {
	m := map[string]bool{}
	for v := range kubeKinds {
		m[v] = true
	}
	return m
}()

func checkKube(res *Result, data []byte, apiVersion, kind string) *Result {
	k, ok := kubeKinds[apiVersion][kind]
	if !ok {
		var kinds []string
		for name := range kubeKinds[apiVersion] {
			kinds = append(kinds, name)
		}
		sort.Strings(kinds)
		return res.fail(fmt.Sprintf("kind %q is not supported for apiVersion %q: want %s", kind, apiVersion, strings.Join(kinds, ", ")))
	}
	obj := k.newObject()
	if !decodeStrict(res, data, obj) {
		return res
	}
	scopeNamespace(res, obj, k.namespaced)
	nameFromGenerateName(obj)
	res.addFieldErrors(validateKubeMeta(obj, k.namespaced, k.nameFn))
	if k.spec != nil {
		res.addFieldErrors(k.spec(obj))
	}
	res.OK = len(res.Errors) == 0
	return res
}

// standardFinalizers are the finalizer names that need no domain (core's helper.IsStandardFinalizerName).
var standardFinalizers = sets.New("kubernetes", metav1.FinalizerOrphanDependents, metav1.FinalizerDeleteDependents)

// validateKubeMeta is core's ValidateObjectMeta: apimachinery's, plus Kubernetes' finalizer names.
func validateKubeMeta(obj metav1.Object, namespaced bool, nameFn apivalidation.ValidateNameFunc) field.ErrorList {
	fld := field.NewPath("metadata")
	errs := apivalidation.ValidateObjectMetaAccessor(obj, namespaced, nameFn, fld)
	for i, f := range obj.GetFinalizers() {
		if !strings.Contains(f, "/") && !standardFinalizers.Has(f) {
			errs = append(errs, field.Invalid(fld.Child("finalizers").Index(i), f, "name is neither a standard finalizer name nor is it fully qualified"))
		}
	}
	return errs
}

func nonNegative(value int64, fld *field.Path) field.ErrorList {
	return apivalidation.ValidateNonnegativeField(value, fld)
}

func dns1123Label(value string, fld *field.Path) field.ErrorList {
	var errs field.ErrorList
	for _, msg := range validation.IsDNS1123Label(value) {
		errs = append(errs, field.Invalid(fld, value, msg))
	}
	return errs
}

func dnsSubdomain(value string, fld *field.Path) field.ErrorList {
	var errs field.ErrorList
	for _, msg := range validation.IsDNS1123Subdomain(value) {
		errs = append(errs, field.Invalid(fld, value, msg))
	}
	return errs
}

// --- batch/v1 CronJob ---------------------------------------------------

// cronJobNameMax is 63 (a Job's name, a label value) less the 11 characters
// ("-" and a timestamp) the CronJob controller appends to name its Jobs.
const cronJobNameMax = validation.DNS1035LabelMaxLength - 11

// validateCronJob is batch's ValidateCronJobCreate after SetDefaults_CronJob.
func validateCronJob(obj metav1.Object) field.ErrorList {
	cj := obj.(*batchv1.CronJob)
	if cj.Spec.ConcurrencyPolicy == "" {
		cj.Spec.ConcurrencyPolicy = batchv1.AllowConcurrent
	}
	spec := field.NewPath("spec")
	var errs field.ErrorList
	if cj.Spec.Schedule == "" {
		errs = append(errs, field.Required(spec.Child("schedule"), ""))
	} else {
		errs = append(errs, validateSchedule(cj.Spec.Schedule, spec.Child("schedule"))...)
	}
	if cj.Spec.StartingDeadlineSeconds != nil {
		errs = append(errs, nonNegative(*cj.Spec.StartingDeadlineSeconds, spec.Child("startingDeadlineSeconds"))...)
	}
	errs = append(errs, validateTimeZone(cj.Spec.TimeZone, spec.Child("timeZone"))...)
	switch cj.Spec.ConcurrencyPolicy {
	case batchv1.AllowConcurrent, batchv1.ForbidConcurrent, batchv1.ReplaceConcurrent:
	default:
		errs = append(errs, field.NotSupported(spec.Child("concurrencyPolicy"), cj.Spec.ConcurrencyPolicy,
			[]batchv1.ConcurrencyPolicy{batchv1.AllowConcurrent, batchv1.ForbidConcurrent, batchv1.ReplaceConcurrent}))
	}
	errs = append(errs, validateJobTemplate(&cj.Spec.JobTemplate, spec.Child("jobTemplate"))...)
	if cj.Spec.SuccessfulJobsHistoryLimit != nil {
		errs = append(errs, nonNegative(int64(*cj.Spec.SuccessfulJobsHistoryLimit), spec.Child("successfulJobsHistoryLimit"))...)
	}
	if cj.Spec.FailedJobsHistoryLimit != nil {
		errs = append(errs, nonNegative(int64(*cj.Spec.FailedJobsHistoryLimit), spec.Child("failedJobsHistoryLimit"))...)
	}
	if len(cj.Name) > cronJobNameMax {
		errs = append(errs, field.Invalid(field.NewPath("metadata", "name"), cj.Name, fmt.Sprintf("must be no more than %d characters", cronJobNameMax)))
	}
	return errs
}

// validateSchedule parses schedule as Kubernetes does: robfig/cron's standard
// parser (5 fields, or a descriptor such as @hourly or @every 2h), without a
// TZ= or CRON_TZ= prefix (spec.timeZone says that).
func validateSchedule(schedule string, fld *field.Path) (errs field.ErrorList) {
	if _, err := parseCronSchedule(schedule); err != nil {
		errs = append(errs, field.Invalid(fld, schedule, err.Error()))
	}
	if strings.Contains(schedule, "TZ") {
		errs = append(errs, field.Invalid(fld, schedule, "cannot use TZ or CRON_TZ in schedule, use timeZone field instead"))
	}
	return errs
}

// parseCronSchedule is Kubernetes' parsers.ParseCronScheduleWithPanicRecovery.
func parseCronSchedule(schedule string) (sched cron.Schedule, err error) {
	defer func() {
		if r := recover(); r != nil {
			sched, err = nil, fmt.Errorf("invalid schedule format: %v", r)
		}
	}()
	return cron.ParseStandard(schedule)
}

// isTimeZoneComponent is Kubernetes' ^[A-Za-z\.\-_0-9+]{1,14}$ for a
// component of an IANA time zone name.
func isTimeZoneComponent(s string) bool {
	if len(s) < 1 || len(s) > 14 {
		return false
	}
	for _, c := range s {
		if !(c >= 'A' && c <= 'Z' || c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || strings.ContainsRune(".-_+", c)) {
			return false
		}
	}
	return true
}

func validateTimeZone(timeZone *string, fld *field.Path) field.ErrorList {
	if timeZone == nil {
		return nil
	}
	tz := *timeZone
	if tz == "" {
		return field.ErrorList{field.Invalid(fld, tz, "timeZone must be nil or non-empty string")}
	}
	for _, part := range strings.Split(tz, "/") {
		if part == "." || part == ".." || strings.HasPrefix(part, "-") || !isTimeZoneComponent(part) {
			return field.ErrorList{field.Invalid(fld, tz, fmt.Sprintf("unknown time zone %s", tz))}
		}
	}
	var errs field.ErrorList
	if strings.EqualFold(tz, "Local") {
		errs = append(errs, field.Invalid(fld, tz, "timeZone must be an explicit time zone as defined in https://www.iana.org/time-zones"))
	}
	if _, err := time.LoadLocation(tz); err != nil {
		errs = append(errs, field.Invalid(fld, tz, err.Error()))
	}
	return errs
}

// validateJobTemplate is batch's ValidateJobTemplateSpec.
func validateJobTemplate(jt *batchv1.JobTemplateSpec, fld *field.Path) field.ErrorList {
	spec, p := &jt.Spec, fld.Child("spec")
	var errs field.ErrorList
	for _, f := range []struct {
		value *int32
		name  string
	}{{spec.Parallelism, "parallelism"}, {spec.Completions, "completions"}, {spec.BackoffLimit, "backoffLimit"},
		{spec.TTLSecondsAfterFinished, "ttlSecondsAfterFinished"}, {spec.BackoffLimitPerIndex, "backoffLimitPerIndex"},
		{spec.MaxFailedIndexes, "maxFailedIndexes"}} {
		if f.value != nil {
			errs = append(errs, nonNegative(int64(*f.value), p.Child(f.name))...)
		}
	}
	if spec.ActiveDeadlineSeconds != nil {
		errs = append(errs, nonNegative(*spec.ActiveDeadlineSeconds, p.Child("activeDeadlineSeconds"))...)
	}
	if spec.MaxFailedIndexes != nil && spec.BackoffLimitPerIndex == nil {
		errs = append(errs, field.Required(p.Child("backoffLimitPerIndex"), "when maxFailedIndexes is specified"))
	}
	indexed := false
	if spec.CompletionMode != nil {
		switch *spec.CompletionMode {
		case batchv1.NonIndexedCompletion:
		case batchv1.IndexedCompletion:
			indexed = true
			if spec.Completions == nil {
				errs = append(errs, field.Required(p.Child("completions"), fmt.Sprintf("when completion mode is %s", batchv1.IndexedCompletion)))
			}
		default:
			errs = append(errs, field.NotSupported(p.Child("completionMode"), *spec.CompletionMode,
				[]batchv1.CompletionMode{batchv1.NonIndexedCompletion, batchv1.IndexedCompletion}))
		}
	}
	if !indexed {
		if spec.BackoffLimitPerIndex != nil {
			errs = append(errs, field.Invalid(p.Child("backoffLimitPerIndex"), *spec.BackoffLimitPerIndex, "requires indexed completion mode"))
		}
		if spec.MaxFailedIndexes != nil {
			errs = append(errs, field.Invalid(p.Child("maxFailedIndexes"), *spec.MaxFailedIndexes, "requires indexed completion mode"))
		}
	}

	errs = append(errs, validatePodTemplate(&spec.Template, p.Child("template"))...)

	// A Job's pods must end: the pod default (Always) is not allowed.
	restart := spec.Template.Spec.RestartPolicy
	restartPath := p.Child("template", "spec", "restartPolicy")
	switch {
	case restart == corev1.RestartPolicyAlways || restart == "":
		errs = append(errs, field.Required(restartPath, fmt.Sprintf("valid values: %q, %q", corev1.RestartPolicyOnFailure, corev1.RestartPolicyNever)))
	case restart != corev1.RestartPolicyOnFailure && restart != corev1.RestartPolicyNever:
		errs = append(errs, field.NotSupported(restartPath, restart, []corev1.RestartPolicy{corev1.RestartPolicyOnFailure, corev1.RestartPolicyNever}))
	case spec.PodFailurePolicy != nil && restart != corev1.RestartPolicyNever:
		errs = append(errs, field.Invalid(restartPath, restart, fmt.Sprintf("only %q is supported when podFailurePolicy is specified", corev1.RestartPolicyNever)))
	}

	if spec.Selector != nil {
		errs = append(errs, field.Invalid(p.Child("selector"), spec.Selector, "`selector` will be auto-generated"))
	}
	if spec.ManualSelector != nil && *spec.ManualSelector {
		errs = append(errs, field.NotSupported(p.Child("manualSelector"), *spec.ManualSelector, []string{"nil", "false"}))
	}
	return errs
}

// --- core/v1 pod template -----------------------------------------------

// validatePodTemplate is core's ValidatePodTemplateSpec, in part.
func validatePodTemplate(t *corev1.PodTemplateSpec, fld *field.Path) field.ErrorList {
	errs := metav1validation.ValidateLabels(t.Labels, fld.Child("labels"))
	errs = append(errs, apivalidation.ValidateAnnotations(t.Annotations, fld.Child("annotations"))...)
	errs = append(errs, validatePodSpec(&t.Spec, fld.Child("spec"))...)
	if len(t.Spec.EphemeralContainers) > 0 {
		errs = append(errs, field.Forbidden(fld.Child("spec", "ephemeralContainers"), "ephemeral containers not allowed in pod template"))
	}
	return errs
}

// validatePodSpec is core's ValidatePodSpec, in part, after the v1 defaults
// that bear on it (restartPolicy Always, dnsPolicy ClusterFirst, a volume
// without a source an emptyDir, ...).
func validatePodSpec(spec *corev1.PodSpec, fld *field.Path) field.ErrorList {
	var errs field.ErrorList
	volumes := sets.New[string]()
	for i, v := range spec.Volumes {
		idx := fld.Child("volumes").Index(i)
		el := validateVolumeSource(&v.VolumeSource, idx)
		if v.Name == "" {
			el = append(el, field.Required(idx.Child("name"), ""))
		} else {
			el = append(el, dns1123Label(v.Name, idx.Child("name"))...)
		}
		if volumes.Has(v.Name) {
			el = append(el, field.Duplicate(idx.Child("name"), v.Name))
		}
		if len(el) == 0 {
			volumes.Insert(v.Name)
		}
		errs = append(errs, el...)
	}

	names := sets.New[string]()
	if len(spec.Containers) == 0 {
		errs = append(errs, field.Required(fld.Child("containers"), ""))
	}
	for i := range spec.Containers {
		idx := fld.Child("containers").Index(i)
		errs = append(errs, validateContainer(&spec.Containers[i], volumes, idx)...)
		if names.Has(spec.Containers[i].Name) {
			errs = append(errs, field.Duplicate(idx.Child("name"), spec.Containers[i].Name))
		}
		names.Insert(spec.Containers[i].Name)
	}
	for i := range spec.InitContainers {
		idx := fld.Child("initContainers").Index(i)
		errs = append(errs, validateContainer(&spec.InitContainers[i], volumes, idx)...)
		if names.Has(spec.InitContainers[i].Name) {
			errs = append(errs, field.Duplicate(idx.Child("name"), spec.InitContainers[i].Name))
		}
		names.Insert(spec.InitContainers[i].Name)
	}

	switch spec.RestartPolicy {
	case "", corev1.RestartPolicyAlways, corev1.RestartPolicyOnFailure, corev1.RestartPolicyNever:
	default:
		errs = append(errs, field.NotSupported(fld.Child("restartPolicy"), spec.RestartPolicy,
			[]corev1.RestartPolicy{corev1.RestartPolicyAlways, corev1.RestartPolicyOnFailure, corev1.RestartPolicyNever}))
	}
	switch spec.DNSPolicy {
	case "", corev1.DNSClusterFirstWithHostNet, corev1.DNSClusterFirst, corev1.DNSDefault, corev1.DNSNone:
	default:
		errs = append(errs, field.NotSupported(fld.Child("dnsPolicy"), spec.DNSPolicy,
			[]corev1.DNSPolicy{corev1.DNSClusterFirstWithHostNet, corev1.DNSClusterFirst, corev1.DNSDefault, corev1.DNSNone}))
	}
	errs = append(errs, metav1validation.ValidateLabels(spec.NodeSelector, fld.Child("nodeSelector"))...)
	if spec.ServiceAccountName != "" {
		errs = append(errs, dnsSubdomain(spec.ServiceAccountName, fld.Child("serviceAccountName"))...)
	}
	if spec.ActiveDeadlineSeconds != nil {
		if v := *spec.ActiveDeadlineSeconds; v < 1 || v > math.MaxInt32 {
			errs = append(errs, field.Invalid(fld.Child("activeDeadlineSeconds"), v, validation.InclusiveRangeError(1, math.MaxInt32)))
		}
	}
	if spec.PriorityClassName != "" {
		errs = append(errs, dnsSubdomain(spec.PriorityClassName, fld.Child("priorityClassName"))...)
	}
	return errs
}

// validateVolumeSource reports a volume that names more than one source (one
// that names none is defaulted to an emptyDir).
func validateVolumeSource(source *corev1.VolumeSource, fld *field.Path) field.ErrorList {
	var errs field.ErrorList
	v := reflect.ValueOf(source).Elem()
	found := 0
	for i := 0; i < v.NumField(); i++ {
		if v.Field(i).Kind() != reflect.Pointer || v.Field(i).IsNil() {
			continue
		}
		if found++; found > 1 {
			name, _, _ := strings.Cut(v.Type().Field(i).Tag.Get("json"), ",")
			errs = append(errs, field.Forbidden(fld.Child(name), "may not specify more than 1 volume type"))
		}
	}
	if source.EmptyDir != nil && source.EmptyDir.SizeLimit != nil && source.EmptyDir.SizeLimit.Sign() < 0 {
		errs = append(errs, field.Forbidden(fld.Child("emptyDir", "sizeLimit"), "SizeLimit field must be a valid resource quantity"))
	}
	return errs
}

// validateContainer is core's validateContainerCommon, in part.
func validateContainer(c *corev1.Container, volumes sets.Set[string], fld *field.Path) field.ErrorList {
	var errs field.ErrorList
	if c.Name == "" {
		errs = append(errs, field.Required(fld.Child("name"), ""))
	} else {
		errs = append(errs, dns1123Label(c.Name, fld.Child("name"))...)
	}
	if c.Image == "" {
		errs = append(errs, field.Required(fld.Child("image"), ""))
	}
	switch c.TerminationMessagePolicy {
	case "", corev1.TerminationMessageReadFile, corev1.TerminationMessageFallbackToLogsOnError:
	default:
		errs = append(errs, field.NotSupported(fld.Child("terminationMessagePolicy"), c.TerminationMessagePolicy,
			[]corev1.TerminationMessagePolicy{corev1.TerminationMessageReadFile, corev1.TerminationMessageFallbackToLogsOnError}))
	}

	portNames := sets.New[string]()
	for i, port := range c.Ports {
		idx := fld.Child("ports").Index(i)
		if port.Name != "" {
			if msgs := validation.IsValidPortName(port.Name); len(msgs) > 0 {
				for _, msg := range msgs {
					errs = append(errs, field.Invalid(idx.Child("name"), port.Name, msg))
				}
			} else if portNames.Has(port.Name) {
				errs = append(errs, field.Duplicate(idx.Child("name"), port.Name))
			} else {
				portNames.Insert(port.Name)
			}
		}
		if port.ContainerPort == 0 {
			errs = append(errs, field.Required(idx.Child("containerPort"), ""))
		} else {
			for _, msg := range validation.IsValidPortNum(int(port.ContainerPort)) {
				errs = append(errs, field.Invalid(idx.Child("containerPort"), port.ContainerPort, msg))
			}
		}
		if port.HostPort != 0 {
			for _, msg := range validation.IsValidPortNum(int(port.HostPort)) {
				errs = append(errs, field.Invalid(idx.Child("hostPort"), port.HostPort, msg))
			}
		}
		switch port.Protocol {
		case "", corev1.ProtocolSCTP, corev1.ProtocolTCP, corev1.ProtocolUDP:
		default:
			errs = append(errs, field.NotSupported(idx.Child("protocol"), port.Protocol,
				[]corev1.Protocol{corev1.ProtocolSCTP, corev1.ProtocolTCP, corev1.ProtocolUDP}))
		}
	}

	for i, env := range c.Env {
		idx := fld.Child("env").Index(i)
		if env.Name == "" {
			errs = append(errs, field.Required(idx.Child("name"), ""))
			continue
		}
		// Kubernetes >= 1.34 takes any printable ASCII but "=" (RelaxedEnvironmentVariableValidation).
		for _, msg := range validation.IsRelaxedEnvVarName(env.Name) {
			errs = append(errs, field.Invalid(idx.Child("name"), env.Name, msg))
		}
	}

	mountPaths := sets.New[string]()
	for i, m := range c.VolumeMounts {
		idx := fld.Child("volumeMounts").Index(i)
		if m.Name == "" {
			errs = append(errs, field.Required(idx.Child("name"), ""))
		}
		if !volumes.Has(m.Name) {
			errs = append(errs, field.NotFound(idx.Child("name"), m.Name))
		}
		if m.MountPath == "" {
			errs = append(errs, field.Required(idx.Child("mountPath"), ""))
		}
		if mountPaths.Has(m.MountPath) {
			errs = append(errs, field.Invalid(idx.Child("mountPath"), m.MountPath, "must be unique"))
		}
		mountPaths.Insert(m.MountPath)
	}

	switch c.ImagePullPolicy {
	case "", corev1.PullAlways, corev1.PullIfNotPresent, corev1.PullNever:
	default:
		errs = append(errs, field.NotSupported(fld.Child("imagePullPolicy"), c.ImagePullPolicy,
			[]corev1.PullPolicy{corev1.PullAlways, corev1.PullIfNotPresent, corev1.PullNever}))
	}
	errs = append(errs, validateResources(&c.Resources, fld.Child("resources"))...)
	return errs
}

// isNativeResource: a resource name without a domain, or in kubernetes.io.
func isNativeResource(name corev1.ResourceName) bool {
	return !strings.Contains(string(name), "/") || strings.Contains(string(name), "kubernetes.io/")
}

func isHugePages(name corev1.ResourceName) bool {
	return strings.HasPrefix(string(name), corev1.ResourceHugePagesPrefix)
}

// isExtendedResource is core's helper.IsExtendedResourceName (e.g. nvidia.com/gpu).
func isExtendedResource(name corev1.ResourceName) bool {
	if isNativeResource(name) || strings.HasPrefix(string(name), corev1.DefaultResourceRequestsPrefix) {
		return false
	}
	return len(validation.IsQualifiedName(corev1.DefaultResourceRequestsPrefix+string(name))) == 0
}

// standardResources are core's helper.standardResources: the names without a
// domain it knows (container ones, and those of quotas).
var standardResources = sets.New[corev1.ResourceName](
	corev1.ResourceCPU, corev1.ResourceMemory, corev1.ResourceEphemeralStorage,
	corev1.ResourceRequestsCPU, corev1.ResourceRequestsMemory, corev1.ResourceRequestsEphemeralStorage,
	corev1.ResourceLimitsCPU, corev1.ResourceLimitsMemory, corev1.ResourceLimitsEphemeralStorage,
	corev1.ResourcePods, corev1.ResourceQuotas, corev1.ResourceServices, corev1.ResourceReplicationControllers,
	corev1.ResourceSecrets, corev1.ResourceConfigMaps, corev1.ResourcePersistentVolumeClaims, corev1.ResourceStorage,
	corev1.ResourceRequestsStorage, corev1.ResourceServicesNodePorts, corev1.ResourceServicesLoadBalancers,
)

// validateResourceName is core's validateContainerResourceName (and the
// validateResourceName it starts with).
func validateResourceName(name corev1.ResourceName, fld *field.Path) field.ErrorList {
	var errs field.ErrorList
	for _, msg := range validation.IsQualifiedName(string(name)) {
		errs = append(errs, field.Invalid(fld, name, msg))
	}
	if len(errs) > 0 {
		return errs
	}
	if !strings.Contains(string(name), "/") {
		if !standardResources.Has(name) && !strings.HasPrefix(string(name), corev1.ResourceRequestsHugePagesPrefix) {
			errs = append(errs, field.Invalid(fld, name, "must be a standard resource type or fully qualified"))
		}
		switch {
		case name == corev1.ResourceCPU, name == corev1.ResourceMemory, name == corev1.ResourceEphemeralStorage, isHugePages(name):
		default:
			errs = append(errs, field.Invalid(fld, name, "must be a standard resource for containers"))
		}
	} else if !isNativeResource(name) && !isExtendedResource(name) {
		errs = append(errs, field.Invalid(fld, name, "doesn't follow extended resource name standard"))
	}
	return errs
}

// validateResources is core's validateResourceRequirements, in part: names,
// non-negative (and, for extended resources, whole) quantities, requests
// within limits, and requests of extended resources equal to their limits.
func validateResources(r *corev1.ResourceRequirements, fld *field.Path) field.ErrorList {
	var errs field.ErrorList
	limPath, reqPath := fld.Child("limits"), fld.Child("requests")
	quantity := func(name corev1.ResourceName, q resource.Quantity, p *field.Path) {
		errs = append(errs, validateResourceName(name, p)...)
		if q.Sign() < 0 {
			errs = append(errs, field.Invalid(p, q.String(), "must be greater than or equal to 0"))
		}
		if isExtendedResource(name) && q.MilliValue()%1000 != 0 {
			errs = append(errs, field.Invalid(p, q.String(), "must be an integer"))
		}
	}
	for _, name := range sortedResourceNames(r.Limits) {
		quantity(name, r.Limits[name], limPath.Key(string(name)))
	}
	for _, name := range sortedResourceNames(r.Requests) {
		q := r.Requests[name]
		quantity(name, q, reqPath.Key(string(name)))
		overcommit := isNativeResource(name) && !isHugePages(name)
		if limit, ok := r.Limits[name]; ok {
			if q.Cmp(limit) != 0 && !overcommit {
				errs = append(errs, field.Invalid(reqPath, q.String(), fmt.Sprintf("must be equal to %s limit of %s", name, limit.String())))
			} else if q.Cmp(limit) > 0 {
				errs = append(errs, field.Invalid(reqPath, q.String(), fmt.Sprintf("must be less than or equal to %s limit of %s", name, limit.String())))
			}
		} else if !overcommit {
			errs = append(errs, field.Required(limPath, "Limit must be set for non overcommitable resources"))
		}
	}
	return errs
}

func sortedResourceNames(list corev1.ResourceList) []corev1.ResourceName {
	names := make([]corev1.ResourceName, 0, len(list))
	for name := range list {
		names = append(names, name)
	}
	sort.Slice(names, func(i, j int) bool { return names[i] < names[j] })
	return names
}

// --- core/v1 ConfigMap, Secret ------------------------------------------

// maxObjectDataSize is core's MaxSecretSize, which bounds ConfigMaps too.
const maxObjectDataSize = 1 * 1024 * 1024

// validateConfigMap is core's ValidateConfigMap.
func validateConfigMap(obj metav1.Object) field.ErrorList {
	cm := obj.(*corev1.ConfigMap)
	var errs field.ErrorList
	total := 0
	for _, key := range sortedKeys(cm.Data) {
		for _, msg := range validation.IsConfigMapKey(key) {
			errs = append(errs, field.Invalid(field.NewPath("data").Key(key), key, msg))
		}
		if _, dup := cm.BinaryData[key]; dup {
			errs = append(errs, field.Invalid(field.NewPath("data").Key(key), key, "duplicate of key present in binaryData"))
		}
		total += len(cm.Data[key])
	}
	for _, key := range sortedKeys(cm.BinaryData) {
		for _, msg := range validation.IsConfigMapKey(key) {
			errs = append(errs, field.Invalid(field.NewPath("binaryData").Key(key), key, msg))
		}
		total += len(cm.BinaryData[key])
	}
	if total > maxObjectDataSize {
		errs = append(errs, field.TooLong(field.NewPath(""), "", maxObjectDataSize))
	}
	return errs
}

// validateSecret is core's ValidateSecret, after the v1 -> internal
// conversion (stringData merged into data) and SetDefaults_Secret (type Opaque).
func validateSecret(obj metav1.Object) field.ErrorList {
	s := obj.(*corev1.Secret)
	if len(s.StringData) > 0 && s.Data == nil {
		s.Data = map[string][]byte{}
	}
	for k, v := range s.StringData {
		s.Data[k] = []byte(v)
	}
	if s.Type == "" {
		s.Type = corev1.SecretTypeOpaque
	}
	dataPath := field.NewPath("data")
	var errs field.ErrorList
	total := 0
	for _, key := range sortedKeys(s.Data) {
		for _, msg := range validation.IsConfigMapKey(key) {
			errs = append(errs, field.Invalid(dataPath.Key(key), key, msg))
		}
		total += len(s.Data[key])
	}
	if total > maxObjectDataSize {
		errs = append(errs, field.TooLong(dataPath, "", maxObjectDataSize))
	}
	required := func(key string) {
		errs = append(errs, field.Required(dataPath.Key(key), ""))
	}
	wellFormedJSON := func(key string) {
		if value, ok := s.Data[key]; !ok {
			required(key)
		} else if err := json.Unmarshal(value, &map[string]any{}); err != nil {
			errs = append(errs, field.Invalid(dataPath.Key(key), "<secret contents redacted>", err.Error()))
		}
	}
	switch s.Type {
	case corev1.SecretTypeServiceAccountToken:
		if s.Annotations[corev1.ServiceAccountNameKey] == "" {
			errs = append(errs, field.Required(field.NewPath("metadata", "annotations").Key(corev1.ServiceAccountNameKey), ""))
		}
	case corev1.SecretTypeDockercfg:
		wellFormedJSON(corev1.DockerConfigKey)
	case corev1.SecretTypeDockerConfigJson:
		wellFormedJSON(corev1.DockerConfigJsonKey)
	case corev1.SecretTypeBasicAuth:
		_, user := s.Data[corev1.BasicAuthUsernameKey]
		_, password := s.Data[corev1.BasicAuthPasswordKey]
		if !user && !password {
			required(corev1.BasicAuthUsernameKey)
			required(corev1.BasicAuthPasswordKey)
		}
	case corev1.SecretTypeSSHAuth:
		if len(s.Data[corev1.SSHAuthPrivateKey]) == 0 {
			required(corev1.SSHAuthPrivateKey)
		}
	case corev1.SecretTypeTLS:
		for _, key := range []string{corev1.TLSCertKey, corev1.TLSPrivateKeyKey} {
			if _, ok := s.Data[key]; !ok {
				required(key)
			}
		}
	}
	return errs
}

func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

// --- rbac.authorization.k8s.io/v1 -----------------------------------------

func validateRole(obj metav1.Object) field.ErrorList {
	return validateRules(obj.(*rbacv1.Role).Rules, true)
}

func validateClusterRole(obj metav1.Object) field.ErrorList {
	role := obj.(*rbacv1.ClusterRole)
	errs := validateRules(role.Rules, false)
	if role.AggregationRule != nil {
		selectors := field.NewPath("aggregationRule", "clusterRoleSelectors")
		if len(role.AggregationRule.ClusterRoleSelectors) == 0 {
			errs = append(errs, field.Required(selectors, "at least one clusterRoleSelector required if aggregationRule is non-nil"))
		}
		for i := range role.AggregationRule.ClusterRoleSelectors {
			selector := &role.AggregationRule.ClusterRoleSelectors[i]
			errs = append(errs, metav1validation.ValidateLabelSelector(selector, metav1validation.LabelSelectorValidationOptions{}, selectors.Index(i))...)
			if _, err := metav1.LabelSelectorAsSelector(selector); err != nil {
				errs = append(errs, field.Invalid(selectors.Index(i), selector, "invalid label selector."))
			}
		}
	}
	return errs
}

// validateRules is rbac's ValidatePolicyRule over rules.
func validateRules(rules []rbacv1.PolicyRule, namespaced bool) field.ErrorList {
	var errs field.ErrorList
	for i, rule := range rules {
		fld := field.NewPath("rules").Index(i)
		if len(rule.Verbs) == 0 {
			errs = append(errs, field.Required(fld.Child("verbs"), "verbs must contain at least one value"))
		}
		if len(rule.NonResourceURLs) > 0 {
			if namespaced {
				errs = append(errs, field.Invalid(fld.Child("nonResourceURLs"), rule.NonResourceURLs, "namespaced rules cannot apply to non-resource URLs"))
			}
			if len(rule.APIGroups) > 0 || len(rule.Resources) > 0 || len(rule.ResourceNames) > 0 {
				errs = append(errs, field.Invalid(fld.Child("nonResourceURLs"), rule.NonResourceURLs, "rules cannot apply to both regular resources and non-resource URLs"))
			}
			continue
		}
		if len(rule.APIGroups) == 0 {
			errs = append(errs, field.Required(fld.Child("apiGroups"), "resource rules must supply at least one api group"))
		}
		if len(rule.Resources) == 0 {
			errs = append(errs, field.Required(fld.Child("resources"), "resource rules must supply at least one resource"))
		}
	}
	return errs
}

func validateRoleBinding(obj metav1.Object) field.ErrorList {
	b := obj.(*rbacv1.RoleBinding)
	return validateBinding(&b.RoleRef, b.Subjects, true)
}

func validateClusterRoleBinding(obj metav1.Object) field.ErrorList {
	b := obj.(*rbacv1.ClusterRoleBinding)
	return validateBinding(&b.RoleRef, b.Subjects, false)
}

// validateBinding is rbac's ValidateRoleBinding or ValidateClusterRoleBinding
// (beyond metadata) after the v1 defaults (roleRef's and User/Group subjects'
// apiGroup rbac.authorization.k8s.io).
func validateBinding(ref *rbacv1.RoleRef, subjects []rbacv1.Subject, namespaced bool) field.ErrorList {
	if ref.APIGroup == "" {
		ref.APIGroup = rbacv1.GroupName
	}
	var errs field.ErrorList
	refPath := field.NewPath("roleRef")
	if ref.APIGroup != rbacv1.GroupName {
		errs = append(errs, field.NotSupported(refPath.Child("apiGroup"), ref.APIGroup, []string{rbacv1.GroupName}))
	}
	kinds := []string{"Role", "ClusterRole"}
	if !namespaced {
		kinds = []string{"ClusterRole"}
	}
	if !sets.New(kinds...).Has(ref.Kind) {
		errs = append(errs, field.NotSupported(refPath.Child("kind"), ref.Kind, kinds))
	}
	if ref.Name == "" {
		errs = append(errs, field.Required(refPath.Child("name"), ""))
	} else {
		for _, msg := range rbacName(ref.Name, false) {
			errs = append(errs, field.Invalid(refPath.Child("name"), ref.Name, msg))
		}
	}
	for i := range subjects {
		errs = append(errs, validateSubject(&subjects[i], namespaced, field.NewPath("subjects").Index(i))...)
	}
	return errs
}

// validateSubject is rbac's ValidateRoleBindingSubject after SetDefaults_Subject.
func validateSubject(s *rbacv1.Subject, namespaced bool, fld *field.Path) field.ErrorList {
	if s.APIGroup == "" && (s.Kind == rbacv1.UserKind || s.Kind == rbacv1.GroupKind) {
		s.APIGroup = rbacv1.GroupName
	}
	var errs field.ErrorList
	if s.Name == "" {
		errs = append(errs, field.Required(fld.Child("name"), ""))
	}
	switch s.Kind {
	case rbacv1.ServiceAccountKind:
		if s.Name != "" {
			errs = append(errs, dnsSubdomain(s.Name, fld.Child("name"))...)
		}
		if s.APIGroup != "" {
			errs = append(errs, field.NotSupported(fld.Child("apiGroup"), s.APIGroup, []string{""}))
		}
		if !namespaced && s.Namespace == "" {
			errs = append(errs, field.Required(fld.Child("namespace"), ""))
		}
	case rbacv1.UserKind, rbacv1.GroupKind:
		if s.APIGroup != rbacv1.GroupName {
			errs = append(errs, field.NotSupported(fld.Child("apiGroup"), s.APIGroup, []string{rbacv1.GroupName}))
		}
	default:
		errs = append(errs, field.NotSupported(fld.Child("kind"), s.Kind, []string{rbacv1.ServiceAccountKind, rbacv1.UserKind, rbacv1.GroupKind}))
	}
	return errs
}
