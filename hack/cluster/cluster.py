#!/usr/bin/env python3
"""tekflow's test cluster: etcd, kube-apiserver, kube-controller-manager,
kube-scheduler, Tekton's controller and one process node, all on 127.0.0.1.

    python hack/cluster/cluster.py build        # build the binaries (cached)
    python hack/cluster/cluster.py up           # build if needed, start, wait ready
    python hack/cluster/cluster.py status       # what runs, is the API ready
    python hack/cluster/cluster.py env          # export KUBECONFIG=…
    python hack/cluster/cluster.py down         # stop everything

Binaries are built once from the Go modules beside this file and kept under
~/.cache/tekflow/cluster/<component>-<version>/ (TEKFLOW_CLUSTER_CACHE moves
it). A cluster's state (certificates, etcd data, pods' files, logs, the
kubeconfig) lives in --dir (default ~/.cache/tekflow/cluster/state, or
TEKFLOW_CLUSTER_DIR). See docs/cluster.md.
"""

from __future__ import annotations

import argparse
import base64
import fcntl
import hashlib
import json
import os
import shutil
import signal
import socket
import ssl
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import yaml

HERE = Path(__file__).resolve().parent
ETCD_VERSION = "v3.6.16"
KUBERNETES_VERSION = "v1.35.4"
TEKTON_VERSION = "v1.15.0"
TEKTON_MODULE = "github.com/tektoncd/pipeline"
NODE_NAME = "tekflow-node"
SYSTEM_NAMESPACE = "tekton-pipelines"
SERVICE_CIDR = "10.96.0.0/24"  # allocated from, never routed to
STORAGE_CLASS = "standard"
HOSTPATH_PV_ROOT = "/tmp/hostpath_pv"  # where the controller-manager's hostPath provisioner makes volumes

# Image names Tekton's controller is told to use; the node maps them.
IMAGES = {
    "entrypoint-image": f"tekflow.local/tekton/entrypoint:{TEKTON_VERSION}",
    "nop-image": f"tekflow.local/tekton/nop:{TEKTON_VERSION}",
    "sidecarlogresults-image": f"tekflow.local/tekton/sidecarlogresults:{TEKTON_VERSION}",
    "workingdirinit-image": f"tekflow.local/tekton/workingdirinit:{TEKTON_VERSION}",
    "shell-image": "tekflow.local/host-shell:latest",
    "shell-image-win": "tekflow.local/no-windows-shell:latest",
}
TEKTON_BINARIES = ("controller", "entrypoint", "nop", "sidecarlogresults", "workingdirinit")
KUBE_BINARIES = ("kube-apiserver", "kube-controller-manager", "kube-scheduler")
# Start order; `down` stops in reverse.
COMPONENTS = ("etcd", "kube-apiserver", "kube-controller-manager", "kube-scheduler", "node", "tekton-controller")


class ClusterError(RuntimeError):
    pass


def log(msg: str) -> None:
    print(f"[cluster {time.strftime('%H:%M:%S')}] {msg}", file=sys.stderr, flush=True)


# --------------------------------------------------------------------------- build


def cache_root() -> Path:
    return Path(os.environ.get("TEKFLOW_CLUSTER_CACHE", Path.home() / ".cache" / "tekflow" / "cluster"))


def go_binary() -> str:
    go = shutil.which("go") or "/usr/local/go/bin/go"
    if not Path(go).exists():
        raise ClusterError("Go is needed to build the test cluster (go not on PATH, nor /usr/local/go/bin/go)")
    return go


def go_env() -> dict:
    env = dict(os.environ)
    env.setdefault("GOFLAGS", "-buildvcs=false")
    return env


def node_key() -> str:
    h = hashlib.sha256()
    for p in sorted((HERE / "node").iterdir()):
        if (p.suffix == ".go" and not p.name.endswith("_test.go")) or p.name in ("go.mod", "go.sum"):
            h.update(p.name.encode() + b"\0" + p.read_bytes())
    return h.hexdigest()[:12]


def bin_dirs() -> dict[str, Path]:
    root = cache_root()
    return {
        "etcd": root / f"etcd-{ETCD_VERSION}",
        "kube": root / f"kubernetes-{KUBERNETES_VERSION}",
        "tekton": root / f"tekton-{TEKTON_VERSION}",
        "node": root / f"node-{node_key()}",
    }


