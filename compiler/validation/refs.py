"""taskRef / pipelineRef / step ref checks (Tekton's validateRef) and Kubernetes qualified names."""

from __future__ import annotations

import re

from tekflow.compiler.names import is_dns_subdomain

from .field_errors import Errors, invalid_value, missing_field, multiple_one_of

_URL_LIKE = re.compile(r"[\w-]+://*")
_KEY_FORMAT = "([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]"
_KEY = re.compile(f"^{_KEY_FORMAT}$")
_KEY_RULE = ("must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an "
             f"alphanumeric character (e.g. 'MyName',  or 'my.name',  or '123-abc', regex used for validation "
             f"is '{_KEY_FORMAT}')")
_SUBDOMAIN_RULE = ("a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', "
                   "and must start and end with an alphanumeric character (e.g. 'example.com', regex used for "
                   "validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')")


def qualified_name_problems(value: str) -> list[str]:
    """Kubernetes' IsQualifiedName: an optional DNS subdomain prefix and '/', then a name of 63 at most."""
    parts = value.split("/")
    problems = []
    if len(parts) > 2:
        return [f"a valid label key {_KEY_RULE} with an optional DNS subdomain prefix and '/' "
                "(e.g. 'example.com/MyName')"]
    if len(parts) == 2:
        if not parts[0]:
            problems.append("prefix part must be non-empty")
        elif not is_dns_subdomain(parts[0]):
            problems.append(f"prefix part {_SUBDOMAIN_RULE}")
    name = parts[-1]
    if not name:
        problems.append("name part must be non-empty")
    elif len(name) > 63:
        problems.append("name part must be no more than 63 characters")
    if not _KEY.match(name):
        problems.append(f"name part {_KEY_RULE}")
    return problems


def validate_ref(name: str, resolver: str, params: list) -> Errors:
    """A reference names an object, or a resolver (with params) finds it; feature flags aside."""
    errs = Errors()
    if resolver or params:
        if params:
            if name:
                errs = errs.also(multiple_one_of("name", "params"))
            if not resolver:
                errs = errs.also(missing_field("resolver"))
            errs = errs.also(unique_param_names([p.name for p in params]))
        if resolver and name and not _URL_LIKE.search(name):
            errs = errs.also(invalid_value("invalid URI for request", "name"))
    elif name:
        if _URL_LIKE.search(name):
            errs = errs.also(missing_field("resolver"))
        else:
            problems = qualified_name_problems(name)
            if problems:
                errs = errs.also(invalid_value(",".join(problems), "name"))
    else:
        errs = errs.also(missing_field("name"))
    return errs


def unique_param_names(names: list[str]) -> Errors:
    """Tekton's ValidateParameters: names unique regardless of case, the repeated one named by key."""
    errs, seen = Errors(), set()
    for name in names:
        if name.lower() in seen:
            errs = errs.also(multiple_one_of("name").via_key(name))
        seen.add(name.lower())
    return errs
