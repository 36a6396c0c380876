"""One-line errors for what goes wrong between tekflow and a cluster.

Every failure of a Kubernetes API call becomes a `ClusterError` (a `TekflowError`: the CLI prints
`error: …` and exits 2) that names the server, the verb, the resource and the namespace, and
never the credentials: no token, no client key, no kubeconfig content is ever part of a message.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from typing import Any, Optional
from urllib.parse import urlsplit, urlunsplit

from tekflow.errors import TekflowError


class ClusterError(TekflowError):
    """A cluster could not do what was asked (exit code 2)."""


class Unreachable(ClusterError):
    """No API server answered."""


class Unauthorized(ClusterError):
    """The API server refused the credentials (401)."""


class Forbidden(ClusterError):
    """RBAC refused the verb on the resource (403)."""


class TektonMissing(ClusterError):
    """The API server has no tekton.dev/v1 resources: Tekton is not installed."""


class NamespaceMissing(ClusterError):
    pass


class RunNotFound(ClusterError):
    pass


class Rejected(ClusterError):
    """The API server or Tekton refused the object (admission, schema or Tekton's validation)."""


@dataclass(frozen=True)
class Call:
    """What was being done, for the message: `create pipelineruns.tekton.dev in namespace ci`."""

    verb: str  # get | list | watch | create | patch | update
    resource: str  # plural, with its group when it has one: pipelineruns.tekton.dev, pods/log
    namespace: Optional[str] = None
    name: Optional[str] = None
    kind: str = ""  # for "not found": PipelineRun, TaskRun, Pod

    def describe(self) -> str:
        where = f" in namespace {self.namespace!r}" if self.namespace else ""
        return f"{self.verb} {self.resource}{where}"


def safe_server(url: str) -> str:
    """The server URL without any user:password part."""
    try:
        parts = urlsplit(url)
    except ValueError:
        return "<unparsable server URL>"
    host = parts.hostname or ""
    if parts.port:
        host = f"{host}:{parts.port}"
    return urlunsplit((parts.scheme, host, parts.path, "", ""))


def one_line(text: str, limit: int = 600) -> str:
    text = " ".join(str(text).split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _status(exc: Any) -> dict[str, Any]:
    """The Kubernetes `Status` object of an ApiException's body, when it has one."""
    body = getattr(exc, "body", None)
    if isinstance(body, bytes):
        body = body.decode("utf-8", "replace")
    if isinstance(body, str) and body.strip().startswith("{"):
        try:
            data = json.loads(body)
        except json.JSONDecodeError:
            return {}
        return data if isinstance(data, dict) else {}
    return {}


def status_message(exc: Any) -> str:
    status = _status(exc)
    message = status.get("message") or getattr(exc, "reason", "") or str(exc)
    return one_line(message)


def from_api_exception(exc: Any, call: Call, server: str, tekton_installed: Optional[bool] = None) -> ClusterError:
    """Translate a `kubernetes.client.ApiException` of `call`.

    `tekton_installed` says whether discovery found tekton.dev/v1 (asked by the caller only
    for a 404 that names no object): False means the CRDs are missing.
    """
    code = getattr(exc, "status", 0) or 0
    status = _status(exc)
    details = status.get("details") or {}
    message = status_message(exc)
    if code == 401:
        return Unauthorized(f"the API server at {server} refused the credentials (401 Unauthorized): "
                            "check the user of the kubeconfig context, or log in again")
    if code == 403:
        return Forbidden(f"forbidden: not allowed to {call.describe()} (RBAC); the API server said: {message}")
    if code == 404:
        if details.get("kind") == "namespaces":
            return NamespaceMissing(f"namespace {details.get('name') or call.namespace!r} does not exist on {server}")
        if tekton_installed is False:
            return TektonMissing(f"Tekton is not installed on {server}: the API server has no tekton.dev/v1 "
                                 f"{call.resource.split('.')[0]} (install Tekton Pipelines, v1.0 or later)")
        if call.name:
            kind = call.kind or call.resource
            where = f" in namespace {call.namespace!r}" if call.namespace else ""
            hint = {"PipelineRun": " (tekflow list shows the runs there)",
                    "Pipeline": " (apply it first: tekflow compile --kind pipeline … | kubectl apply -f -)"}.get(kind, "")
            return RunNotFound(f"no {kind} {call.name!r}{where}{hint}")
        return ClusterError(f"{call.describe()}: not found on {server}: {message}")
    if code == 409:
        return Rejected(f"{call.describe()}: {message}")
    if code in (400, 422):
        return Rejected(f"the cluster rejected the {call.kind or call.resource}: {message}")
    if code == 0:  # the client raised before any answer
        return Unreachable(f"cannot reach the Kubernetes API server at {server}: {one_line(str(exc))}")
    reason = status.get("reason") or getattr(exc, "reason", "") or ""
    return ClusterError(f"{call.describe()}: the API server at {server} answered {code} {reason}: {message}")


_ERRNO = re.compile(r"\[Errno -?\d+\] ([^'\")]+)")


def connection_reason(exc: BaseException) -> str:
    """A short reason for a failed connection: "Connection refused", "certificate verify failed"…"""
    text = str(getattr(exc, "reason", None) or exc)
    found = _ERRNO.search(text)
    if found:
        return found.group(1).strip()
    for marker in ("CERTIFICATE_VERIFY_FAILED", "certificate verify failed", "timed out", "Name or service not known",
                   "Connection reset", "Connection aborted", "hostname"):
        if marker.lower() in text.lower():
            return marker if marker[0].islower() else marker.replace("_", " ").lower()
    return type(getattr(exc, "reason", None) or exc).__name__


def unreachable(exc: BaseException, server: str, context: Optional[str]) -> Unreachable:
    ctx = f" (context {context!r})" if context else ""
    return Unreachable(f"cannot reach the Kubernetes API server at {server}{ctx}: {connection_reason(exc)}; "
                       "is the cluster up? (--kubeconfig / --context choose another)")
