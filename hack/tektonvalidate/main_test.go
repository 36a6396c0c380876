package main

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

const task = `
apiVersion: tekton.dev/v1
kind: Task
metadata:
  name: echo
spec:
  params:
    - name: msg
  steps:
    - name: main
      image: alpine:3.20
      command: [echo, $(params.msg)]
`

func runOn(t *testing.T, content string, args ...string) (int, string, string) {
	t.Helper()
	path := filepath.Join(t.TempDir(), "doc.yaml")
	if err := os.WriteFile(path, []byte(content), 0o644); err != nil {
		t.Fatal(err)
	}
	var stdout, stderr bytes.Buffer
	code := run(append(args, path), strings.NewReader(""), &stdout, &stderr)
	return code, stdout.String(), stderr.String()
}

func TestValidTask(t *testing.T) {
	code, out, errOut := runOn(t, task)
	if code != 0 || !strings.HasPrefix(out, "OK ") || !strings.Contains(out, "#0 Task echo") {
		t.Fatalf("code %d, stdout %q, stderr %q", code, out, errOut)
	}
}

func TestUnknownFieldHasPath(t *testing.T) {
	code, out, _ := runOn(t, strings.Replace(task, "image: alpine:3.20", "image: alpine:3.20\n      resources: {}", 1))
	if code != 1 || !strings.Contains(out, `unknown field "spec.steps[0].resources"`) {
		t.Fatalf("code %d, stdout %q", code, out)
	}
}

func TestFieldNamesAreCaseSensitive(t *testing.T) {
	code, out, _ := runOn(t, strings.Replace(task, "image:", "Image:", 1))
	if code != 1 || !strings.Contains(out, `unknown field "spec.steps[0].Image"`) {
		t.Fatalf("code %d, stdout %q", code, out)
	}
}

func TestJSONAndDocumentIndex(t *testing.T) {
	doc := "# leading comment\n---\n" + task + "---\n" + strings.Replace(task, "name: echo", "name: Bad_Name", 1)
	code, out, _ := runOn(t, doc, "-json")
	if code != 1 {
		t.Fatalf("code %d, stdout %q", code, out)
	}
	var results []Result
	if err := json.Unmarshal([]byte(out), &results); err != nil {
		t.Fatal(err)
	}
	if len(results) != 2 || !results[0].OK || results[1].OK || results[1].Index != 1 || results[1].Name != "Bad_Name" {
		t.Fatalf("results %+v", results)
	}
	if !strings.Contains(strings.Join(results[1].Errors, "\n"), "metadata.name") {
		t.Fatalf("errors %q", results[1].Errors)
	}
}

func TestGenerateNameStandsInForName(t *testing.T) {
	code, out, _ := runOn(t, strings.Replace(task, "name: echo", "generateName: echo-", 1))
	if code != 0 || !strings.Contains(out, "Task echo-") {
		t.Fatalf("code %d, stdout %q", code, out)
	}
}

func TestUnsupported(t *testing.T) {
	code, out, _ := runOn(t, strings.Replace(task, "kind: Task", "kind: TaskRun", 1))
	if code != 1 || !strings.Contains(out, `kind "TaskRun" is not supported`) {
		t.Fatalf("code %d, stdout %q", code, out)
	}
	code, out, _ = runOn(t, strings.Replace(task, "tekton.dev/v1", "tekton.dev/v1beta1", 1))
	if code != 1 || !strings.Contains(out, `apiVersion "tekton.dev/v1beta1" is not supported`) {
		t.Fatalf("code %d, stdout %q", code, out)
	}
}

func TestUsageAndReadErrors(t *testing.T) {
	var stdout, stderr bytes.Buffer
	if code := run(nil, strings.NewReader(""), &stdout, &stderr); code != 2 {
		t.Fatalf("no args: code %d", code)
	}
	if code := run([]string{"/nonexistent/x.yaml"}, strings.NewReader(""), &stdout, &stderr); code != 2 {
		t.Fatalf("missing file: code %d", code)
	}
	if code := run([]string{"-api-fields", "gamma", "-"}, strings.NewReader(task), &stdout, &stderr); code != 2 {
		t.Fatalf("bad -api-fields: code %d", code)
	}
	stdout.Reset()
	if code := run([]string{"-json", "-"}, strings.NewReader("# nothing\n---\n"), &stdout, &stderr); code != 1 || strings.TrimSpace(stdout.String()) != "[]" {
		t.Fatalf("no documents: code %d, stdout %q", code, stdout.String())
	}
	stdout.Reset()
	if code := run([]string{"-"}, strings.NewReader(task), &stdout, &stderr); code != 0 || !strings.HasPrefix(stdout.String(), "OK -#0 Task echo") {
		t.Fatalf("stdin: code %d, stdout %q", code, stdout.String())
	}
}

