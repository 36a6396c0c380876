"""Artifact stores addressed by URI: `file://` (used in place) and anything fsspec knows.

The layout (docs/architecture.md "Artifact store layout") is decided here and nowhere else.
"""

from __future__ import annotations

import json
import os
import shutil
import tempfile
from typing import Any, Callable, Optional
from urllib.parse import unquote, urlparse

MANIFEST = "_tekflow_outputs.json"


def task_uri(root: str, run: str, task: str, coord: str = "") -> str:
    """Where a task (one iteration of it, inside loops) keeps its outputs."""
    parts = [root.rstrip("/"), run, task] + ([coord] if coord else [])
    return "/".join(parts)


def output_uri(root: str, run: str, task: str, name: str, coord: str = "") -> str:
    return f"{task_uri(root, run, task, coord)}/{name}"


def run_info_uri(root: str, run: str) -> str:
    """Facts about the run itself that every task must agree on (its creation time)."""
    return f"{root.rstrip('/')}/{run}/_tekflow_run.json"


def manifest_uri(root: str, run: str, task: str, coord: str = "") -> str:
    return f"{task_uri(root, run, task, coord)}/{MANIFEST}"


class Store:
    """Operations on one store; `is_local` stores are read and written in place."""

    is_local = False

    def local_path(self, uri: str) -> Optional[str]:
        return None

    def exists(self, uri: str) -> bool:
        raise NotImplementedError

    def read_json(self, uri: str) -> Optional[dict[str, Any]]:
        raise NotImplementedError

    def write_json(self, uri: str, data: dict[str, Any]) -> None:
        raise NotImplementedError

    def download(self, uri: str, path: str) -> None:
        raise NotImplementedError

    def upload(self, path: str, uri: str) -> None:
        raise NotImplementedError

    def manifests(self, root: str, run: str) -> list[str]:
        """The URIs of every manifest of the run (each task, each loop iteration), sorted."""
        raise NotImplementedError


class FileStore(Store):
    is_local = True

    def local_path(self, uri: str) -> str:
        parsed = urlparse(uri)
        if parsed.scheme not in ("", "file"):
            raise ValueError(f"{uri!r} is not a file:// URI")
        if parsed.scheme and parsed.netloc not in ("", "localhost"):
            raise ValueError(f"{uri!r} names the host {parsed.netloc!r}; a file:// URI needs an absolute path (file:///…)")
        return unquote(parsed.path) if parsed.scheme else uri

    def exists(self, uri: str) -> bool:
        return os.path.exists(self.local_path(uri))

    def read_json(self, uri: str) -> Optional[dict[str, Any]]:
        try:
            with open(self.local_path(uri), encoding="utf-8") as f:
                return json.load(f)
        except FileNotFoundError:
            return None

    def write_json(self, uri: str, data: dict[str, Any]) -> None:
        path = self.local_path(uri)
        os.makedirs(os.path.dirname(path), exist_ok=True)
        # write then rename: a reader never sees half a manifest
        fd, tmp = tempfile.mkstemp(dir=os.path.dirname(path), prefix=".tmp-")
        with os.fdopen(fd, "w", encoding="utf-8") as f:
            json.dump(data, f, sort_keys=True)
        os.replace(tmp, path)

    def download(self, uri: str, path: str) -> None:
        source = self.local_path(uri)
        if os.path.isdir(source):
            shutil.copytree(source, path, dirs_exist_ok=True)
        else:
            os.makedirs(os.path.dirname(path) or ".", exist_ok=True)
            shutil.copyfile(source, path)

    def manifests(self, root: str, run: str) -> list[str]:
        top = f"{root.rstrip('/')}/{run}"
        found = []
        for folder, _, names in os.walk(self.local_path(top)):
            if MANIFEST in names:
                relative = os.path.relpath(os.path.join(folder, MANIFEST), self.local_path(top))
                found.append(f"{top}/{relative.replace(os.sep, '/')}")
        return sorted(found)

    def upload(self, path: str, uri: str) -> None:
        target = self.local_path(uri)
        if os.path.abspath(path) == os.path.abspath(target):
            return
        os.makedirs(os.path.dirname(target), exist_ok=True)
        if os.path.isdir(path):
            shutil.copytree(path, target, dirs_exist_ok=True)
        else:
            shutil.copyfile(path, target)


class FsspecStore(Store):
    # KFP's minio://bucket/key is S3 at the endpoint s3fs is configured with (AWS_ENDPOINT_URL)
    ALIASES = {"minio": "s3"}

    def __init__(self, protocol: str) -> None:
        import fsspec

        self.scheme = protocol
        self.protocol = self.ALIASES.get(protocol, protocol)
        try:
            self.fs = fsspec.filesystem(self.protocol)
        except ImportError as e:  # fsspec names the package that provides the protocol
            raise ValueError(f"the artifact store {protocol}:// needs a package this launcher lacks: {e}") from None
        except ValueError:
            raise ValueError(f"no artifact store is known for {protocol}://") from None

    def _native(self, uri: str) -> str:
        if self.protocol != self.scheme and uri.startswith(f"{self.scheme}://"):
            return f"{self.protocol}://{uri[len(self.scheme) + 3:]}"
        return uri

    def exists(self, uri: str) -> bool:
        return self.fs.exists(self._native(uri))

    def read_json(self, uri: str) -> Optional[dict[str, Any]]:
        try:
            with self.fs.open(self._native(uri), "r", encoding="utf-8") as f:
                return json.load(f)
        except FileNotFoundError:
            return None

    def write_json(self, uri: str, data: dict[str, Any]) -> None:
        target, text = self._native(uri), json.dumps(data, sort_keys=True).encode()
        self._making_parent(target, lambda: self.fs.pipe_file(target, text))

    def download(self, uri: str, path: str) -> None:
        source = self._native(uri)
        os.makedirs(os.path.dirname(path) or ".", exist_ok=True)
        if self.fs.isdir(source):
            self.fs.get(source.rstrip("/") + "/", path, recursive=True)
        else:
            self.fs.get(source, path)

    def upload(self, path: str, uri: str) -> None:
        target = self._native(uri)
        if os.path.isdir(path):
            self._making_parent(target, lambda: self.fs.put(path.rstrip("/") + "/", target, recursive=True))
        else:
            self._making_parent(target, lambda: self.fs.put(path, target))

    def manifests(self, root: str, run: str) -> list[str]:
        top = f"{root.rstrip('/')}/{run}"
        prefix = self._native(top)
        bare = self.fs._strip_protocol(prefix)  # find answers paths as the file system spells them
        try:
            paths = self.fs.find(prefix)
        except FileNotFoundError:
            return []
        return sorted(f"{top}/{p[len(bare):].lstrip('/')}" for p in paths
                      if p.rstrip("/").rsplit("/", 1)[-1] == MANIFEST and p.startswith(bare))

    def _making_parent(self, uri: str, write: Callable[[], Any]) -> None:
        """Object stores have no directories; file systems that do (fsspec's local://) need the parent."""
        try:
            write()
        except FileNotFoundError:
            self.fs.makedirs(uri.rstrip("/").rsplit("/", 1)[0], exist_ok=True)
            write()


def store_for(uri: str) -> Store:
    scheme = urlparse(uri).scheme
    if scheme in ("", "file"):
        return FileStore()
    return FsspecStore(scheme)