def _go_build(module_dir: Path, out: Path, packages: list[str], names: list[str], ldflags: str = "") -> float:
    """Builds packages into out/ unless every named binary is there; returns seconds spent."""
    if all((out / n).exists() for n in names):
        return 0.0
    tmp = out.with_name(out.name + ".partial")
    shutil.rmtree(tmp, ignore_errors=True)
    tmp.mkdir(parents=True)
    cmd = ["nice", "-n", "10", go_binary(), "build", "-trimpath", "-ldflags", ("-s -w " + ldflags).strip(), "-o"]
    cmd += [str(tmp) + ("/" if len(packages) > 1 else f"/{names[0]}")] + packages
    log(f"building {', '.join(names)} in {module_dir.relative_to(HERE.parent.parent)} (slow the first time)")
    start = time.monotonic()
    r = subprocess.run(cmd, cwd=module_dir, env=go_env())
    if r.returncode != 0:
        shutil.rmtree(tmp, ignore_errors=True)
        raise ClusterError(f"go build failed in {module_dir}")
    shutil.rmtree(out, ignore_errors=True)
    tmp.rename(out)
    took = time.monotonic() - start
    log(f"built {', '.join(names)} in {took:.0f}s")
    return took


def tekton_module_dir() -> Path:
    r = subprocess.run(
        [go_binary(), "mod", "download", "-json", TEKTON_MODULE],
        cwd=HERE / "tekton", env=go_env(), capture_output=True, text=True,
    )
    if r.returncode != 0:
        raise ClusterError(f"go mod download {TEKTON_MODULE}: {r.stderr.strip()}")
    return Path(json.loads(r.stdout)["Dir"])