// judge runs the harness on content with -json and returns its one result.
func judge(t *testing.T, content string) Result {
	t.Helper()
	code, out, errOut := runOn(t, content, "-json")
	var results []Result
	if err := json.Unmarshal([]byte(out), &results); err != nil || len(results) != 1 {
		t.Fatalf("code %d, stdout %q, stderr %q: %v", code, out, errOut, err)
	}
	if want := map[bool]int{true: 0, false: 1}[results[0].OK]; code != want {
		t.Fatalf("exit %d for ok=%v", code, results[0].OK)
	}
	return results[0]
}

func expectValid(t *testing.T, content string) Result {
	t.Helper()
	res := judge(t, content)
	if !res.OK {
		t.Fatalf("want valid, got errors:\n%s", strings.Join(res.Errors, "\n"))
	}
	return res
}

// expectInvalid wants content rejected with every one of messages among its errors.
func expectInvalid(t *testing.T, content string, messages ...string) Result {
	t.Helper()
	res := judge(t, content)
	text := strings.Join(res.Errors, "\n")
	if res.OK {
		t.Fatalf("want invalid (%q), got valid", messages)
	}
	for _, m := range messages {
		if !strings.Contains(text, m) {
			t.Fatalf("want %q among the errors, got:\n%s", m, text)
		}
	}
	return res
}

// --- Tekton Triggers -----------------------------------------------------

const triggerTemplate = `
apiVersion: triggers.tekton.dev/v1beta1
kind: TriggerTemplate
metadata:
  name: nightly
spec:
  params:
    - name: revision
      default: main
  resourcetemplates:
    - apiVersion: tekton.dev/v1
      kind: PipelineRun
      metadata:
        generateName: nightly-
      spec:
        pipelineRef:
          name: train
        params:
          - name: revision
            value: $(tt.params.revision)
`

const eventListener = `
apiVersion: triggers.tekton.dev/v1beta1
kind: EventListener
metadata:
  name: nightly
spec:
  serviceAccountName: tekflow-triggers
  triggers:
    - name: push
      bindings:
        - ref: push
      template:
        ref: nightly
`

func TestTriggerTemplate(t *testing.T) {
	expectValid(t, triggerTemplate)
	expectValid(t, strings.Replace(triggerTemplate, "name: nightly", "generateName: nightly-", 1))
	expectInvalid(t, strings.Replace(triggerTemplate, "$(tt.params.revision)", "$(tt.params.nope)", 1),
		"undeclared param '$(tt.params.nope)'", "spec.resourcetemplates[0]")
	expectInvalid(t, strings.Replace(triggerTemplate, "resourcetemplates:", "resourceTemplates:", 1),
		`unknown field "spec.resourceTemplates"`)
	expectInvalid(t, strings.Replace(triggerTemplate, "    - apiVersion: tekton.dev/v1\n", "    - \n", 1),
		"spec.resourcetemplates[0].apiVersion")
	// The API server's check of metadata comes before Triggers' webhook.
	expectInvalid(t, strings.Replace(triggerTemplate, "name: nightly", "name: Nightly_Run", 1), "metadata.name: Invalid value")
}

func TestTriggerBinding(t *testing.T) {
	const binding = `
apiVersion: triggers.tekton.dev/v1beta1
kind: TriggerBinding
metadata:
  name: push
spec:
  params:
    - name: revision
      value: $(body.head_commit.id)
`
	expectValid(t, binding)
	expectValid(t, strings.Replace(binding, "kind: TriggerBinding", "kind: ClusterTriggerBinding", 1))
	expectInvalid(t, binding+"    - name: revision\n      value: again\n", "expected exactly one, got both: spec.params[1].name")
	expectInvalid(t, strings.Replace(binding, "value:", "valu:", 1), `unknown field "spec.params[0].valu"`)
}

func TestClusterScopedNamespaceIsDropped(t *testing.T) {
	res := expectValid(t, `
apiVersion: triggers.tekton.dev/v1beta1
kind: ClusterTriggerBinding
metadata: {name: push, namespace: ml}
spec:
  params: [{name: revision, value: $(body.after)}]
`)
	if len(res.Warnings) != 1 || !strings.Contains(res.Warnings[0], "cluster-scoped") {
		t.Fatalf("warnings %q", res.Warnings)
	}
}

