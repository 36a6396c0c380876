"""Read a YAML or JSON document a user gave (KFP IR, Tekton files, profiles), within limits.

Every file is refused with one message naming it and the limit when it is larger than
MAX_BYTES, not UTF-8, nested deeper than MAX_DEPTH, or when its aliases (`*name`, merge keys
included) would add more than MAX_ALIAS_NODES nodes once expanded: the "billion laughs" bomb is
stopped while it is being read, before anything walks the shared structure it makes.
docs/limits.md explains the numbers.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any, Union

import yaml
from yaml.composer import Composer
from yaml.constructor import ConstructorError, SafeConstructor
from yaml.events import AliasEvent
from yaml.resolver import Resolver

from tekflow.errors import TekflowError

# The API server stores at most ~1.5 MiB per object; ten times that leaves room for Task documents
# and comments while keeping a read (and everything after it) to seconds.
MAX_BYTES = 16 * 1024 * 1024
# Real IR and PipelineRuns nest ~20 levels; protobuf's JSON parser stops at 100 as well. Deeper
# input would overflow Python's stack (or libyaml's, which crashes the process).
MAX_DEPTH = 100
# What aliases may add once expanded: generous for shared step templates, far below a bomb.
MAX_ALIAS_NODES = 1_000_000

PathLike = Union[str, Path]


class DocumentError(TekflowError):
    """A YAML/JSON file tekflow cannot or will not read."""


def read_text(path: PathLike) -> str:
    """The file's text: at most MAX_BYTES, UTF-8 (a leading byte-order mark is dropped)."""
    try:
        with open(path, "rb") as f:
            data = f.read(MAX_BYTES + 1)  # bounded: /dev/zero or a growing file cannot exhaust memory
    except OSError as e:
        raise DocumentError(f"{path}: {e.strerror}") from None
    if len(data) > MAX_BYTES:
        raise DocumentError(f"{path}: larger than tekflow's limit of {MAX_BYTES // 2 ** 20} MiB for a YAML/JSON "
                            "file (see docs/limits.md)")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as e:
        raise DocumentError(f"{path}: not UTF-8 text (byte 0x{data[e.start]:02x} at offset {e.start}); "
                            "YAML and JSON files must be UTF-8") from None


def load_all(path: PathLike) -> list[Any]:
    """The file's documents as plain data, empty documents left out."""
    text = read_text(path)
    loader = _Loader(text, path)
    try:
        documents = []
        while loader.check_data():
            document = loader.get_data()
            if document is not None:
                documents.append(document)
        return documents
    except yaml.YAMLError as e:
        raise DocumentError(f"{path}: not valid YAML/JSON: {_first_line(e)}") from None
    finally:
        loader.dispose()


def load_one(path: PathLike) -> Any:
    """The file's single document (None when empty)."""
    documents = load_all(path)
    if len(documents) > 1:
        raise DocumentError(f"{path}: expected one YAML document, found {len(documents)}")
    return documents[0] if documents else None


def loads_json(text: str, what: str) -> Any:
    """JSON a user gave inline (`-p NAME=[…]`), nested at most MAX_DEPTH levels; a syntax error
    is json's own JSONDecodeError, for the caller to treat the text as it sees fit."""
    try:
        value = json.loads(text)
    except RecursionError:  # json's C parser stops near Python's recursion limit
        value, depth = None, MAX_DEPTH + 1
    else:
        depth = _depth(value)
    if depth > MAX_DEPTH:
        raise DocumentError(f"{what}: nested more than {MAX_DEPTH} levels deep (tekflow's limit, see docs/limits.md)")
    return value


def _depth(value: Any) -> int:
    deepest, pending = 0, [(value, 1)]
    while pending:
        item, level = pending.pop()
        deepest = max(deepest, level)
        if level <= MAX_DEPTH:  # no need to look further down
            children = item.values() if isinstance(item, dict) else item if isinstance(item, list) else ()
            pending.extend((child, level + 1) for child in children)
    return deepest


def _first_line(error: yaml.YAMLError) -> str:
    """PyYAML's context and problem, each with its line, on one line."""
    parts = []
    for text, mark in ((getattr(error, "context", None), getattr(error, "context_mark", None)),
                       (getattr(error, "problem", None), getattr(error, "problem_mark", None))):
        if text:
            parts.append(f"{text} (line {mark.line + 1}, column {mark.column + 1})" if mark is not None else text)
    return "; ".join(parts) or str(error).splitlines()[0]


class _BoundedComposer(Composer):
    """PyYAML's composer, counting nesting and the nodes that aliases stand for as it goes."""

    def __init__(self, path: PathLike) -> None:
        Composer.__init__(self)
        self._path = path
        self._open: list[int] = []  # expanded size so far of each node being composed
        self._anchored: dict[yaml.Node, int] = {}  # expanded size of each finished anchored node
        self._aliased = 0  # nodes added by aliases in this file

    def compose_node(self, parent: Any, index: Any) -> yaml.Node:
        line = self.peek_event().start_mark.line + 1
        if self.check_event(AliasEvent):
            node = Composer.compose_node(self, parent, index)
            size = self._anchored.get(node)
            if size is None:  # its anchor is still open: the document would contain itself
                raise DocumentError(f"{self._path}: line {line}: an alias inside the node it names "
                                    "(a recursive document); write the value out")
            self._aliased += size
            if self._aliased > MAX_ALIAS_NODES:
                raise DocumentError(f"{self._path}: line {line}: YAML aliases expand to more than "
                                    f"{MAX_ALIAS_NODES:,} nodes (tekflow's limit, see docs/limits.md); write "
                                    "the values out or share less")
            if self._open:
                self._open[-1] += size
            return node
        if len(self._open) >= MAX_DEPTH:
            raise DocumentError(f"{self._path}: line {line}: nested more than {MAX_DEPTH} levels deep "
                                "(tekflow's limit, see docs/limits.md)")
        anchor = self.peek_event().anchor
        self._open.append(1)
        node = Composer.compose_node(self, parent, index)
        size = self._open.pop()
        if anchor is not None:
            self._anchored[node] = size
        if self._open:
            self._open[-1] += size
        return node


# libyaml's parser is many times faster than PyYAML's; only its composer (recursive C, no
# limits) is replaced, by the bounded one above.
_Parser: Any
try:
    from yaml._yaml import CParser as _Parser
except ImportError:  # PyYAML built without libyaml
    from yaml.parser import Parser
    from yaml.reader import Reader
    from yaml.scanner import Scanner

    class _PythonParser(Reader, Scanner, Parser):
        def __init__(self, stream: str) -> None:
            Reader.__init__(self, stream)
            Scanner.__init__(self)
            Parser.__init__(self)

    _Parser = _PythonParser


class _Loader(_BoundedComposer, _Parser, SafeConstructor, Resolver):  # type: ignore[misc, valid-type]
    def __init__(self, text: str, path: PathLike) -> None:
        _Parser.__init__(self, text)
        _BoundedComposer.__init__(self, path)
        SafeConstructor.__init__(self)
        Resolver.__init__(self)

    def construct_yaml_int(self, node: yaml.ScalarNode) -> int:
        try:
            return SafeConstructor.construct_yaml_int(self, node)
        except ValueError:  # Python reads at most 4300 digits (sys.int_info.default_max_str_digits)
            raise ConstructorError(None, None, f"an integer of {len(node.value)} digits is too long to read",
                                   node.start_mark) from None


_Loader.add_constructor("tag:yaml.org,2002:int", _Loader.construct_yaml_int)
