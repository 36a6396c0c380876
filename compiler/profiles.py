"""Cluster profiles: logical accelerator names -> the labels, resource names and taints of a
kind of cluster. Built in: gfd (NVIDIA GPU Feature Discovery, the default), gke, eks; or a
YAML file of the same shape (`tekflow compile --profile FILE`)."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Optional

import yaml

from tekflow.errors import TekflowError

BUILT_IN = Path(__file__).parent / "profiles"
DEFAULT = "gfd"


@dataclass
class Vendor:
    resource: str
    shared_resource: Optional[str] = None
    mig_resource: Optional[str] = None
    mig_label: Optional[str] = None
    shared_label: Optional[str] = None
    memory_label: Optional[str] = None
    taints: list[dict[str, Any]] = field(default_factory=list)


@dataclass
class Profile:
    name: str
    vendors: dict[str, Vendor]
    product_label: Optional[str] = None
    products: dict[str, str] = field(default_factory=dict)
    spot: dict[str, Any] = field(default_factory=dict)

    def vendor(self, name: str, where: str) -> Vendor:
        if name not in self.vendors:
            raise TekflowError(f"{where}: GPU vendor {name!r} is not in cluster profile {self.name!r} "
                               f"(known: {', '.join(sorted(self.vendors))})")
        return self.vendors[name]

    def product(self, name: str, where: str) -> str:
        if name not in self.products:
            raise TekflowError(f"{where}: unknown GPU product {name!r} for cluster profile {self.name!r}; "
                               f"known: {', '.join(sorted(self.products))}")
        return self.products[name]


def load_profile(name_or_path: Optional[str]) -> Profile:
    name_or_path = name_or_path or DEFAULT
    path = Path(name_or_path)
    if not path.suffix and (BUILT_IN / f"{name_or_path}.yaml").exists():
        path = BUILT_IN / f"{name_or_path}.yaml"
    if not path.is_file():
        built_in = ", ".join(sorted(p.stem for p in BUILT_IN.glob("*.yaml")))
        raise TekflowError(f"cluster profile {name_or_path!r}: no such file and not a built-in profile ({built_in})")
    try:
        data = yaml.safe_load(path.read_text()) or {}
        vendors = {k: Vendor(**v) for k, v in (data.get("vendors") or {}).items()}
        return Profile(name=data.get("name", path.stem), vendors=vendors, product_label=data.get("product_label"),
                       products={str(k): str(v) for k, v in (data.get("products") or {}).items()},
                       spot=data.get("spot") or {})
    except (yaml.YAMLError, TypeError) as e:
        raise TekflowError(f"cluster profile {path}: {e}") from None