func TestEventListener(t *testing.T) {
	expectValid(t, eventListener)
	expectInvalid(t, strings.Replace(eventListener, "      template:\n        ref: nightly\n", "", 1),
		"expected exactly one, got neither: spec.triggers[0].template, spec.triggers[0].triggerRef")
	expectInvalid(t, strings.Replace(eventListener, "        ref: nightly\n", "        ref: nightly\n      triggerRef: other\n", 1),
		"expected exactly one, got both")
	expectInvalid(t, strings.Replace(eventListener, "name: push", "name: Not A Label!", 1), "spec.triggers[0].name")
	expectInvalid(t, strings.Replace(eventListener, "name: nightly\nspec", "name: "+strings.Repeat("e", 61)+"\nspec", 1),
		"must be no more than 60 characters long")
	expectInvalid(t, strings.Replace(eventListener, "  triggers:", "  triggerz:", 1), `unknown field "spec.triggerz"`)
}

func TestTrigger(t *testing.T) {
	const trigger = `
apiVersion: triggers.tekton.dev/v1beta1
kind: Trigger
metadata:
  name: push
spec:
  bindings:
    - ref: push
  template:
    ref: nightly
`
	expectValid(t, trigger)
	expectInvalid(t, strings.Replace(trigger, "  template:\n    ref: nightly\n", "", 1),
		"expected exactly one, got neither: spec.template.ref, spec.template.spec")
	expectInvalid(t, strings.Replace(trigger, "kind: Trigger", "kind: Interceptor", 1),
		`kind "Interceptor" is not supported for apiVersion "triggers.tekton.dev/v1beta1"`)
}

// --- Kubernetes kinds ----------------------------------------------------

const cronJob = `
apiVersion: batch/v1
kind: CronJob
metadata:
  name: nightly
  namespace: ml
spec:
  schedule: "0 2 * * *"
  timeZone: Europe/Paris
  concurrencyPolicy: Forbid
  jobTemplate:
    spec:
      backoffLimit: 1
      template:
        spec:
          serviceAccountName: tekflow-nightly
          restartPolicy: Never
          containers:
            - name: submit
              image: bitnami/kubectl:1.35
              command: [kubectl, create, -f, /etc/tekflow/run.yaml]
              resources:
                requests: {cpu: 100m, memory: 64Mi}
                limits: {memory: 128Mi}
              volumeMounts:
                - name: run
                  mountPath: /etc/tekflow
          volumes:
            - name: run
              configMap:
                name: nightly-run
`

