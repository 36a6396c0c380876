"""KFP condition expressions (the CEL subset kfp writes for dsl.If/Elif/Else/Condition).

kfp emits conjunctions of comparisons, each possibly negated::

    !(int(inputs.parameter_values['pipelinechannel--n']) > 2) && inputs.parameter_values['x'] == 'heads'

This module parses exactly that subset into ``Comparison`` atoms; anything else is reported
as not supported rather than guessed at.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any, Union

from tekflow.errors import NotSupportedError

OPERATORS = ("==", "!=", "<=", ">=", "<", ">")


@dataclass(frozen=True)
class InputRef:
    """``inputs.parameter_values['name']``, optionally cast with int()/double()."""

    name: str
    cast: str = ""  # "", "int" or "double"


@dataclass(frozen=True)
class Literal:
    value: Any  # str, bool, int or float


Operand = Union[InputRef, Literal]


@dataclass(frozen=True)
class Comparison:
    left: Operand
    operator: str
    right: Operand
    negate: bool = False

    def refs(self) -> list[InputRef]:
        return [o for o in (self.left, self.right) if isinstance(o, InputRef)]


_TOKEN = re.compile(
    r"\s*(?:(?P<ref>inputs\.parameter_values\['(?P<name>[^']*)'\])"
    r"|(?P<string>'[^']*')"
    r"|(?P<number>-?\d+(?:\.\d+)?(?:[eE][-+]?\d+)?)"
    r"|(?P<bool>true|false)"
    r"|(?P<cast>int|double)\("
    r"|(?P<op>==|!=|<=|>=|<|>|&&|!\(|\(|\)))"
)


def parse(expression: str) -> list[Comparison]:
    """Parse a kfp condition into the comparisons that must all hold."""
    tokens = _tokenize(expression)
    parser = _Parser(tokens, expression)
    atoms = [parser.comparison()]
    while parser.peek() == ("op", "&&"):
        parser.take()
        atoms.append(parser.comparison())
    if parser.peek() is not None:
        parser.fail()
    return atoms


def _tokenize(expression: str) -> list[tuple[str, Any]]:
    tokens: list[tuple[str, Any]] = []
    pos = 0
    while pos < len(expression):
        if expression[pos:].strip() == "":
            break
        m = _TOKEN.match(expression, pos)
        if not m or m.end() == pos:
            raise NotSupportedError(f"not supported yet: condition {expression!r} (cannot read it at {expression[pos:]!r})")
        pos = m.end()
        if m.group("ref"):
            tokens.append(("ref", m.group("name")))
        elif m.group("string"):
            tokens.append(("lit", m.group("string")[1:-1]))
        elif m.group("number"):
            text = m.group("number")
            tokens.append(("lit", float(text) if any(c in text for c in ".eE") else int(text)))
        elif m.group("bool"):
            tokens.append(("lit", m.group("bool") == "true"))
        elif m.group("cast"):
            tokens.append(("cast", m.group("cast")))
        else:
            tokens.append(("op", m.group("op")))
    return tokens


class _Parser:
    def __init__(self, tokens: list[tuple[str, Any]], text: str) -> None:
        self.tokens = tokens
        self.text = text
        self.pos = 0

    def peek(self) -> tuple[str, Any] | None:
        return self.tokens[self.pos] if self.pos < len(self.tokens) else None

    def take(self) -> tuple[str, Any]:
        token = self.peek()
        if token is None:
            self.fail()
        self.pos += 1
        return token

    def fail(self) -> None:
        raise NotSupportedError(f"not supported yet: condition {self.text!r} (only comparisons joined by && are)")

    def comparison(self) -> Comparison:
        negate = False
        if self.peek() == ("op", "!("):
            self.take()
            negate = True
        elif self.peek() == ("op", "("):
            self.take()
            inner = self.comparison()
            self.expect(")")
            return inner
        left = self.operand()
        kind, operator = self.take()
        if kind != "op" or operator not in OPERATORS:
            self.fail()
        right = self.operand()
        if negate:
            self.expect(")")
        return Comparison(left, operator, right, negate)

    def operand(self) -> Operand:
        kind, value = self.take()
        if kind == "cast":
            inner = self.operand()
            self.expect(")")
            if isinstance(inner, InputRef):
                return InputRef(inner.name, value)
            return Literal(int(inner.value) if value == "int" else float(inner.value))
        if kind == "ref":
            return InputRef(value)
        if kind == "lit":
            return Literal(value)
        self.fail()
        raise AssertionError  # unreachable

    def expect(self, op: str) -> None:
        if self.take() != ("op", op):
            self.fail()


def evaluate(comparisons: list[Comparison], values: dict[str, Any]) -> bool:
    """Whether all comparisons hold for these input values (typed Python values)."""
    return all(_holds(c, values) for c in comparisons)


def _holds(comparison: Comparison, values: dict[str, Any]) -> bool:
    left, right = _numbers_alike(_value(comparison.left, values), _value(comparison.right, values))
    try:
        result = {
            "==": lambda: left == right,
            "!=": lambda: left != right,
            "<": lambda: left < right,
            "<=": lambda: left <= right,
            ">": lambda: left > right,
            ">=": lambda: left >= right,
        }[comparison.operator]()
    except TypeError:
        raise ValueError(f"cannot compare {left!r} {comparison.operator} {right!r}") from None
    return not result if comparison.negate else result


def _numbers_alike(left: Any, right: Any) -> tuple[Any, Any]:
    """kfp types the fields of loop items as strings, so `item.age > 40` may compare 41 with '40'
    (or '41' with 40): compare those as numbers."""
    def number(value: Any) -> Any:
        if isinstance(value, str):
            try:
                return float(value) if any(c in value for c in ".eE") else int(value)
            except ValueError:
                return value
        return value

    is_number = lambda v: isinstance(v, (int, float)) and not isinstance(v, bool)  # noqa: E731
    if is_number(left) and isinstance(right, str):
        return left, number(right)
    if is_number(right) and isinstance(left, str):
        return number(left), right
    return left, right


def _value(operand: Operand, values: dict[str, Any]) -> Any:
    if isinstance(operand, Literal):
        return operand.value
    value = values[operand.name]
    if operand.cast == "int":
        return int(float(value)) if isinstance(value, str) else int(value)
    if operand.cast == "double":
        return float(value)
    return value


def to_data(comparison: Comparison) -> dict[str, Any]:
    """A comparison as JSON-able data, for the launcher to evaluate (see from_data)."""

    def operand(o: Operand) -> dict[str, Any]:
        return {"input": o.name, "cast": o.cast} if isinstance(o, InputRef) else {"literal": o.value}

    return {"left": operand(comparison.left), "operator": comparison.operator, "right": operand(comparison.right),
            "negate": comparison.negate}


def from_data(data: dict[str, Any]) -> Comparison:
    def operand(o: dict[str, Any]) -> Operand:
        return InputRef(o["input"], o.get("cast", "")) if "input" in o else Literal(o["literal"])

    if data.get("operator") not in OPERATORS:
        raise ValueError(f"unknown operator in condition {data!r}")
    return Comparison(operand(data["left"]), data["operator"], operand(data["right"]), bool(data.get("negate")))
