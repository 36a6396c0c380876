"""Cluster profiles: logical accelerator names -> the labels, resource names and taints of a
kind of cluster. Built in: gfd (NVIDIA GPU Feature Discovery, the default), gke, eks; or a
YAML file of the same shape (`tekflow compile --profile FILE`)."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Optional

from tekflow.errors import TekflowError

from . import k8s
from .documents import load_one
from .serde import ModelError, from_data

BUILT_IN = Path(__file__).parent / "profiles"
DEFAULT = "gfd"
GANG_SCHEDULERS = ("kueue", "volcano", "coscheduling")


def _as_written(key: str) -> dict[str, str]:
    """A profile file's keys are snake_case, not the camelCase serde reads by default."""
    return {"json": key}


@dataclass
class Vendor:
    resource: str
    shared_resource: Optional[str] = field(default=None, metadata=_as_written("shared_resource"))
    # "{profile}" is replaced by the MIG profile (1g.10gb)
    mig_resource: Optional[str] = field(default=None, metadata=_as_written("mig_resource"))
    mig_label: Optional[str] = field(default=None, metadata=_as_written("mig_label"))
    shared_label: Optional[str] = field(default=None, metadata=_as_written("shared_label"))
    memory_label: Optional[str] = field(default=None, metadata=_as_written("memory_label"))  # value in MiB
    taints: list[dict[str, Any]] = field(default_factory=list)
    # a vendor's own product label and names (else the profile's)
    product_label: Optional[str] = field(default=None, metadata=_as_written("product_label"))
    products: dict[str, str] = field(default_factory=dict)


@dataclass
class Profile:
    name: str
    vendors: dict[str, Vendor] = field(default_factory=dict)
    product_label: Optional[str] = field(default=None, metadata=_as_written("product_label"))
    products: dict[str, str] = field(default_factory=dict)
    spot: dict[str, Any] = field(default_factory=dict)
    gang_scheduler: str = field(default="kueue", metadata=_as_written("gang_scheduler"))
    # pods' schedulerName for volcano/coscheduling gangs
    scheduler_name: Optional[str] = field(default=None, metadata=_as_written("scheduler_name"))

    def vendor(self, name: str, where: str) -> Vendor:
        if name not in self.vendors:
            raise TekflowError(f"{where}: GPU vendor {name!r} is not in cluster profile {self.name!r} "
                               f"(known: {', '.join(sorted(self.vendors))})")
        return self.vendors[name]

    def vendor_of_resource(self, resource: str) -> Optional[Vendor]:
        """The vendor whose GPU (whole, shared or a MIG slice) is this extended resource."""
        for vendor in self.vendors.values():
            mig_prefix = vendor.mig_resource.split("{", 1)[0] if vendor.mig_resource else None
            if resource in (vendor.resource, vendor.shared_resource) or \
                    (mig_prefix and resource.startswith(mig_prefix)):
                return vendor
        return None

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


def _check_tolerations(profile: Profile) -> None:
    """Taints to tolerate and spot placement become pod fields: Kubernetes' rules apply."""
    spot = from_data(dict[str, Any], profile.spot, "spot")
    from_data(dict[str, str], spot.get("node_selector") or {}, "spot.node_selector")
    lists = [(f"vendors.{name}.taints", vendor.taints) for name, vendor in profile.vendors.items()]
    lists.append(("spot.tolerations", from_data(list[Any], spot.get("tolerations") or [], "spot.tolerations")))
    for where, tolerations in lists:
        for i, given in enumerate(tolerations):
            problem = k8s.toleration_problem(from_data(k8s.Toleration, given, f"{where}[{i}]"), f"{where}[{i}]")
            if problem:
                raise ModelError(problem)


def _without_nulls(data: dict[str, Any]) -> dict[str, Any]:
    """An empty key (`taints:`) means the default, as it did when profiles were read by hand."""
    return {k: v for k, v in data.items() if v is not None}


def load_profile(name_or_path: Optional[str]) -> Profile:
    name_or_path = name_or_path or DEFAULT
    path = Path(name_or_path)
    if not path.suffix and (BUILT_IN / f"{name_or_path}.yaml").exists():
        path = BUILT_IN / f"{name_or_path}.yaml"
    if not path.is_file():
        built_in = ", ".join(sorted(p.stem for p in BUILT_IN.glob("*.yaml")))
        raise TekflowError(f"cluster profile {name_or_path!r}: no such file and not a built-in profile ({built_in})")
    data = load_one(path) or {}
    if not isinstance(data, dict):
        raise TekflowError(f"cluster profile {path}: expected a mapping (vendors, products, …), "
                           f"got {type(data).__name__}")
    data = _without_nulls({"name": path.stem, **data})
    if isinstance(data.get("vendors"), dict):
        data["vendors"] = {k: _without_nulls(v) if isinstance(v, dict) else v for k, v in data["vendors"].items()}
    try:
        profile = from_data(Profile, data)
        _check_tolerations(profile)
    except ModelError as e:
        raise TekflowError(f"cluster profile {path}: {e}") from None
    if profile.gang_scheduler not in GANG_SCHEDULERS:
        raise TekflowError(f"cluster profile {path}: gang_scheduler {profile.gang_scheduler!r} is not one of "
                           f"{', '.join(GANG_SCHEDULERS)}")
    return profile