func TestCronJob(t *testing.T) {
	expectValid(t, cronJob)
	expectValid(t, strings.Replace(cronJob, `"0 2 * * *"`, "'@hourly'", 1))
	expectValid(t, strings.Replace(cronJob, "  concurrencyPolicy: Forbid\n", "", 1))
	expectInvalid(t, strings.Replace(cronJob, `"0 2 * * *"`, `"61 * * * *"`, 1),
		`spec.schedule: Invalid value: "61 * * * *": end of range (61) above maximum (59)`)
	expectInvalid(t, strings.Replace(cronJob, `"0 2 * * *"`, `"0 2 * *"`, 1), "spec.schedule: Invalid value")
	expectInvalid(t, strings.Replace(cronJob, `"0 2 * * *"`, `"CRON_TZ=UTC 0 2 * * *"`, 1),
		"spec.schedule", "use timeZone field instead")
	expectInvalid(t, strings.Replace(cronJob, "Europe/Paris", "Mars/Olympus_Mons", 1), "spec.timeZone: Invalid value")
	expectInvalid(t, strings.Replace(cronJob, "Forbid", "Sometimes", 1),
		`spec.concurrencyPolicy: Unsupported value: "Sometimes"`)
	expectInvalid(t, strings.Replace(cronJob, "name: nightly\n", "name: "+strings.Repeat("n", 53)+"\n", 1),
		"metadata.name: Invalid value", "must be no more than 52 characters")
	expectValid(t, strings.Replace(cronJob, "name: nightly\n", "name: "+strings.Repeat("n", 52)+"\n", 1))
	expectInvalid(t, strings.Replace(cronJob, "name: nightly\n", "name: Nightly\n", 1), "metadata.name: Invalid value")
	expectInvalid(t, strings.Replace(cronJob, "          restartPolicy: Never\n", "", 1),
		`spec.jobTemplate.spec.template.spec.restartPolicy: Required value: valid values: "OnFailure", "Never"`)
	expectInvalid(t, strings.Replace(cronJob, "restartPolicy: Never", "restartPolicy: Always", 1),
		"spec.jobTemplate.spec.template.spec.restartPolicy: Required value")
	expectInvalid(t, strings.Replace(cronJob, "              image: bitnami/kubectl:1.35\n", "", 1),
		"spec.jobTemplate.spec.template.spec.containers[0].image: Required value")
	expectInvalid(t, strings.Replace(cronJob, "            - name: submit\n              image", "            - image", 1),
		"spec.jobTemplate.spec.template.spec.containers[0].name: Required value")
	noContainers := cronJob[:strings.Index(cronJob, "          containers:")] + "          containers: []\n"
	expectInvalid(t, noContainers, "spec.jobTemplate.spec.template.spec.containers: Required value")
	expectInvalid(t, strings.Replace(cronJob, "- name: run\n                  mountPath", "- name: runs\n                  mountPath", 1),
		`spec.jobTemplate.spec.template.spec.containers[0].volumeMounts[0].name: Not found: "runs"`)
	expectInvalid(t, strings.Replace(cronJob, "limits: {memory: 128Mi}", "limits: {memory: 32Mi}", 1),
		"spec.jobTemplate.spec.template.spec.containers[0].resources.requests", "must be less than or equal to memory limit of 32Mi")
	expectInvalid(t, strings.Replace(cronJob, "memory: 64Mi}", "memory: 64Mi, nvidia.com/gpu: 1, gpus: 1}", 1),
		"containers[0].resources.limits: Required value: Limit must be set for non overcommitable resources",
		`containers[0].resources.requests[gpus]: Invalid value: "gpus": must be a standard resource for containers`)
	expectInvalid(t, strings.Replace(cronJob, "      backoffLimit: 1\n", "      backoffLimit: 1\n      selector: {matchLabels: {a: b}}\n", 1),
		"spec.jobTemplate.spec.selector", "`selector` will be auto-generated")
	expectInvalid(t, strings.Replace(cronJob, "command:", "comand:", 1),
		`unknown field "spec.jobTemplate.spec.template.spec.containers[0].comand"`)
	expectInvalid(t, strings.Replace(cronJob, "  schedule: \"0 2 * * *\"\n", "", 1), "spec.schedule: Required value")
}

func TestServiceAccountConfigMapSecret(t *testing.T) {
	const sa = "apiVersion: v1\nkind: ServiceAccount\nmetadata: {name: tekflow-nightly, namespace: ml}\n"
	expectValid(t, sa)
	expectInvalid(t, strings.Replace(sa, "tekflow-nightly", "tekflow_nightly", 1), "metadata.name: Invalid value")
	expectInvalid(t, sa+"automountToken: false\n", `unknown field "automountToken"`)
	expectValid(t, "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: run}\ndata: {run.yaml: 'x: 1'}\n")
	expectInvalid(t, "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: run}\ndata: {'run/yaml': x}\n", "data[run/yaml]: Invalid value")
	expectValid(t, "apiVersion: v1\nkind: Secret\nmetadata: {name: token}\nstringData: {token: abc}\n")
	expectInvalid(t, "apiVersion: v1\nkind: Secret\nmetadata: {name: tls}\ntype: kubernetes.io/tls\nstringData: {tls.crt: x}\n",
		"data[tls.key]: Required value")
	expectInvalid(t, "apiVersion: v1\nkind: Pod\nmetadata: {name: p}\n", `kind "Pod" is not supported for apiVersion "v1"`)
}

const role = `
apiVersion: rbac.authorization.k8s.io/v1
kind: Role
metadata:
  name: tekflow-nightly
  namespace: ml
rules:
  - apiGroups: [tekton.dev]
    resources: [pipelineruns]
    verbs: [create, get, list]
`

const roleBinding = `
apiVersion: rbac.authorization.k8s.io/v1
kind: RoleBinding
metadata:
  name: tekflow-nightly
  namespace: ml
roleRef:
  apiGroup: rbac.authorization.k8s.io
  kind: Role
  name: tekflow-nightly
subjects:
  - kind: ServiceAccount
    name: tekflow-nightly
    namespace: ml
`

