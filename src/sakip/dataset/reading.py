"""Reading a YAML or JSON document a person gives us: limits first, exact numbers, one number rule.

Every YAML or JSON document from outside — an office dataset (upload, CLI), a printed
report, an LKE file or answers file of the CLI — is read here, so one set of limits
holds everywhere (``docs/security.md``, "Input at the boundary"):

* size: the caller refuses a file over its ``MAX_BYTES`` before reading it;
* YAML aliases: at most `MAX_ALIASES`, never an alias of a node that contains it
  (a recursive document), and the document *with every alias expanded* at most
  `MAX_NODES` nodes. PyYAML shares an aliased node instead of copying it, but
  everything after the parser (key normalisation, the JSON Schema, the builder)
  walks the expanded tree: a 1 KB "billion laughs" file was ~100 s of CPU. The
  expanded size is counted while the document is composed, before any value is
  constructed, so such a file is refused after reading its 1 KB;
* nesting: at most `MAX_DEPTH` levels (the formats need about ten). PyYAML's
  composer and everything after it recurse, so a 10,000-deep file was a
  RecursionError; the depth is counted while composing (YAML) or refused by the
  JSON decoder's own recursion guard and the walk below (JSON);
* numbers: YAML and JSON decimals become `Decimal` from their text, never through a
  binary float; YAML number literals are plain decimal text only (``1_000``,
  ``0x1F``, ``012`` octal, ``1:30`` base 60, ``.inf``, ``.nan`` and exponents are
  refused), JSON's ``NaN``/``Infinity`` are refused, and every number is checked by
  `sakip.domain.numbers.check_number` (finite, at most 15 digits and 6 decimals;
  ``-0`` is 0) with its path.

Mapping keys become strings (YAML reads ``2020:`` as an int).
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

import yaml
from yaml.composer import ComposerError
from yaml.events import AliasEvent
from yaml.nodes import MappingNode, Node, SequenceNode

from sakip.domain.errors import NumberParseError
from sakip.domain.numbers import MAX_TEXT, NumberFormat, check_number, parse_number

MAX_ALIASES = 100
MAX_NODES = 1_000_000
MAX_DEPTH = 64


@dataclass(frozen=True)
class ReadProblem:
    """Why a document was refused: where (a path such as ``plan.goals[0].weight``, or "") and why."""

    path: str
    message: str


class DocumentError(ValueError):
    """A document that cannot be read: its problems (at least one)."""

    def __init__(self, problems: list[ReadProblem]) -> None:
        self.problems = problems
        super().__init__("; ".join(f"{p.path}: {p.message}" if p.path else p.message for p in problems))


# ----------------------------------------------------------------------------- YAML


class LimitedLoader(yaml.SafeLoader):
    """``yaml.SafeLoader`` counting depth, aliases and the expanded size of every node as it composes;
    exact decimals, plain number literals, dates kept as text."""

    def __init__(self, stream: str) -> None:
        super().__init__(stream)
        self._depth = 0
        self._aliases = 0
        self._sizes: dict[int, int] = {}  # id(node) -> its size with every alias expanded

    def compose_node(self, parent: Node | None, index: Any) -> Node | None:
        if self.check_event(AliasEvent):
            mark = self.peek_event().start_mark  # type: ignore[no-untyped-call]
            self._aliases += 1
            if self._aliases > MAX_ALIASES:
                raise ComposerError(None, None, f"lebih dari {MAX_ALIASES} alias YAML (*nama); tulis nilainya", mark)
            alias = super().compose_node(parent, index)
            if id(alias) not in self._sizes:  # the anchor is still being composed: the alias is inside it
                raise ComposerError(None, None, "alias YAML yang merujuk dirinya sendiri", mark)
            return alias
        self._depth += 1
        if self._depth > MAX_DEPTH:
            mark = self.peek_event().start_mark  # type: ignore[no-untyped-call]
            raise ComposerError(None, None, f"bersarang lebih dari {MAX_DEPTH} tingkat", mark)
        node = super().compose_node(parent, index)
        self._depth -= 1
        size = 1
        if isinstance(node, SequenceNode):
            size += sum(self._sizes[id(child)] for child in node.value)
        elif isinstance(node, MappingNode):
            size += sum(self._sizes[id(k)] + self._sizes[id(v)] for k, v in node.value)
        if size > MAX_NODES:
            too_big = f"dokumen terlalu besar setelah alias diuraikan (lebih dari {MAX_NODES:,} nilai)"
            raise ComposerError(None, None, too_big.replace(",", "."), node.start_mark if node else None)
        self._sizes[id(node)] = size
        return node


MAX_LITERAL = MAX_TEXT  # characters of a YAML number: more is refused before int() or Decimal() reads it
_PLAIN_INT = re.compile(r"[-+]?(?:0|[1-9][0-9]*)")
_PLAIN_DECIMAL = re.compile(r"[-+]?(?:[0-9]+\.[0-9]*|\.[0-9]+)")


def _number_literal_error(text: str, node: yaml.Node) -> yaml.constructor.ConstructorError:
    try:
        parse_number(text, NumberFormat.INTERNATIONAL)
        reason = "bukan angka desimal biasa"
    except NumberParseError as exc:
        reason = exc.reason
    shown = text if len(text) <= 24 else text[:20] + "…"
    return yaml.constructor.ConstructorError(
        None,
        None,
        f"{shown!r}: {reason}; tulis angka dengan 0–9 dan titik desimal saja, atau beri tanda kutip bila itu teks",
        node.start_mark,
    )


def _int_constructor(loader: LimitedLoader, node: yaml.Node) -> Any:
    assert isinstance(node, yaml.ScalarNode)
    text = str(loader.construct_scalar(node))
    if not _PLAIN_INT.fullmatch(text):
        raise _number_literal_error(text, node)
    if len(text) > MAX_LITERAL:
        raise _number_literal_error(text, node)  # the number rule's "too many digits"
    return int(text)


def _decimal_constructor(loader: LimitedLoader, node: yaml.Node) -> Any:
    assert isinstance(node, yaml.ScalarNode)
    text = str(loader.construct_scalar(node))
    if not _PLAIN_DECIMAL.fullmatch(text):
        raise _number_literal_error(text, node)
    if len(text) > MAX_LITERAL:
        raise _number_literal_error(text, node)  # the number rule's "too many digits"
    return Decimal(text)


# dates stay text: the formats' dates are ISO strings
def _text_constructor(loader: LimitedLoader, node: yaml.Node) -> Any:
    assert isinstance(node, yaml.ScalarNode)
    return loader.construct_scalar(node)


LimitedLoader.add_constructor("tag:yaml.org,2002:int", _int_constructor)
LimitedLoader.add_constructor("tag:yaml.org,2002:float", _decimal_constructor)
LimitedLoader.add_constructor("tag:yaml.org,2002:timestamp", _text_constructor)


def load_yaml(text: str) -> Any:
    """A YAML document within the limits; `DocumentError` (never RecursionError or minutes of CPU)."""
    try:
        raw = yaml.load(text, Loader=LimitedLoader)  # a SafeLoader: no Python objects
    except yaml.YAMLError as exc:
        raise DocumentError([ReadProblem("", f"bukan YAML yang sah: {_one_line(exc)}")]) from None
    return normalise(raw)


# ----------------------------------------------------------------------------- JSON


def _no_constant(name: str) -> Any:
    raise ValueError(f"{name}: bukan bilangan terhingga")


def load_json(text: str) -> Any:
    """A JSON document within the limits; decimals exact, NaN/Infinity refused."""
    try:
        raw = json.loads(text, parse_float=Decimal, parse_constant=_no_constant)
    except RecursionError:
        raise DocumentError(
            [ReadProblem("", f"bukan JSON yang sah: bersarang lebih dari {MAX_DEPTH} tingkat")]
        ) from None
    except ValueError as exc:  # JSONDecodeError, a constant, an integer over Python's digit limit
        raise DocumentError([ReadProblem("", f"bukan JSON yang sah: {_one_line(exc)}")]) from None
    return normalise(raw)


# ----------------------------------------------------------------------------- both


def normalise(doc: Any) -> Any:
    """Keys as strings, every number checked (`check_number`), depth at most `MAX_DEPTH`; `DocumentError`."""
    problems: list[ReadProblem] = []
    result = _walk(doc, (), problems)
    if problems:
        raise DocumentError(problems[:50])
    return result


def _walk(value: Any, path: tuple[Any, ...], problems: list[ReadProblem]) -> Any:
    if len(path) >= MAX_DEPTH:  # the root is level 1
        if not any(p.message.startswith("bersarang") for p in problems):
            problems.append(ReadProblem(_path(path[:MAX_DEPTH]), f"bersarang lebih dari {MAX_DEPTH} tingkat"))
        return None
    if isinstance(value, dict):
        return {str(k): _walk(v, (*path, str(k)), problems) for k, v in value.items()}
    if isinstance(value, list):
        return [_walk(v, (*path, i), problems) for i, v in enumerate(value)]
    if isinstance(value, Decimal) or (isinstance(value, int) and not isinstance(value, bool)):
        try:
            checked = check_number(value)
            return value if isinstance(value, int) else checked  # an int stays an int (a year, a count)
        except NumberParseError as exc:
            problems.append(ReadProblem(_path(path), f"{exc.text}: {exc.reason}"))
            return None
    if isinstance(value, float):  # only from a caller's own parse: never from these loaders
        problems.append(ReadProblem(_path(path), f"{value!r}: angka biner tidak diterima"))
        return None
    return value


def _path(parts: tuple[Any, ...]) -> str:
    out = ""
    for p in parts:
        out += f"[{p}]" if isinstance(p, int) else ("." if out else "") + str(p)
    return out


def _one_line(exc: BaseException) -> str:
    return " ".join(str(exc).split())[:300]
