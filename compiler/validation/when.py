"""When expressions (Tekton's when_validation.go): a known operator and values to compare with."""

from __future__ import annotations

from tekflow.compiler import tekton

from .field_errors import Errors, error, go_quote, invalid_value, missing_field

OPERATORS = ("in", "notin")


def validate_when(expressions: list[tekton.WhenExpression]) -> Errors:
    errs = Errors()
    for i, when in enumerate(expressions):
        errs = errs.also(_expression(when).via_index(i))
    return errs.via_field("when")


def _expression(when: tekton.WhenExpression) -> Errors:
    if when.cel:  # whether CEL is enabled is the cluster's feature flag; the local executor says it does not run it
        if when.input or when.operator or when.values:
            return error("cel and input+operator+values cannot be set in one WhenExpression: "
                         f"&{{{when.input or ''} {when.operator or ''} [{' '.join(when.values)}] {when.cel}}}")
        return Errors()
    if not (when.input or when.operator or when.values):
        return missing_field("")
    if when.operator not in OPERATORS:
        return invalid_value(f"operator {go_quote(when.operator or '')} is not recognized. valid operators: "
                             f"{','.join(OPERATORS)}", "")
    if not when.values:
        return invalid_value("expecting non-empty values field", "")
    return Errors()