func TestRBAC(t *testing.T) {
	expectValid(t, role)
	expectInvalid(t, strings.Replace(role, "    verbs: [create, get, list]\n", "", 1), "rules[0].verbs: Required value")
	expectInvalid(t, strings.Replace(role, "    resources: [pipelineruns]\n", "", 1), "rules[0].resources: Required value")
	expectInvalid(t, strings.Replace(role, "  - apiGroups: [tekton.dev]\n    resources: [pipelineruns]", "  - nonResourceURLs: [/healthz]", 1),
		"rules[0].nonResourceURLs: Invalid value", "namespaced rules cannot apply to non-resource URLs")
	clusterRole := strings.Replace(strings.Replace(role, "kind: Role", "kind: ClusterRole", 1), "  namespace: ml\n", "", 1)
	expectValid(t, clusterRole)
	expectValid(t, strings.Replace(clusterRole, "  - apiGroups: [tekton.dev]\n    resources: [pipelineruns]", "  - nonResourceURLs: [/healthz]", 1))
	expectValid(t, strings.Replace(clusterRole, "name: tekflow-nightly", "name: system:tekflow:nightly", 1)) // RBAC names are path segments

	expectValid(t, roleBinding)
	expectValid(t, strings.Replace(roleBinding, "  apiGroup: rbac.authorization.k8s.io\n", "", 1)) // defaulted
	noRoleRef := strings.Replace(roleBinding, "roleRef:\n  apiGroup: rbac.authorization.k8s.io\n  kind: Role\n  name: tekflow-nightly\n", "", 1)
	expectInvalid(t, noRoleRef, `roleRef.kind: Unsupported value: ""`, "roleRef.name: Required value")
	expectInvalid(t, strings.Replace(roleBinding, "apiGroup: rbac.authorization.k8s.io", "apiGroup: rbac", 1), `roleRef.apiGroup: Unsupported value: "rbac"`)
	expectInvalid(t, strings.Replace(roleBinding, "  - kind: ServiceAccount", "  - kind: Robot", 1), `subjects[0].kind: Unsupported value: "Robot"`)
	expectInvalid(t, strings.Replace(roleBinding, "    name: tekflow-nightly\n    namespace", "    namespace", 1), "subjects[0].name: Required value")
	expectValid(t, strings.Replace(roleBinding, "  - kind: ServiceAccount\n    name: tekflow-nightly\n    namespace: ml\n", "  - kind: User\n    name: alice@example.com\n", 1))

	clusterBinding := strings.Replace(strings.Replace(roleBinding, "kind: RoleBinding", "kind: ClusterRoleBinding", 1), "  namespace: ml\nroleRef", "roleRef", 1)
	clusterBinding = strings.Replace(clusterBinding, "kind: Role\n", "kind: ClusterRole\n", 1)
	expectValid(t, clusterBinding)
	expectInvalid(t, strings.Replace(clusterBinding, "kind: ClusterRole\n", "kind: Role\n", 1), `roleRef.kind: Unsupported value: "Role"`)
	expectInvalid(t, strings.Replace(clusterBinding, "    namespace: ml\n", "", 1), "subjects[0].namespace: Required value")
}

func TestNightlyScheduleInOneFile(t *testing.T) {
	doc := strings.Join([]string{role, roleBinding, "apiVersion: v1\nkind: ServiceAccount\nmetadata: {name: tekflow-nightly}\n",
		cronJob, triggerTemplate, eventListener, task}, "---\n")
	code, out, errOut := runOn(t, doc)
	if code != 0 || strings.Count(out, "OK ") != 7 || !strings.Contains(out, "#3 CronJob nightly") {
		t.Fatalf("code %d, stdout %q, stderr %q", code, out, errOut)
	}
}

// --- PodGroups -------------------------------------------------------------

func TestVolcanoPodGroup(t *testing.T) {
	const pg = `
apiVersion: scheduling.volcano.sh/v1beta1
kind: PodGroup
metadata: {name: train-gang}
spec:
  minMember: 2
  queue: research
  minResources: {cpu: "4", nvidia.com/gpu: "2"}
`
	expectValid(t, pg)
	expectInvalid(t, strings.Replace(pg, "minMember: 2", "minMember: 0", 1), "spec.minMember")
	expectInvalid(t, strings.Replace(pg, `cpu: "4"`, `cpu: four`, 1), "cannot decode")
	expectInvalid(t, strings.Replace(pg, "queue:", "queueName:", 1), `unknown field "spec.queueName"`)
}
