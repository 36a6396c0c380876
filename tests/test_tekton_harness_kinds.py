"""The Go harness judges the kinds beside Tekton's: Triggers, a nightly schedule's, PodGroups.

Each kind: a realistic valid document passes, and invalid ones fail with a message that
names the field (Triggers' own messages; for the Kubernetes kinds, the API server's).
"""

import subprocess
from pathlib import Path

import pytest

from tekton_validation import harness_binary, validate_yaml

ROOT = Path(__file__).resolve().parent.parent

TRIGGER_TEMPLATE = """\
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
"""

TRIGGER_BINDING = """\
apiVersion: triggers.tekton.dev/v1beta1
kind: TriggerBinding
metadata:
  name: push
spec:
  params:
    - name: revision
      value: $(body.head_commit.id)
"""

EVENT_LISTENER = """\
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
"""

TRIGGER = """\
apiVersion: triggers.tekton.dev/v1beta1
kind: Trigger
metadata:
  name: push
spec:
  bindings:
    - ref: push
  template:
    ref: nightly
"""

CRON_JOB = """\
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
              volumeMounts:
                - name: run
                  mountPath: /etc/tekflow
          volumes:
            - name: run
              configMap:
                name: nightly-run
"""

SERVICE_ACCOUNT = """\
apiVersion: v1
kind: ServiceAccount
metadata:
  name: tekflow-nightly
  namespace: ml
"""

ROLE = """\
apiVersion: rbac.authorization.k8s.io/v1
kind: Role
metadata:
  name: tekflow-nightly
  namespace: ml
rules:
  - apiGroups: [tekton.dev]
    resources: [pipelineruns]
    verbs: [create, get, list, watch]
"""

ROLE_BINDING = """\
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
"""

CLUSTER_ROLE = ROLE.replace("kind: Role", "kind: ClusterRole").replace("  namespace: ml\n", "")
CLUSTER_ROLE_BINDING = (
    ROLE_BINDING.replace("kind: RoleBinding", "kind: ClusterRoleBinding")
    .replace("  namespace: ml\nroleRef", "roleRef")
    .replace("  kind: Role\n", "  kind: ClusterRole\n")
)

VOLCANO_POD_GROUP = """\
apiVersion: scheduling.volcano.sh/v1beta1
kind: PodGroup
metadata:
  name: train-gang
spec:
  minMember: 2
  queue: research
  minResources:
    cpu: "4"
    nvidia.com/gpu: "2"
"""

VALID = {
    "TriggerTemplate": TRIGGER_TEMPLATE,
    "TriggerBinding": TRIGGER_BINDING,
    "ClusterTriggerBinding": TRIGGER_BINDING.replace("kind: TriggerBinding", "kind: ClusterTriggerBinding"),
    "EventListener": EVENT_LISTENER,
    "Trigger": TRIGGER,
    "CronJob": CRON_JOB,
    "CronJob @hourly": CRON_JOB.replace('"0 2 * * *"', '"@hourly"'),
    "CronJob no concurrencyPolicy": CRON_JOB.replace("  concurrencyPolicy: Forbid\n", ""),
    "ServiceAccount": SERVICE_ACCOUNT,
    "Role": ROLE,
    "RoleBinding": ROLE_BINDING,
    "RoleBinding defaulted apiGroup": ROLE_BINDING.replace("  apiGroup: rbac.authorization.k8s.io\n", ""),
    "ClusterRole": CLUSTER_ROLE,
    "ClusterRoleBinding": CLUSTER_ROLE_BINDING,
    "ConfigMap": "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: nightly-run}\ndata: {run.yaml: 'a: 1'}\n",
    "Secret": "apiVersion: v1\nkind: Secret\nmetadata: {name: token}\nstringData: {token: abc}\n",
    "PodGroup": VOLCANO_POD_GROUP,
}


@pytest.mark.parametrize("doc", list(VALID.values()), ids=list(VALID))
def test_a_valid_document_passes(doc):
    report = validate_yaml(doc)
    assert report.ok, report.errors_text


def test_a_whole_nightly_schedule_passes_in_one_file():
    docs = [SERVICE_ACCOUNT, ROLE, ROLE_BINDING, CRON_JOB, TRIGGER_TEMPLATE, TRIGGER_BINDING, EVENT_LISTENER]
    report = validate_yaml("---\n".join(docs))
    assert report.ok, report.errors_text
    assert [d.kind for d in report.documents] == [
        "ServiceAccount", "Role", "RoleBinding", "CronJob", "TriggerTemplate", "TriggerBinding", "EventListener",
    ]


NO_CONTAINERS = CRON_JOB[: CRON_JOB.index("          containers:")] + "          containers: []\n"
NO_ROLE_REF = ROLE_BINDING.replace(
    "roleRef:\n  apiGroup: rbac.authorization.k8s.io\n  kind: Role\n  name: tekflow-nightly\n", ""
)


