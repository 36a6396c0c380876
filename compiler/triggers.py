"""`--emit triggers`: Tekton Triggers objects that start a run of the compiled Pipeline on a git
push: a TriggerTemplate (the PipelineRun, its params from the event), a TriggerBinding (event
fields -> those params, from --bind), an EventListener with GitHub's interceptor, and the RBAC
Tekton Triggers documents for an EventListener's ServiceAccount.

Typed after github.com/tektoncd/triggers pkg/apis/triggers/v1beta1; hack/tektonvalidate checks
them with that package's own SetDefaults and Validate.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Mapping, Optional

from tekflow.errors import TekflowError

from . import tekton
from .k8s import ObjectMeta
from .names import dns_label, is_dns_subdomain
from .reusable import DeclaredParameter, RunTemplate

API_VERSION = "triggers.tekton.dev/v1beta1"
# ClusterRoles a Tekton Triggers install provides for EventListeners (namespaced, and cluster-wide).
EVENTLISTENER_ROLE = "tekton-triggers-eventlistener-roles"
EVENTLISTENER_CLUSTER_ROLE = "tekton-triggers-eventlistener-clusterroles"
# What a GitHub push event says, for --bind (its payload: https://docs.github.com/webhooks).
PUSH_FIELDS = {"revision": "$(body.after)", "ref": "$(body.ref)", "repository": "$(body.repository.clone_url)"}


@dataclass
class ParamSpec:
    name: str
    description: Optional[str] = None
    default: Optional[str] = None


@dataclass
class TriggerTemplateSpec:
    params: list[ParamSpec] = field(default_factory=list)
    resourcetemplates: list[Any] = field(default_factory=list, metadata={"json": "resourcetemplates"})


@dataclass(kw_only=True)
class TriggerTemplate:
    api_version: str = API_VERSION
    kind: str = "TriggerTemplate"
    metadata: ObjectMeta
    spec: TriggerTemplateSpec


@dataclass
class BindingParam:
    name: str
    value: str


@dataclass
class TriggerBindingSpec:
    params: list[BindingParam] = field(default_factory=list)


@dataclass(kw_only=True)
class TriggerBinding:
    api_version: str = API_VERSION
    kind: str = "TriggerBinding"
    metadata: ObjectMeta
    spec: TriggerBindingSpec


@dataclass
class InterceptorRef:
    name: str
    kind: str = "ClusterInterceptor"


@dataclass
class InterceptorParam:
    name: str
    value: Any = field(metadata={"keep_empty": True})


@dataclass
class TriggerInterceptor:
    ref: InterceptorRef
    params: list[InterceptorParam] = field(default_factory=list)


@dataclass
class BindingRef:
    ref: str
    kind: str = "TriggerBinding"


@dataclass
class TemplateRef:
    ref: str


@dataclass
class EventListenerTrigger:
    name: str
    interceptors: list[TriggerInterceptor] = field(default_factory=list)
    bindings: list[BindingRef] = field(default_factory=list)
    template: Optional[TemplateRef] = None


@dataclass
class EventListenerSpec:
    service_account_name: str
    triggers: list[EventListenerTrigger] = field(default_factory=list)


@dataclass(kw_only=True)
class EventListener:
    api_version: str = API_VERSION
    kind: str = "EventListener"
    metadata: ObjectMeta
    spec: EventListenerSpec


def parse_bindings(bindings: Mapping[str, str], parameters: list[DeclaredParameter]) -> dict[str, str]:
    """--bind NAME=FIELD: a pipeline parameter (KFP name) -> a Triggers expression, where FIELD is
    one of PUSH_FIELDS or an expression of its own ($(body.head_commit.message))."""
    by_name = {p.name: p for p in parameters}
    out = {}
    for name, given in bindings.items():
        if name not in by_name:
            raise TekflowError(f"--bind {name}=…: the pipeline has no parameter {name!r} (its parameters: "
                               f"{', '.join(sorted(by_name)) or 'none'})")
        expression = PUSH_FIELDS.get(given, given)
        if not (expression.startswith("$(") and expression.endswith(")")):
            raise TekflowError(f"--bind {name}={given}: expected one of {', '.join(PUSH_FIELDS)} or a Triggers "
                               "expression such as $(body.head_commit.message)")
        out[by_name[name].param] = expression
    unbound = [p.name for p in parameters if p.required and p.param not in out]
    if unbound:
        listed = ", ".join(repr(n) for n in unbound)
        raise TekflowError(f"--emit triggers: the required parameter{'s' if len(unbound) > 1 else ''} {listed} would "
                           f"have no value in a run the push starts: give --bind {unbound[0]}=revision (or ref, "
                           f"repository, $(body.…)), or a default with -p {unbound[0]}=VALUE")
    return out


def trigger_documents(pipeline: tekton.Pipeline, template: RunTemplate, parameters: list[DeclaredParameter],
                      bindings: Mapping[str, str], webhook_secret: Optional[str] = None) -> list[Any]:
    """TriggerTemplate, TriggerBinding, EventListener for a git push to start a run of `pipeline`,
    and its ServiceAccount's RoleBinding and ClusterRoleBinding (from kubernetes' client models)."""
    from kubernetes import client

    if webhook_secret is not None and not is_dns_subdomain(webhook_secret):
        raise TekflowError(f"--webhook-secret {webhook_secret!r} is not a valid Secret name")
    namespace = pipeline.metadata.namespace
    if namespace is None:
        raise TekflowError("--emit triggers needs --namespace: the EventListener's ClusterRoleBinding names its "
                           "ServiceAccount by namespace")
    bound = parse_bindings(bindings, parameters)
    pipeline_name = pipeline.metadata.name or ""
    name = dns_label(f"{pipeline_name}-push", 63)
    labels = {"tekflow.dev/pipeline": pipeline.metadata.labels.get("tekflow.dev/pipeline", dns_label(pipeline_name)),
              "app.kubernetes.io/managed-by": "tekflow", "app.kubernetes.io/component": "triggers"}

    def meta(object_name: str) -> ObjectMeta:
        return ObjectMeta(name=object_name, namespace=namespace, labels=dict(labels))

    run = tekton.PipelineRun(
        metadata=tekton.ObjectMeta(generate_name=f"{pipeline_name[:57]}-", labels={
            "tekflow.dev/pipeline": labels["tekflow.dev/pipeline"], "app.kubernetes.io/managed-by": "tekflow"}),
        spec=tekton.PipelineRunSpec(
            pipeline_ref=tekton.PipelineRef(name=pipeline_name),
            params=[tekton.Param(name=param, value=f"$(tt.params.{param})") for param in sorted(bound)],
            workspaces=template.workspaces, task_run_specs=template.task_run_specs))
    from .serde import to_data

    trigger_template = TriggerTemplate(metadata=meta(name), spec=TriggerTemplateSpec(
        params=[ParamSpec(name=param, description=f"from the push event (TriggerBinding {name})") for param in sorted(bound)],
        resourcetemplates=[to_data(run)]))
    binding = TriggerBinding(metadata=meta(name), spec=TriggerBindingSpec(
        params=[BindingParam(name=param, value=bound[param]) for param in sorted(bound)]))
    github = [InterceptorParam(name="eventTypes", value=["push"])]
    if webhook_secret is not None:
        github.append(InterceptorParam(name="secretRef", value={"secretName": webhook_secret, "secretKey": "token"}))
    listener = EventListener(metadata=meta(name), spec=EventListenerSpec(
        service_account_name=name,
        triggers=[EventListenerTrigger(
            name="git-push", interceptors=[TriggerInterceptor(ref=InterceptorRef(name="github"), params=github)],
            bindings=[BindingRef(ref=name)], template=TemplateRef(ref=name))]))

    k8s_meta = client.V1ObjectMeta(name=name, namespace=namespace, labels=dict(labels))
    subject = [client.RbacV1Subject(kind="ServiceAccount", name=name, namespace=namespace)]
    account = client.V1ServiceAccount(api_version="v1", kind="ServiceAccount", metadata=k8s_meta)
    role_binding = client.V1RoleBinding(
        api_version="rbac.authorization.k8s.io/v1", kind="RoleBinding", metadata=k8s_meta, subjects=subject,
        role_ref=client.V1RoleRef(api_group="rbac.authorization.k8s.io", kind="ClusterRole", name=EVENTLISTENER_ROLE))
    cluster_binding = client.V1ClusterRoleBinding(
        api_version="rbac.authorization.k8s.io/v1", kind="ClusterRoleBinding",
        metadata=client.V1ObjectMeta(name=dns_label(f"{namespace}-{name}", 253), labels=dict(labels)),
        subjects=subject,
        role_ref=client.V1RoleRef(api_group="rbac.authorization.k8s.io", kind="ClusterRole",
                                  name=EVENTLISTENER_CLUSTER_ROLE))
    return [trigger_template, binding, listener, account, role_binding, cluster_binding]
