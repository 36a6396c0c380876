"""Matrix fan-out with Tekton's rules (pkg/apis/pipeline/v1/matrix_types.go, FanOut).

The combinations of `matrix.params` are built one param at a time, each new param's values
in the outer loop, so the *first* param varies fastest. Then every `include` entry:

* is merged into each combination whose values agree with it on the params they share
  (values it brings overwrite values an earlier include added);
* becomes a combination of its own when no combination (including those added before)
  has any of its param values.

With only `include` entries, each one is a combination.
"""

from __future__ import annotations

MAX_COMBINATIONS = 256  # Tekton's default-max-matrix-combinations-count

Combination = dict[str, str]


def fan_out(params: list[tuple[str, list[str]]], includes: list[Combination]) -> list[Combination]:
    if not params:
        return [dict(include) for include in includes]
    combinations: list[Combination] = []
    for name, values in params:
        if not combinations:
            combinations = [{name: value} for value in values]
        else:
            combinations = [{**combination, name: value} for value in values for combination in combinations]
    for combination in combinations:
        for include in includes:
            if all(combination.get(k, v) == v for k, v in include.items()):
                combination.update(include)
    for include in includes:
        if include and not any(combination.get(k) == v for combination in combinations
                               for k, v in include.items() if k in combination):
            combinations.append(dict(include))
    return combinations
