"""sha256 digests of output artifacts, as provenance names them ("sha256:<hex>").

A file's digest is that of its bytes. A directory's is the digest of the `sha256sum` listing of
its files, sorted by path relative to it, so anyone can check it with standard tools:

    cd DIR && find . -type f -printf '%P\\0' | LC_ALL=C sort -z | xargs -0 sha256sum | sha256sum
"""

from __future__ import annotations

import hashlib
import os

CHUNK = 1 << 20
# Tekton Chains reads an object result whose name ends so as an output artifact (its type hinting):
# the tasks pass declares them, the publish step writes them, provenance reads them back.
CHAINS_SUFFIX = "-ARTIFACT_OUTPUTS"


def file_sha256(path: str) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as f:
        for chunk in iter(lambda: f.read(CHUNK), b""):
            digest.update(chunk)
    return digest.hexdigest()


def artifact_digest(path: str) -> str:
    """"sha256:<hex>" of a file, or of a directory's sorted listing of its files' digests."""
    if not os.path.isdir(path):
        return f"sha256:{file_sha256(path)}"
    files = []
    for folder, _, names in os.walk(path):
        for name in names:
            full = os.path.join(folder, name)
            if os.path.isfile(full):
                files.append(os.path.relpath(full, path))
    listing = "".join(f"{file_sha256(os.path.join(path, rel))}  {rel}\n"
                      for rel in sorted(files, key=lambda r: r.encode("utf-8", "surrogateescape")))
    return f"sha256:{hashlib.sha256(listing.encode('utf-8', 'surrogateescape')).hexdigest()}"
