"""Which cluster: a kubeconfig (`--kubeconfig`, `$KUBECONFIG`, ~/.kube/config) and context, or the
in-cluster service account. Only names and the server URL are ever shown, never credentials."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Optional

from .errors import ClusterError, safe_server

SERVICE_ACCOUNT_DIR = Path("/var/run/secrets/kubernetes.io/serviceaccount")


@dataclass
class Connection:
    """An API client and where it points."""

    api_client: Any  # kubernetes.client.ApiClient
    server: str  # the API server URL (no credentials)
    namespace: str  # the context's namespace, the service account's, or "default"
    context: Optional[str]  # kubeconfig context name; None in-cluster
    source: str  # "kubeconfig FILE" or "in-cluster service account"
    insecure: bool = False  # the kubeconfig turns TLS verification off (said once, not per request)


def _kubeconfig_paths(kubeconfig: Optional[str]) -> list[Path]:
    if kubeconfig:
        return [Path(kubeconfig).expanduser()]
    env = os.environ.get("KUBECONFIG")
    if env:
        return [Path(p).expanduser() for p in env.split(os.pathsep) if p]
    return [Path("~/.kube/config").expanduser()]


def _in_cluster_available() -> bool:
    return bool(os.environ.get("KUBERNETES_SERVICE_HOST")) and (SERVICE_ACCOUNT_DIR / "token").is_file()


def connect(kubeconfig: Optional[str] = None, context: Optional[str] = None) -> Connection:
    """Load the client configuration: the kubeconfig when one is given or exists, else in-cluster."""
    from kubernetes import client
    from kubernetes.config.config_exception import ConfigException

    paths = _kubeconfig_paths(kubeconfig)
    existing = [p for p in paths if p.is_file()]
    if kubeconfig and not existing:
        raise ClusterError(f"--kubeconfig {kubeconfig}: no such file")
    if not existing:
        if context:
            raise ClusterError(f"--context {context}: no kubeconfig found ({', '.join(map(str, paths))})")
        if _in_cluster_available():
            return _in_cluster(client, ConfigException)
        raise ClusterError(f"no cluster configured: no kubeconfig at {', '.join(map(str, paths))} and not running "
                           "in a pod; give --kubeconfig FILE or set KUBECONFIG")
    return _from_kubeconfig(client, ConfigException, existing, context)


def _from_kubeconfig(client: Any, ConfigException: type, paths: list[Path], context: Optional[str]) -> Connection:
    from kubernetes.config import kube_config

    # KUBECONFIG may list several files; the client merges them when given the joined list.
    config_file = os.pathsep.join(str(p) for p in paths)
    shown = ", ".join(str(p) for p in paths)
    try:
        contexts, active = kube_config.list_kube_config_contexts(config_file)
    except ConfigException as e:
        raise ClusterError(f"kubeconfig {shown}: {_config_problem(e)}") from None
    except Exception as e:  # YAML errors and the like: say which file, not its content
        raise ClusterError(f"kubeconfig {shown}: not a readable kubeconfig ({type(e).__name__})") from None
    names = [c.get("name") for c in contexts or []]
    if context is not None and context not in names:
        raise ClusterError(f"--context {context}: not in kubeconfig {shown} (contexts: {', '.join(names) or 'none'})")
    chosen = next((c for c in contexts if c.get("name") == context), None) if context else active
    if not chosen:
        raise ClusterError(f"kubeconfig {shown} has no current context: give --context "
                           f"({', '.join(names) or 'it defines none'})")
    configuration = client.Configuration()
    try:
        kube_config.load_kube_config(config_file=config_file, context=chosen.get("name"),
                                     client_configuration=configuration, persist_config=False)
    except ConfigException as e:
        raise ClusterError(f"kubeconfig {shown}, context {chosen.get('name')!r}: {_config_problem(e)}") from None
    except Exception as e:
        raise ClusterError(f"kubeconfig {shown}, context {chosen.get('name')!r}: cannot be used "
                           f"({type(e).__name__})") from None
    namespace = (chosen.get("context") or {}).get("namespace") or "default"
    insecure = not configuration.verify_ssl
    if insecure:  # urllib3 would warn on every request
        import warnings

        from urllib3.exceptions import InsecureRequestWarning

        warnings.simplefilter("ignore", InsecureRequestWarning)
    return Connection(client.ApiClient(configuration), safe_server(configuration.host), namespace,
                      chosen.get("name"), f"kubeconfig {shown}", insecure)


def _in_cluster(client: Any, ConfigException: type) -> Connection:
    from kubernetes.config import incluster_config

    configuration = client.Configuration()
    try:
        incluster_config.load_incluster_config(client_configuration=configuration)
    except ConfigException as e:
        raise ClusterError(f"in-cluster configuration: {_config_problem(e)}") from None
    namespace_file = SERVICE_ACCOUNT_DIR / "namespace"
    namespace = namespace_file.read_text().strip() if namespace_file.is_file() else "default"
    return Connection(client.ApiClient(configuration), safe_server(configuration.host), namespace or "default", None,
                      "in-cluster service account")


def _config_problem(exc: BaseException) -> str:
    """The client's message, unless it could carry a value from the file (then only its kind)."""
    text = " ".join(str(exc).split())
    # The client's messages name keys and contexts; a message quoting data (e.g. a bad base64
    # certificate or token) is cut to its first clause so no secret is echoed.
    lowered = text.lower()
    if any(word in lowered for word in ("token", "password", "key-data", "certificate-authority-data", "base64")):
        return text.split(":")[0]
    return text[:300]
