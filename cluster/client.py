"""The Kubernetes API calls tekflow makes, each one's failure turned into a one-line ClusterError."""

from __future__ import annotations

import contextlib
from typing import Any, Iterator, Optional

from .config import Connection
from .errors import Call, ClusterError, Forbidden, NamespaceMissing, from_api_exception, unreachable

GROUP = "tekton.dev"
VERSION = "v1"
PIPELINE_RUN_LABEL = "tekton.dev/pipelineRun"  # Tekton puts it on every TaskRun (and pod) of a run
PIPELINE_TASK_LABEL = "tekton.dev/pipelineTask"
REQUEST_TIMEOUT = (10, 60)  # seconds: connect, read


class WatchExpired(Exception):
    """The watch's resourceVersion is too old (410 Gone): list again."""


def plural_of(kind: str) -> str:
    return kind.lower() + "s"


class Cluster:
    """Tekton and core API calls on one connection."""

    def __init__(self, connection: Connection) -> None:
        from kubernetes import client

        self.connection = connection
        self.custom = client.CustomObjectsApi(connection.api_client)
        self.core = client.CoreV1Api(connection.api_client)
        self._tekton_installed: Optional[bool] = None

    @property
    def server(self) -> str:
        return self.connection.server

    # -- errors -------------------------------------------------------------------------

    @contextlib.contextmanager
    def calling(self, call: Call) -> Iterator[None]:
        """Run API calls; translate what they raise for `call`."""
        from kubernetes.client.exceptions import ApiException
        from urllib3.exceptions import HTTPError

        try:
            yield
        except ApiException as e:
            raise self.translate(e, call) from None
        except HTTPError as e:
            raise unreachable(e, self.server, self.connection.context) from None
        except OSError as e:  # refused, reset, TLS: raised below urllib3 on some paths
            raise unreachable(e, self.server, self.connection.context) from None

    def translate(self, exc: Any, call: Call) -> ClusterError:
        installed = None
        if getattr(exc, "status", None) == 404:
            if call.resource.endswith("." + GROUP):
                installed = self.tekton_installed()
            if call.namespace and installed is not False:  # "no run r" may mean: no namespace
                try:
                    self.check_namespace(call.namespace)
                except NamespaceMissing as missing:
                    return missing
                except ClusterError:
                    pass
        return from_api_exception(exc, call, self.server, installed)

    def tekton_installed(self) -> Optional[bool]:
        """Whether discovery lists tekton.dev/v1 pipelineruns (asked once; None when it cannot tell)."""
        if self._tekton_installed is None:
            from kubernetes.client.exceptions import ApiException

            try:
                listed = self.custom.get_api_resources(GROUP, VERSION, _request_timeout=REQUEST_TIMEOUT)
                self._tekton_installed = "pipelineruns" in {r.name for r in listed.resources or []}
            except ApiException as e:
                if e.status == 404:
                    self._tekton_installed = False
            except Exception:
                pass
        return self._tekton_installed

    # -- Tekton objects ---------------------------------------------------------------

    def create(self, document: dict[str, Any], namespace: str) -> dict[str, Any]:
        """Create a Tekton (or any custom) object from its manifest."""
        group, _, version = document["apiVersion"].rpartition("/")
        kind = document["kind"]
        plural = plural_of(kind)
        call = Call("create", f"{plural}.{group}", namespace, document.get("metadata", {}).get("name"), kind)
        with self.calling(call):
            return self.custom.create_namespaced_custom_object(group, version, namespace, plural, document,
                                                               _request_timeout=REQUEST_TIMEOUT)

    def replace(self, document: dict[str, Any], namespace: str) -> dict[str, Any]:
        """Create the object, or replace the one of the same name (kubectl apply's outcome)."""
        from kubernetes.client.exceptions import ApiException

        group, _, version = document["apiVersion"].rpartition("/")
        kind, name = document["kind"], document["metadata"]["name"]
        plural = plural_of(kind)
        try:
            return self.create(document, namespace)
        except ClusterError as e:
            if "already exists" not in str(e):
                raise
        call = Call("update", f"{plural}.{group}", namespace, name, kind)
        with self.calling(call):
            try:
                current = self.custom.get_namespaced_custom_object(group, version, namespace, plural, name,
                                                                   _request_timeout=REQUEST_TIMEOUT)
            except ApiException as e:
                raise self.translate(e, Call("get", f"{plural}.{group}", namespace, name, kind)) from None
            body = dict(document, metadata={**document["metadata"],
                                            "resourceVersion": current["metadata"]["resourceVersion"]})
            return self.custom.replace_namespaced_custom_object(group, version, namespace, plural, name, body,
                                                                _request_timeout=REQUEST_TIMEOUT)

    def get_pipelinerun(self, name: str, namespace: str) -> dict[str, Any]:
        with self.calling(Call("get", f"pipelineruns.{GROUP}", namespace, name, "PipelineRun")):
            return self.custom.get_namespaced_custom_object(GROUP, VERSION, namespace, "pipelineruns", name,
                                                            _request_timeout=REQUEST_TIMEOUT)

    def get_pipeline(self, name: str, namespace: str) -> dict[str, Any]:
        with self.calling(Call("get", f"pipelines.{GROUP}", namespace, name, "Pipeline")):
            return self.custom.get_namespaced_custom_object(GROUP, VERSION, namespace, "pipelines", name,
                                                            _request_timeout=REQUEST_TIMEOUT)

    def list_pipelineruns(self, namespace: Optional[str], selector: Optional[str] = None) -> list[dict[str, Any]]:
        """Runs of one namespace (or all when None); an empty list from a missing namespace is an error."""
        call = Call("list", f"pipelineruns.{GROUP}", namespace)
        kwargs = {"label_selector": selector} if selector else {}
        with self.calling(call):
            if namespace is None:
                listed = self.custom.list_cluster_custom_object(GROUP, VERSION, "pipelineruns",
                                                                _request_timeout=REQUEST_TIMEOUT, **kwargs)
            else:
                listed = self.custom.list_namespaced_custom_object(GROUP, VERSION, namespace, "pipelineruns",
                                                                   _request_timeout=REQUEST_TIMEOUT, **kwargs)
        items = listed.get("items", [])
        if not items and namespace is not None:
            self.check_namespace(namespace)
        return items

    def list_taskruns(self, run: str, namespace: str) -> list[dict[str, Any]]:
        call = Call("list", f"taskruns.{GROUP}", namespace)
        with self.calling(call):
            listed = self.custom.list_namespaced_custom_object(GROUP, VERSION, namespace, "taskruns",
                                                               label_selector=f"{PIPELINE_RUN_LABEL}={run}",
                                                               _request_timeout=REQUEST_TIMEOUT)
        return listed.get("items", [])

    def patch_pipelinerun_status(self, name: str, namespace: str, spec_status: str) -> dict[str, Any]:
        """Set `spec.status` (Cancelled, CancelledRunFinally, StoppedRunFinally) with a merge patch."""
        call = Call("patch", f"pipelineruns.{GROUP}", namespace, name, "PipelineRun")
        with self.calling(call):
            # a merge patch, said explicitly: the client's default patch type differs between its versions
            return self.custom.api_client.call_api(
                f"/apis/{GROUP}/{VERSION}/namespaces/{{namespace}}/pipelineruns/{{name}}", "PATCH",
                path_params={"namespace": namespace, "name": name},
                header_params={"Content-Type": "application/merge-patch+json", "Accept": "application/json"},
                body={"spec": {"status": spec_status}}, response_type="object", auth_settings=["BearerToken"],
                _return_http_data_only=True, _preload_content=True, _request_timeout=REQUEST_TIMEOUT)

    def check_namespace(self, namespace: str) -> None:
        """Raise NamespaceMissing when the namespace does not exist (silent when we may not read it)."""
        try:
            with self.calling(Call("get", "namespaces", None, namespace, "Namespace")):
                self.core.read_namespace(namespace, _request_timeout=REQUEST_TIMEOUT)
        except Forbidden:
            pass  # this user may not read namespaces: an empty list is all we can say

    # -- watches ----------------------------------------------------------------------

    def watch_stream(self, plural: str, namespace: str, resource_version: str, timeout_s: int,
                     field_selector: Optional[str] = None, label_selector: Optional[str] = None) -> Iterator[dict]:
        """Raw watch events ({"type", "object"}) of one Tekton resource from `resource_version`;
        ends after `timeout_s` (the server closes the stream)."""
        from kubernetes import watch

        kwargs: dict[str, Any] = {"resource_version": resource_version, "timeout_seconds": timeout_s,
                                  "allow_watch_bookmarks": True, "_request_timeout": (10, timeout_s + 15)}
        if field_selector:
            kwargs["field_selector"] = field_selector
        if label_selector:
            kwargs["label_selector"] = label_selector
        from kubernetes.client.exceptions import ApiException

        w = watch.Watch()
        call = Call("watch", f"{plural}.{GROUP}", namespace)
        with self.calling(call):
            try:
                # with timeout_seconds the client does not retry a 410 itself: the caller lists again
                yield from w.stream(self.custom.list_namespaced_custom_object, GROUP, VERSION, namespace, plural,
                                    **kwargs)
            except ApiException as e:
                if e.status == 410:
                    raise WatchExpired() from None
                raise

    def list_with_version(self, plural: str, namespace: str, field_selector: Optional[str] = None,
                          label_selector: Optional[str] = None) -> tuple[list[dict[str, Any]], str]:
        kwargs: dict[str, Any] = {}
        if field_selector:
            kwargs["field_selector"] = field_selector
        if label_selector:
            kwargs["label_selector"] = label_selector
        with self.calling(Call("list", f"{plural}.{GROUP}", namespace)):
            listed = self.custom.list_namespaced_custom_object(GROUP, VERSION, namespace, plural,
                                                               _request_timeout=REQUEST_TIMEOUT, **kwargs)
        return listed.get("items", []), listed.get("metadata", {}).get("resourceVersion", "")

    # -- pods -------------------------------------------------------------------------

    def read_log(self, pod: str, container: str, namespace: str, tail_lines: Optional[int] = None) -> str:
        kwargs: dict[str, Any] = {"container": container, "_request_timeout": REQUEST_TIMEOUT}
        if tail_lines is not None:
            kwargs["tail_lines"] = tail_lines
        with self.calling(Call("get", "pods/log", namespace, pod, "Pod")):
            return self.core.read_namespaced_pod_log(pod, namespace, **kwargs)

    def stream_log(self, pod: str, container: str, namespace: str) -> Iterator[bytes]:
        """A container's log as it is written, until the container ends."""
        call = Call("get", "pods/log", namespace, pod, "Pod")
        with self.calling(call):
            response = self.core.read_namespaced_pod_log(pod, namespace, container=container, follow=True,
                                                         _preload_content=False, _request_timeout=(10, None))
        try:
            with self.calling(call):
                yield from response.stream(4096, decode_content=True)
        finally:
            response.release_conn()

    def get_pod(self, pod: str, namespace: str) -> Any:
        with self.calling(Call("get", "pods", namespace, pod, "Pod")):
            return self.core.read_namespaced_pod(pod, namespace, _request_timeout=REQUEST_TIMEOUT)