def build() -> dict[str, Path]:
    """Builds what is missing; one build at a time per cache (others wait for it)."""
    root = cache_root()
    root.mkdir(parents=True, exist_ok=True)
    with open(root / ".build.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        return _build()


def _build() -> dict[str, Path]:
    dirs = bin_dirs()
    _go_build(HERE / "etcd", dirs["etcd"], ["."], ["etcd"])
    stamp = (
        f"-X k8s.io/component-base/version.gitVersion={KUBERNETES_VERSION} "
        f"-X k8s.io/component-base/version.gitMajor=1 -X k8s.io/component-base/version.gitMinor=35 "
        f"-X k8s.io/component-base/version.gitTreeState=clean"
    )
    _go_build(HERE / "kube", dirs["kube"], [f"k8s.io/kubernetes/cmd/{b}" for b in KUBE_BINARIES], list(KUBE_BINARIES), stamp)
    _go_build(HERE / "tekton", dirs["tekton"], [f"{TEKTON_MODULE}/cmd/{b}" for b in TEKTON_BINARIES], list(TEKTON_BINARIES))
    config = dirs["tekton"] / "config"
    if not config.exists():
        src = tekton_module_dir() / "config"
        shutil.copytree(src, config.with_name("config.partial"), dirs_exist_ok=True)
        config.with_name("config.partial").rename(config)
        for p in config.rglob("*"):
            p.chmod(0o755 if p.is_dir() else 0o644)
    _go_build(HERE / "node", dirs["node"], ["."], ["tekflow-node"])
    return dirs


# --------------------------------------------------------------------------- state


def state_dir(arg: str | None) -> Path:
    d = arg or os.environ.get("TEKFLOW_CLUSTER_DIR") or str(cache_root() / "state")
    return Path(d).expanduser().resolve()


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def openssl(*args: str) -> None:
    r = subprocess.run(["openssl", *args], capture_output=True, text=True)
    if r.returncode != 0:
        raise ClusterError(f"openssl {' '.join(args[:2])}: {r.stderr.strip()}")


def make_certs(pki: Path) -> None:
    pki.mkdir(parents=True, exist_ok=True)
    openssl("req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "3650", "-subj", "/CN=tekflow-test-ca",
            "-keyout", str(pki / "ca.key"), "-out", str(pki / "ca.crt"))

    def leaf(name: str, subject: str, sans: str | None, usage: str) -> None:
        ext = pki / f"{name}.ext"
        lines = ["basicConstraints=CA:FALSE", "keyUsage=digitalSignature,keyEncipherment", f"extendedKeyUsage={usage}"]
        if sans:
            lines.append(f"subjectAltName={sans}")
        ext.write_text("\n".join(lines) + "\n")
        openssl("req", "-newkey", "rsa:2048", "-nodes", "-subj", subject,
                "-keyout", str(pki / f"{name}.key"), "-out", str(pki / f"{name}.csr"))
        openssl("x509", "-req", "-in", str(pki / f"{name}.csr"), "-CA", str(pki / "ca.crt"), "-CAkey", str(pki / "ca.key"),
                "-CAcreateserial", "-days", "3650", "-extfile", str(ext), "-out", str(pki / f"{name}.crt"))

    leaf("apiserver", "/CN=kube-apiserver",
         "IP:127.0.0.1,IP:10.96.0.1,DNS:localhost,DNS:kubernetes,DNS:kubernetes.default,"
         "DNS:kubernetes.default.svc,DNS:kubernetes.default.svc.cluster.local", "serverAuth")
    leaf("kubelet-client", "/O=system:masters/CN=kube-apiserver-kubelet-client", None, "clientAuth")
    leaf("node", f"/CN={NODE_NAME}", f"IP:127.0.0.1,DNS:{NODE_NAME},DNS:localhost", "serverAuth")
    openssl("genrsa", "-out", str(pki / "sa.key"), "2048")
    openssl("rsa", "-in", str(pki / "sa.key"), "-pubout", "-out", str(pki / "sa.pub"))


def write_kubeconfig(path: Path, server: str, ca: Path, token: str) -> None:
    cfg = {
        "apiVersion": "v1",
        "kind": "Config",
        "clusters": [{"name": "tekflow-test", "cluster": {
            "server": server,
            "certificate-authority-data": base64.b64encode(ca.read_bytes()).decode(),
        }}],
        "users": [{"name": "tekflow-admin", "user": {"token": token}}],
        "contexts": [{"name": "tekflow-test", "context": {"cluster": "tekflow-test", "user": "tekflow-admin", "namespace": "default"}}],
        "current-context": "tekflow-test",
    }
    path.write_text(yaml.safe_dump(cfg, sort_keys=False))
    path.chmod(0o600)


# --------------------------------------------------------------------------- API


class API:
    def __init__(self, server: str, token: str, ca: Path):
        self.server = server.rstrip("/")
        self.token = token
        self.ctx = ssl.create_default_context(cafile=str(ca))

    def call(self, method: str, path: str, body: dict | None = None, timeout: float = 10) -> tuple[int, dict | str]:
        data = json.dumps(body).encode() if body is not None else None
        req = urllib.request.Request(self.server + path, data=data, method=method)
        req.add_header("Authorization", f"Bearer {self.token}")
        if data is not None:
            req.add_header("Content-Type", "application/json")
        try:
            with urllib.request.urlopen(req, context=self.ctx, timeout=timeout) as r:
                text = r.read().decode()
                code = r.status
        except urllib.error.HTTPError as e:
            text, code = e.read().decode(), e.code
        try:
            return code, json.loads(text)
        except ValueError:
            return code, text

    def create(self, obj: dict) -> None:
        path = resource_path(obj)
        code, out = self.call("POST", path, obj)
        if code == 409:
            return
        if code >= 300:
            raise ClusterError(f"creating {obj['kind']} {obj['metadata']['name']}: {code} {out}")


PLURALS = {
    "Namespace": "namespaces", "ConfigMap": "configmaps", "ServiceAccount": "serviceaccounts",
    "CustomResourceDefinition": "customresourcedefinitions", "StorageClass": "storageclasses",
}
CLUSTER_SCOPED = {"Namespace", "CustomResourceDefinition", "StorageClass"}


def resource_path(obj: dict) -> str:
    api_version, kind = obj["apiVersion"], obj["kind"]
    base = f"/api/{api_version}" if "/" not in api_version else f"/apis/{api_version}"
    plural = PLURALS.get(kind)
    if plural is None:
        raise ClusterError(f"don't know where to create a {kind}")
    if kind in CLUSTER_SCOPED:
        return f"{base}/{plural}"
    ns = obj["metadata"].get("namespace", "default")
    return f"{base}/namespaces/{ns}/{plural}"


def wait_for(what: str, check, timeout: float, proc_check=None) -> None:
    deadline = time.monotonic() + timeout
    last = None
    while time.monotonic() < deadline:
        if proc_check:
            proc_check()
        try:
            if check():
                return
        except (OSError, urllib.error.URLError, ssl.SSLError, ValueError) as e:
            last = e
        time.sleep(0.5)
    raise ClusterError(f"timed out after {timeout:.0f}s waiting for {what}" + (f" ({last})" if last else ""))


# --------------------------------------------------------------------------- processes


def start(state: Path, name: str, argv: list[str], env: dict | None = None) -> int:
    logs = state / "logs"
    logs.mkdir(parents=True, exist_ok=True)
    out = open(logs / f"{name}.log", "ab")
    p = subprocess.Popen(argv, stdout=out, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
                         env=env or dict(os.environ), start_new_session=True, cwd=state)
    out.close()
    (state / "pids").mkdir(exist_ok=True)
    (state / "pids" / name).write_text(json.dumps({"pid": p.pid, "exe": os.path.realpath(argv[0])}))
    return p.pid


def component_pid(state: Path, name: str) -> int | None:
    """The pid of a component still running (its executable checked, so a reused pid is not mistaken)."""
    f = state / "pids" / name
    if not f.exists():
        return None
    info = json.loads(f.read_text())
    pid = info["pid"]
    try:
        exe = os.readlink(f"/proc/{pid}/exe")
    except OSError:
        return None
    if exe.removesuffix(" (deleted)") != info["exe"]:
        return None
    return pid


def alive_check(state: Path, names: list[str]):
    def check():
        for n in names:
            if component_pid(state, n) is None:
                tail = ""
                logf = state / "logs" / f"{n}.log"
                if logf.exists():
                    tail = "\n".join(logf.read_text(errors="replace").splitlines()[-15:])
                raise ClusterError(f"{n} exited; last lines of {logf}:\n{tail}")
    return check


def marked_processes(marker: str) -> list[int]:
    """Processes whose environment carries the node's marker: what pods left."""
    found = []
    needle = marker.encode()
    for d in Path("/proc").iterdir():
        if not d.name.isdigit():
            continue
        try:
            env = (d / "environ").read_bytes()
        except OSError:
            continue
        if needle in env.split(b"\0"):
            found.append(int(d.name))
    return found


def stop_pid(pid: int, grace: float) -> None:
    try:
        os.killpg(pid, signal.SIGTERM)
    except ProcessLookupError:
        return
    deadline = time.monotonic() + grace
    while time.monotonic() < deadline:
        try:
            os.killpg(pid, 0)
        except ProcessLookupError:
            return
        time.sleep(0.1)
    try:
        os.killpg(pid, signal.SIGKILL)
    except ProcessLookupError:
        pass


def node_marker(state: Path) -> str:
    return f"TEKFLOW_TEST_CLUSTER={state}"


# --------------------------------------------------------------------------- up / down


def up(state: Path) -> dict:
    if os.geteuid() != 0:
        raise ClusterError("the test cluster's node needs root (it binds pods' volumes in mount namespaces)")
    if any(component_pid(state, c) for c in COMPONENTS):
        raise ClusterError(f"a cluster is already running in {state} (run `down` first)")
    t0 = time.monotonic()
    dirs = build()
    t_build = time.monotonic() - t0
    for sub in ("etcd", "pods", "pki", "pids", "logs"):
        shutil.rmtree(state / sub, ignore_errors=True)
    state.mkdir(parents=True, exist_ok=True)
    (state / "logs").mkdir()
    pki = state / "pki"
    make_certs(pki)
    token = base64.b32encode(os.urandom(20)).decode().lower().rstrip("=")
    (pki / "tokens.csv").write_text(f"{token},tekflow-admin,tekflow-admin,system:masters\n")
    (pki / "tokens.csv").chmod(0o600)

    ports = {k: free_port() for k in ("etcd", "etcd-peer", "apiserver", "kcm", "scheduler", "kubelet")}
    server = f"https://127.0.0.1:{ports['apiserver']}"
    kubeconfig = state / "kubeconfig"
    write_kubeconfig(kubeconfig, server, pki / "ca.crt", token)
    (state / "cluster.json").write_text(json.dumps({"server": server, "ports": ports, "kubeconfig": str(kubeconfig)}, indent=1))
    api = API(server, token, pki / "ca.crt")

    try:
        etcd_url = f"http://127.0.0.1:{ports['etcd']}"
        peer_url = f"http://127.0.0.1:{ports['etcd-peer']}"
        start(state, "etcd", [str(dirs["etcd"] / "etcd"), "--name", "tekflow", "--data-dir", str(state / "etcd"),
                              "--listen-client-urls", etcd_url, "--advertise-client-urls", etcd_url,
                              "--listen-peer-urls", peer_url, "--initial-advertise-peer-urls", peer_url,
                              "--initial-cluster", f"tekflow={peer_url}", "--unsafe-no-fsync",
                              "--quota-backend-bytes", str(2 * 1024**3), "--log-level", "warn"])
        wait_for("etcd", lambda: b'"health":"true"' in urllib.request.urlopen(etcd_url + "/health", timeout=2).read(),
                 30, alive_check(state, ["etcd"]))

        kube = dirs["kube"]
        start(state, "kube-apiserver", [
            str(kube / "kube-apiserver"), "--etcd-servers", etcd_url,
            "--bind-address", "127.0.0.1", "--advertise-address", "127.0.0.1", "--secure-port", str(ports["apiserver"]),
            "--tls-cert-file", str(pki / "apiserver.crt"), "--tls-private-key-file", str(pki / "apiserver.key"),
            "--client-ca-file", str(pki / "ca.crt"), "--token-auth-file", str(pki / "tokens.csv"),
            "--authorization-mode", "RBAC", "--service-account-issuer", "https://kubernetes.default.svc.cluster.local",
            "--service-account-key-file", str(pki / "sa.pub"), "--service-account-signing-key-file", str(pki / "sa.key"),
            "--service-cluster-ip-range", SERVICE_CIDR, "--endpoint-reconciler-type", "none",
            "--kubelet-client-certificate", str(pki / "kubelet-client.crt"), "--kubelet-client-key", str(pki / "kubelet-client.key"),
            "--kubelet-certificate-authority", str(pki / "ca.crt"), "--kubelet-preferred-address-types", "InternalIP",
            "--allow-privileged", "--profiling=false", "--v", "1",
        ])
        wait_for("kube-apiserver", lambda: api.call("GET", "/readyz", timeout=3) == (200, "ok"), 180,
                 alive_check(state, ["etcd", "kube-apiserver"]))
        log(f"API server ready at {server}")

        api.create({"apiVersion": "storage.k8s.io/v1", "kind": "StorageClass",
                    "metadata": {"name": STORAGE_CLASS, "annotations": {"storageclass.kubernetes.io/is-default-class": "true"}},
                    "provisioner": "kubernetes.io/host-path", "reclaimPolicy": "Delete", "volumeBindingMode": "Immediate"})
        install_tekton(api, dirs["tekton"] / "config")

        common = ["--kubeconfig", str(kubeconfig), "--bind-address", "127.0.0.1", "--leader-elect=false",
                  "--authentication-kubeconfig", str(kubeconfig), "--authorization-kubeconfig", str(kubeconfig)]
        start(state, "kube-controller-manager", [
            str(kube / "kube-controller-manager"), *common, "--secure-port", str(ports["kcm"]),
            "--root-ca-file", str(pki / "ca.crt"), "--service-account-private-key-file", str(pki / "sa.key"),
            "--use-service-account-credentials=false", "--enable-hostpath-provisioner", "--cluster-name", "tekflow",
            "--profiling=false",
        ])
        start(state, "kube-scheduler", [
            str(kube / "kube-scheduler"), *common, "--secure-port", str(ports["scheduler"]), "--profiling=false",
        ])

        node_env = dict(os.environ)
        node_env["TEKFLOW_TEST_CLUSTER"] = str(state)  # inherited by every container: `down` finds leftovers by it
        tekton_bin = dirs["tekton"]
        start(state, "node", [
            str(dirs["node"] / "tekflow-node"), "--kubeconfig", str(kubeconfig), "--node-name", NODE_NAME,
            "--listen", f"127.0.0.1:{ports['kubelet']}", "--tls-cert", str(pki / "node.crt"), "--tls-key", str(pki / "node.key"),
            "--client-ca", str(pki / "ca.crt"), "--state-dir", str(state),
            "--bind", f"/ko-app={tekton_bin}",
            "--image-command", f"{IMAGES['nop-image']}=/ko-app/nop",
            "--image-command", f"{IMAGES['entrypoint-image']}=/ko-app/entrypoint",
            "--image-command", f"{IMAGES['workingdirinit-image']}=/ko-app/workingdirinit",
            "--image-command", f"{IMAGES['sidecarlogresults-image']}=/ko-app/sidecarlogresults",
        ], env=node_env)

        start(state, "tekton-controller", tekton_controller_argv(dirs, state, kubeconfig, ports["apiserver"]),
              env=tekton_controller_env(dirs["tekton"] / "config"))

        everything = list(COMPONENTS)
        wait_for(f"node {NODE_NAME} Ready", lambda: node_ready(api), 120, alive_check(state, everything))
        wait_for("ServiceAccount default/default", lambda: ensure_default_sa(api), 120, alive_check(state, everything))
        wait_for("Tekton's controller", lambda: tekton_ready(state), 180, alive_check(state, everything))
    except BaseException:
        log(f"start failed; stopping what started (logs in {state / 'logs'})")
        down(state, quiet=True)
        raise
    took = time.monotonic() - t0 - t_build
    log(f"cluster up in {took:.0f}s (build {t_build:.0f}s); export KUBECONFIG={kubeconfig}")
    return {"kubeconfig": str(kubeconfig), "server": server, "start_seconds": round(took, 1), "build_seconds": round(t_build, 1)}


def install_tekton(api: API, config: Path) -> None:
    docs = []
    for pattern in ("100-namespace/*.yaml", "300-crds/*.yaml", "config-*.yaml"):
        for f in sorted(config.glob(pattern)):
            docs += [d for d in yaml.safe_load_all(f.read_text()) if d]
    for d in docs:
        if d["kind"] not in PLURALS:
            continue
        d.get("metadata", {}).pop("creationTimestamp", None)
        api.create(d)
    crds = [d["metadata"]["name"] for d in docs if d["kind"] == "CustomResourceDefinition"]

    def established() -> bool:
        for name in crds:
            code, out = api.call("GET", f"/apis/apiextensions.k8s.io/v1/customresourcedefinitions/{name}")
            conds = {c["type"]: c["status"] for c in (out.get("status", {}).get("conditions") or [])} if code == 200 else {}
            if conds.get("Established") != "True":
                return False
        return True

    wait_for("Tekton's CRDs", established, 60)
    log(f"Tekton {TEKTON_VERSION}: {len(crds)} CRDs and its config maps installed")


def controller_deployment(config: Path) -> dict:
    for d in yaml.safe_load_all((config / "controller.yaml").read_text()):
        if d and d.get("kind") == "Deployment":
            return d["spec"]["template"]["spec"]["containers"][0]
    raise ClusterError("no Deployment in Tekton's config/controller.yaml")


def tekton_controller_env(config: Path) -> dict:
    """The controller Deployment's environment, as an out-of-cluster process gets it."""
    env = dict(os.environ)
    for e in controller_deployment(config).get("env", []):
        if "value" in e and not e["name"].startswith("SSL_CERT"):
            env[e["name"]] = e["value"]
    env["SYSTEM_NAMESPACE"] = SYSTEM_NAMESPACE
    return env


def tekton_controller_argv(dirs: dict, state: Path, kubeconfig: Path, api_port: int) -> list[str]:
    known = {a.lstrip("-") for a in controller_deployment(dirs["tekton"] / "config").get("args", []) if str(a).startswith("-")}
    missing = set(IMAGES) - known
    if missing:
        raise ClusterError(f"Tekton's controller.yaml no longer names {sorted(missing)}")
    argv = [str(dirs["node"] / "tekflow-node"), "isolate", str(api_port), str(state / "apiserver.sock"), "--",
            str(dirs["tekton"] / "controller"), "-kubeconfig", str(kubeconfig), "-disable-ha"]
    for flag, image in IMAGES.items():
        argv += [f"-{flag}", image]
    return argv


def node_ready(api: API) -> bool:
    code, out = api.call("GET", f"/api/v1/nodes/{NODE_NAME}")
    if code != 200:
        return False
    return any(c["type"] == "Ready" and c["status"] == "True" for c in out["status"].get("conditions", []))


def ensure_default_sa(api: API) -> bool:
    code, _ = api.call("GET", "/api/v1/namespaces/default/serviceaccounts/default")
    if code == 404:
        api.create({"apiVersion": "v1", "kind": "ServiceAccount", "metadata": {"name": "default", "namespace": "default"}})
        return False
    return code == 200


def tekton_ready(state: Path) -> bool:
    # Its probes listen inside its own network namespace; its log says when
    # the reconcilers run.
    text = (state / "logs" / "tekton-controller.log").read_text(errors="replace")
    return text.count("Started workers") >= 3  # TaskRun, PipelineRun, ResolutionRequest


def down(state: Path, quiet: bool = False) -> None:
    info = state / "cluster.json"
    pv_dirs: list[str] = []
    if info.exists() and component_pid(state, "kube-apiserver"):
        try:
            cfg = yaml.safe_load((state / "kubeconfig").read_text())
            token = cfg["users"][0]["user"]["token"]
            api = API(json.loads(info.read_text())["server"], token, state / "pki" / "ca.crt")
            code, out = api.call("GET", "/api/v1/persistentvolumes", timeout=5)
            if code == 200:
                for pv in out.get("items", []):
                    path = (pv["spec"].get("hostPath") or {}).get("path", "")
                    if path.startswith(HOSTPATH_PV_ROOT + "/"):
                        pv_dirs.append(path)
        except Exception as e:  # the API may be half up; stopping matters more
            log(f"could not list volumes: {e}")
    stopped = []
    for name in reversed(COMPONENTS):
        pid = component_pid(state, name)
        if pid:
            stop_pid(pid, 15 if name == "node" else 10)
            stopped.append(name)
        (state / "pids" / name).unlink(missing_ok=True)
    left = marked_processes(node_marker(state))
    for pid in left:
        try:
            os.kill(pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
    for d in pv_dirs:
        shutil.rmtree(d, ignore_errors=True)
    (state / "apiserver.sock").unlink(missing_ok=True)
    if not quiet:
        log(f"stopped {', '.join(stopped) or 'nothing (no cluster running)'}"
            + (f"; killed {len(left)} leftover pod processes" if left else "")
            + (f"; removed {len(pv_dirs)} volume directories" if pv_dirs else ""))


def status(state: Path) -> int:
    running = {c: component_pid(state, c) for c in COMPONENTS}
    for c, pid in running.items():
        print(f"{c:24} {'running, pid ' + str(pid) if pid else 'stopped'}")
    if not running["kube-apiserver"]:
        return 1
    cfg = yaml.safe_load((state / "kubeconfig").read_text())
    api = API(json.loads((state / "cluster.json").read_text())["server"], cfg["users"][0]["user"]["token"], state / "pki" / "ca.crt")
    try:
        ready = api.call("GET", "/readyz", timeout=3) == (200, "ok")
    except (OSError, urllib.error.URLError) as e:
        ready = False
        print(f"API: {e}")
    print(f"{'API':24} {'ready' if ready else 'not ready'} ({api.server})")
    print(f"{'node ' + NODE_NAME:24} {'Ready' if ready and node_ready(api) else 'not ready'}")
    print(f"KUBECONFIG={state / 'kubeconfig'}")
    return 0 if ready and all(running.values()) else 1


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0], formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("command", choices=["build", "up", "down", "status", "env"])
    ap.add_argument("--dir", help="cluster state directory (default $TEKFLOW_CLUSTER_DIR or ~/.cache/tekflow/cluster/state)")
    ap.add_argument("--json", action="store_true", help="`up`: print what started as JSON")
    args = ap.parse_args(argv)
    state = state_dir(args.dir)
    try:
        if args.command == "build":
            for k, v in build().items():
                print(f"{k:8} {v}")
        elif args.command == "up":
            info = up(state)
            print(json.dumps(info) if args.json else f"export KUBECONFIG={info['kubeconfig']}")
        elif args.command == "down":
            down(state)
        elif args.command == "status":
            return status(state)
        elif args.command == "env":
            print(f"export KUBECONFIG={state / 'kubeconfig'}")
    except ClusterError as e:
        print(f"cluster: {e}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
