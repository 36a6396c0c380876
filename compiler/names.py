"""Kubernetes/Tekton-safe names: DNS-1123 labels, param and result names, stable when cut."""

from __future__ import annotations

import hashlib
import re

DNS_LABEL_MAX = 63
_DNS_LABEL = re.compile(r"^[a-z0-9]([-a-z0-9]*[a-z0-9])?$")
_PARAM_NAME = re.compile(r"^[_a-zA-Z][_a-zA-Z0-9-]*$")
_RESULT_NAME = re.compile(r"^([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]$")
_DNS_SUBDOMAIN = re.compile(r"^(?=.{1,253}$)[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$")
_LABEL_VALUE = re.compile(r"^(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?$")
# Kubernetes resource quantities: 10Gi, 500m, 1.5T, 1e9
_QUANTITY = re.compile(r"^[0-9]+(\.[0-9]+)?([eE][-+]?[0-9]+|Ki|Mi|Gi|Ti|Pi|Ei|k|M|G|T|P|E|m)?$")


def short_hash(text: str, length: int = 5) -> str:
    return hashlib.sha256(text.encode()).hexdigest()[:length]


def is_dns_label(name: str) -> bool:
    return len(name) <= DNS_LABEL_MAX and bool(_DNS_LABEL.match(name))


def is_dns_subdomain(name: str) -> bool:
    """Most object names (Secrets, PriorityClasses, PipelineRuns)."""
    return bool(_DNS_SUBDOMAIN.match(name))


def is_label_value(text: str) -> bool:
    return len(text) <= DNS_LABEL_MAX and bool(_LABEL_VALUE.match(text))


def is_qualified_name(text: str) -> bool:
    """Label keys, node selector and toleration keys: an optional DNS-subdomain prefix and '/',
    then a non-empty name with a label value's syntax."""
    parts = text.split("/")
    if len(parts) > 2 or (len(parts) == 2 and not is_dns_subdomain(parts[0])):
        return False
    return bool(parts[-1]) and is_label_value(parts[-1])


def is_quantity(text: str) -> bool:
    return bool(_QUANTITY.match(text))


def dns_label(name: str, max_length: int = DNS_LABEL_MAX) -> str:
    """Lower-case DNS-1123 label for ``name``; cut names end in a stable hash of the original."""
    label = re.sub(r"[^a-z0-9-]+", "-", name.lower())
    label = re.sub(r"-{2,}", "-", label).strip("-") or "x"
    if len(label) > max_length:
        suffix = "-" + short_hash(name)
        label = label[: max_length - len(suffix)].rstrip("-") + suffix
    return label


class UniqueNames:
    """Hands out unique DNS labels; the same source name always gets the same label."""

    def __init__(self, reserved: tuple[str, ...] = ()) -> None:
        self._by_source: dict[str, str] = {}
        self._taken: set[str] = set(reserved)

    def get(self, source: str, preferred: str | None = None) -> str:
        """The label for `source`: `preferred` (or `source`) made a DNS label, hashed when taken."""
        if source in self._by_source:
            return self._by_source[source]
        label = dns_label(preferred or source)
        if label in self._taken:
            suffix = "-" + short_hash(source)
            label = label[: DNS_LABEL_MAX - len(suffix)].rstrip("-") + suffix
        n = 2
        base = label
        while label in self._taken:  # a hash collision: practically never, but stay unique
            suffix = f"-{n}"
            label = base[: DNS_LABEL_MAX - len(suffix)] + suffix
            n += 1
        self._taken.add(label)
        self._by_source[source] = label
        return label


def param_name(name: str) -> str:
    """Tekton param name for a KFP input name (KFP names are identifiers or 'pipelinechannel--x')."""
    cleaned = re.sub(r"[^_a-zA-Z0-9-]", "_", name)
    if not cleaned or not (cleaned[0].isalpha() or cleaned[0] == "_"):
        cleaned = "_" + cleaned
    assert _PARAM_NAME.match(cleaned), cleaned
    return cleaned


def result_name(name: str) -> str:
    """Tekton result name for a KFP output name (no leading/trailing '_' or '-')."""
    cleaned = re.sub(r"[^-A-Za-z0-9_.]", "_", name).strip("_-.")
    if cleaned != name or cleaned.startswith("tekflow-"):  # tekflow-…: the launcher's own results
        cleaned = f"{cleaned or 'r'}-{short_hash(name, 4)}"
    assert _RESULT_NAME.match(cleaned), cleaned
    return cleaned
