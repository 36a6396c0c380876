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
GANG_SCHEDULERS = ("kueue", "volcano", "coscheduling")


@dataclass
class Vendor:
    resource: str
    shared_resource: Optional[str] = None
    mig_resource: Optional[str] = None  # "{profile}" is replaced by the MIG profile (1g.10gb)
    mig_label: Optional[str] = None
    shared_label: Optional[str] = None
    memory_label: Optional[str] = None  # value in MiB
    taints: list[dict[str, Any]] = field(default_factory=list)
    # a vendor's own product label and names (else the profile's)
    product_label: Optional[str] = None
    products: dict[str, str] = field(default_factory=dict)


@dataclass
class Profile:
    name: str
    vendors: dict[str, Vendor]
    product_label: Optional[str] = None
    products: dict[str, str] = field(default_factory=dict)
    spot: dict[str, Any] = field(default_factory=dict)
    gang_scheduler: str = "kueue"
    scheduler_name: Optional[str] = None  # pods' schedulerName for volcano/coscheduling gangs

    def vendor(self, name: str, where: str) -> Vendor:
        if name not in self.vendors:
            raise TekflowError(f"{where}: GPU vendor {name!r} is not in cluster profile {self.name!r} "
                               f"(known: {', '.join(sorted(self.vendors))})")
        return self.vendors[name]

    def product(self, vendor: Vendor, name: str, where: str) -> tuple[str, str]:
        """(label, value) selecting nodes with this product."""
        label, products = (vendor.product_label, vendor.products) if vendor.products else \
            (self.product_label, self.products)
        if not label or name not in products:
            raise TekflowError(f"{where}: unknown GPU product {name!r} for cluster profile {self.name!r}; "
                               f"known: {', '.join(sorted(products)) or 'none'}")
        return label, products[name]

    def shares_product_value(self, vendor: Vendor, value: str) -> bool:
        """Several logical products map to one label value (EKS: a100 for both A100s)."""
        products = vendor.products or self.products
        return list(products.values()).count(value) > 1


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
        vendors = {k: Vendor(**{**v, "products": {str(p): str(n) for p, n in (v.get("products") or {}).items()}})
                   for k, v in (data.get("vendors") or {}).items()}
        profile = Profile(name=data.get("name", path.stem), vendors=vendors, product_label=data.get("product_label"),
                          products={str(k): str(v) for k, v in (data.get("products") or {}).items()},
                          spot=data.get("spot") or {}, gang_scheduler=data.get("gang_scheduler", "kueue"),
                          scheduler_name=data.get("scheduler_name"))
    except (yaml.YAMLError, TypeError, AttributeError) as e:
        raise TekflowError(f"cluster profile {path}: {e}") from None
    if profile.gang_scheduler not in GANG_SCHEDULERS:
        raise TekflowError(f"cluster profile {path}: gang_scheduler {profile.gang_scheduler!r} is not one of "
                           f"{', '.join(GANG_SCHEDULERS)}")
    return profile