@pytest.mark.parametrize("doc, messages", [
    # Tekton Triggers (its own messages)
    (TRIGGER_TEMPLATE.replace("$(tt.params.revision)", "$(tt.params.nope)"),
     ["undeclared param '$(tt.params.nope)'", "spec.resourcetemplates[0]"]),
    (TRIGGER_TEMPLATE.replace("resourcetemplates:", "resourceTemplates:"),
     ['unknown field "spec.resourceTemplates"']),
    (TRIGGER_TEMPLATE.replace("name: nightly", "name: Nightly_Run", 1), ["metadata.name: Invalid value"]),
    (TRIGGER_BINDING + "    - name: revision\n      value: again\n",
     ["expected exactly one, got both: spec.params[1].name"]),
    (EVENT_LISTENER.replace("      template:\n        ref: nightly\n", ""),
     ["expected exactly one, got neither: spec.triggers[0].template, spec.triggers[0].triggerRef"]),
    (EVENT_LISTENER.replace("name: nightly\nspec", "name: " + "e" * 61 + "\nspec"),
     ["must be no more than 60 characters long"]),
    (TRIGGER.replace("  template:\n    ref: nightly\n", ""),
     ["expected exactly one, got neither: spec.template.ref, spec.template.spec"]),
    # batch/v1 CronJob
    (CRON_JOB.replace('"0 2 * * *"', '"61 * * * *"'),
     ['spec.schedule: Invalid value: "61 * * * *"', "above maximum (59)"]),
    (CRON_JOB.replace('"0 2 * * *"', '"CRON_TZ=UTC 0 2 * * *"'),
     ["spec.schedule", "use timeZone field instead"]),
    (CRON_JOB.replace("Europe/Paris", "Mars/Olympus_Mons"), ["spec.timeZone: Invalid value"]),
    (CRON_JOB.replace("Forbid", "Sometimes"), ['spec.concurrencyPolicy: Unsupported value: "Sometimes"']),
    (CRON_JOB.replace("name: nightly\n", "name: " + "n" * 53 + "\n", 1),
     ["metadata.name", "must be no more than 52 characters"]),
    (CRON_JOB.replace("          restartPolicy: Never\n", ""),
     ["spec.jobTemplate.spec.template.spec.restartPolicy: Required value"]),
    (NO_CONTAINERS, ["spec.jobTemplate.spec.template.spec.containers: Required value"]),
    (CRON_JOB.replace("              image: bitnami/kubectl:1.35\n", ""),
     ["spec.jobTemplate.spec.template.spec.containers[0].image: Required value"]),
    (CRON_JOB.replace("command:", "comand:"),
     ['unknown field "spec.jobTemplate.spec.template.spec.containers[0].comand"']),
    # v1 ServiceAccount, ConfigMap, Secret
    (SERVICE_ACCOUNT.replace("tekflow-nightly", "tekflow_nightly"), ["metadata.name: Invalid value"]),
    (SERVICE_ACCOUNT + "automountToken: false\n", ['unknown field "automountToken"']),
    ("apiVersion: v1\nkind: ConfigMap\nmetadata: {name: run}\ndata: {'run/yaml': x}\n", ["data[run/yaml]: Invalid value"]),
    ("apiVersion: v1\nkind: Secret\nmetadata: {name: tls}\ntype: kubernetes.io/tls\nstringData: {tls.crt: x}\n",
     ["data[tls.key]: Required value"]),
    # rbac.authorization.k8s.io/v1
    (ROLE.replace("    verbs: [create, get, list, watch]\n", ""), ["rules[0].verbs: Required value"]),
    (ROLE.replace("    resources: [pipelineruns]\n", ""), ["rules[0].resources: Required value"]),
    (NO_ROLE_REF, ['roleRef.kind: Unsupported value: ""', "roleRef.name: Required value"]),
    (ROLE_BINDING.replace("  - kind: ServiceAccount", "  - kind: Robot"), ['subjects[0].kind: Unsupported value: "Robot"']),
    (CLUSTER_ROLE_BINDING.replace("  kind: ClusterRole\n", "  kind: Role\n"), ['roleRef.kind: Unsupported value: "Role"']),
    (CLUSTER_ROLE_BINDING.replace("    namespace: ml\n", ""), ["subjects[0].namespace: Required value"]),
    # PodGroup (stand-in)
    (VOLCANO_POD_GROUP.replace("minMember: 2", "minMember: 0"), ["spec.minMember"]),
    (VOLCANO_POD_GROUP.replace("queue:", "queueName:"), ['unknown field "spec.queueName"']),
    # apiVersion/kind not judged
    ("apiVersion: v1\nkind: Pod\nmetadata: {name: p}\n", ['kind "Pod" is not supported for apiVersion "v1"']),
    ("apiVersion: triggers.tekton.dev/v1alpha1\nkind: Trigger\nmetadata: {name: t}\n",
     ['apiVersion "triggers.tekton.dev/v1alpha1" is not supported']),
])
def test_invalid_documents_are_rejected_naming_the_field(doc, messages):
    report = validate_yaml(doc)
    assert not report.ok
    for message in messages:
        assert message in report.errors_text, report.errors_text


def test_a_namespace_on_a_cluster_scoped_kind_is_dropped_with_a_warning():
    report = validate_yaml(CLUSTER_ROLE.replace("  name: tekflow-nightly\n", "  name: tekflow-nightly\n  namespace: ml\n"))
    assert report.ok, report.errors_text
    assert any("cluster-scoped" in w for w in report.documents[0].warnings)


def test_hack_validate_shares_the_tests_binary(tmp_path):
    """hack/validate hashes the same sources as tekton_validation: it finds the binary built."""
    harness_binary()
    doc = tmp_path / "cron.yaml"
    doc.write_text(CRON_JOB)
    proc = subprocess.run([str(ROOT / "hack" / "validate"), str(doc)], capture_output=True, text=True)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert "building" not in proc.stderr
    assert proc.stdout.startswith("OK ") and "CronJob nightly" in proc.stdout
