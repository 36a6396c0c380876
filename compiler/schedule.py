"""`--schedule CRON`: a CronJob that starts a run of the compiled Pipeline on schedule, with the
ServiceAccount, Role and RoleBinding it needs, as the `kubernetes` client's typed models.

The job runs `tekflow submit --pipeline-ref NAME` in the launcher image (tekflow is installed
there): the run it starts is the one `tekflow submit` would start by hand, with the Pipeline's
parameter defaults, pod placement and per-run gangs. The job ends once the run is created (the
run's own outcome is Tekton's to record), so a missed or slow night does not hold the schedule.
"""

from __future__ import annotations

import re
from typing import Any, Optional

from tekflow.errors import TekflowError

from . import tekton
from .names import dns_label
from .podgroup import API_VERSIONS

# Kubernetes keeps a CronJob's name to 52 characters: its Jobs add 11 (a dash and the minute).
CRONJOB_NAME_MAX = 52
# How late a start may be and still happen (controller down, API unreachable): an hour.
STARTING_DEADLINE_SECONDS = 3600

_FIELDS = (  # minute, hour, day of month, month, day of week: (lowest, highest, names)
    (0, 59, ()), (0, 23, ()), (1, 31, ()),
    (1, 12, ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec")),
    (0, 6, ("sun", "mon", "tue", "wed", "thu", "fri", "sat")),  # 7 is not Sunday to Kubernetes
)
_DESCRIPTORS = {"@yearly", "@annually", "@monthly", "@weekly", "@daily", "@midnight", "@hourly"}


def check_cron(schedule: str) -> Optional[str]:
    """What is wrong with a CronJob schedule (five fields, or @daily…), as Kubernetes reads it; None when right."""
    text = schedule.strip()
    if re.match(r"(CRON_)?TZ=", text):
        return "a time zone in the schedule is not allowed by Kubernetes; give --time-zone instead"
    if text.startswith("@"):
        return None if text in _DESCRIPTORS else f"unknown descriptor {text!r} (one of {', '.join(sorted(_DESCRIPTORS))})"
    fields = text.split()
    if len(fields) != 5:
        return f"expected 5 fields (minute hour day-of-month month day-of-week), found {len(fields)}"
    for value, (low, high, names), what in zip(fields, _FIELDS, ("minute", "hour", "day of month", "month",
                                                                 "day of week")):
        for part in value.split(","):
            problem = _check_part(part, low, high, names)
            if problem:
                return f"{what} {value!r}: {problem}"
    return None


def _check_part(part: str, low: int, high: int, names: tuple[str, ...]) -> Optional[str]:
    span, _, step = part.partition("/")
    if step and (not step.isdigit() or int(step) == 0):
        return f"step {step!r} is not a positive number"
    if span in ("*", "?"):
        return None
    bounds = span.split("-")
    if len(bounds) > 2:
        return f"{span!r} is not a value or a range"
    numbers = []
    for bound in bounds:
        if bound.lower() in names:
            numbers.append(names.index(bound.lower()) + (1 if low == 1 else 0))
        elif bound.isdigit():
            numbers.append(int(bound))
        else:
            return f"{bound!r} is not a number"
        if not low <= numbers[-1] <= high:
            return f"{bound} is outside {low}-{high}"
    if len(numbers) == 2 and numbers[0] > numbers[1]:
        return f"range {span!r} runs backwards"
    return None


def check_time_zone(name: str) -> None:
    from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

    try:
        ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        raise TekflowError(f"--time-zone {name!r} is not a time zone of the tz database (e.g. Europe/Berlin, "
                           "America/New_York, UTC)") from None


def schedule_documents(pipeline: tekton.Pipeline, schedule: str, launcher_image: str,
                       time_zone: Optional[str] = None, gang_api_versions: tuple[str, ...] = ()) -> list[Any]:
    """ServiceAccount, Role, RoleBinding and CronJob starting runs of `pipeline` on `schedule`."""
    from kubernetes import client

    problem = check_cron(schedule)
    if problem:
        raise TekflowError(f"--schedule {schedule!r}: {problem}; e.g. '0 2 * * *' (every night at 02:00)")
    if time_zone is not None:
        check_time_zone(time_zone)
    pipeline_name = pipeline.metadata.name or ""
    name = dns_label(f"{pipeline_name}-schedule", CRONJOB_NAME_MAX)
    namespace = pipeline.metadata.namespace
    labels = {"tekflow.dev/pipeline": pipeline.metadata.labels.get("tekflow.dev/pipeline", dns_label(pipeline_name)),
              "app.kubernetes.io/managed-by": "tekflow", "app.kubernetes.io/component": "schedule"}

    def meta(object_name: str) -> Any:
        return client.V1ObjectMeta(name=object_name, namespace=namespace, labels=dict(labels))

    rules = [
        client.V1PolicyRule(api_groups=["tekton.dev"], resources=["pipelines"], verbs=["get"],
                            resource_names=[pipeline_name]),
        client.V1PolicyRule(api_groups=["tekton.dev"], resources=["pipelineruns"], verbs=["create"]),
    ]
    groups = sorted({api.rpartition("/")[0] for api in gang_api_versions})
    if groups:  # the run's PodGroups, created beside it
        rules.append(client.V1PolicyRule(api_groups=groups, resources=["podgroups"], verbs=["create"]))
    account = client.V1ServiceAccount(api_version="v1", kind="ServiceAccount", metadata=meta(name))
    role = client.V1Role(api_version="rbac.authorization.k8s.io/v1", kind="Role", metadata=meta(name), rules=rules)
    binding = client.V1RoleBinding(
        api_version="rbac.authorization.k8s.io/v1", kind="RoleBinding", metadata=meta(name),
        role_ref=client.V1RoleRef(api_group="rbac.authorization.k8s.io", kind="Role", name=name),
        subjects=[client.RbacV1Subject(kind="ServiceAccount", name=name, namespace=namespace)])
    container = client.V1Container(
        name="submit", image=launcher_image,
        command=["tekflow", "submit", "--pipeline-ref", pipeline_name, "--output", "json"],
        security_context=client.V1SecurityContext(allow_privilege_escalation=False))
    job = client.V1JobSpec(
        backoff_limit=2,  # the API server unreachable for a moment
        ttl_seconds_after_finished=7 * 24 * 3600,
        template=client.V1PodTemplateSpec(
            metadata=client.V1ObjectMeta(labels=dict(labels)),
            spec=client.V1PodSpec(service_account_name=name, restart_policy="Never", containers=[container])))
    cronjob = client.V1CronJob(
        api_version="batch/v1", kind="CronJob", metadata=meta(name),
        spec=client.V1CronJobSpec(
            schedule=schedule.strip(), time_zone=time_zone, concurrency_policy="Forbid",
            starting_deadline_seconds=STARTING_DEADLINE_SECONDS,
            job_template=client.V1JobTemplateSpec(metadata=client.V1ObjectMeta(labels=dict(labels)), spec=job)))
    return [account, role, binding, cronjob]


def gang_api_versions(pod_groups: list[Any]) -> tuple[str, ...]:
    return tuple(sorted({group.api_version for group in pod_groups if group.api_version in API_VERSIONS.values()}))
