"""Safe YAML reading: our own constructor over PyYAML's node graph.

PyYAML only composes nodes (libyaml when available); building values here
lets us keep node positions, reject duplicate keys and non-standard tags
(nothing is ever instantiated from a tag), resolve plain scalars by the YAML
1.2 core schema (so `2026-01-01` and `no` stay strings), and bound how far
aliases may expand, which answers alias bombs in milliseconds.
"""

from __future__ import annotations

import re
from typing import Any

import yaml

from wxcc_policy.errors import InputError

_Loader: Any = getattr(yaml, "CSafeLoader", yaml.SafeLoader)

_TAG = "tag:yaml.org,2002:"
_NULL = re.compile(r"^(?:~|null|Null|NULL|)$")
_BOOL = {"true": True, "True": True, "TRUE": True, "false": False, "False": False, "FALSE": False}
_INT = re.compile(r"^[-+]?[0-9]+$")
_INT_BASED = re.compile(r"^0o[0-7]+$|^0x[0-9a-fA-F]+$")
_FLOAT = re.compile(r"^[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)(?:[eE][-+]?[0-9]+)?$")
_NON_FINITE = re.compile(r"^(?:[-+]?\.(?:inf|Inf|INF)|\.nan|\.NaN|\.NAN)$")

#: Aliases may add at most this many values to a document (plain documents are not limited).
MAX_EXPANDED_NODES = 5_000_000


#: Collections may nest at most this deep, aliases expanded (real snapshots nest fewer than ten levels).
MAX_DEPTH = 200

#: Integers may have at most this many decimal digits (Python's own limit for converting them).
MAX_INT_DIGITS = 4300
_MAX_INT_BITS = 14_000  # ≈ 4,214 decimal digits: a hexadecimal or octal literal stays printable
_SURROGATE = re.compile("[\ud800-\udfff]")
_PLAIN = "?"  # the tag of a plain scalar with no tag: resolved later by the YAML 1.2 core schema


def compose_yaml(text: str) -> yaml.Node | None:
    """Compose the single document's node graph from libyaml's event stream.

    PyYAML's own composer recurses, in C for libyaml, so deep nesting crashes the
    process; this one keeps an explicit stack and refuses nesting beyond MAX_DEPTH.
    """
    try:
        return _Composer().compose(yaml.parse(text, Loader=_Loader))
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        message = " ".join(p for p in (exc.context, exc.problem) if p)
        raise InputError(f"invalid YAML: {_one_line(message)}", mark.index if mark else 0) from None
    except yaml.reader.ReaderError as exc:  # a character YAML does not allow; libyaml counts bytes
        offset = len(text.encode("utf-8")[: exc.position].decode("utf-8", "ignore"))
        raise InputError(f"invalid YAML: character #x{exc.character:04x}: {exc.reason}", offset) from None
    except yaml.YAMLError as exc:
        raise InputError(f"invalid YAML: {_one_line(str(exc))}", 0) from None


def _one_line(message: str) -> str:
    return " ".join(message.split())


class _Composer:
    def __init__(self) -> None:
        self.anchors: dict[str, yaml.Node] = {}
        self.stack: list[yaml.Node] = []
        self.pending_keys: list[yaml.Node | None] = []
        self.root: yaml.Node | None = None
        self.documents = 0

    def compose(self, events: Any) -> yaml.Node | None:
        for event in events:
            if isinstance(event, yaml.DocumentStartEvent):
                self.documents += 1
                if self.documents > 1:
                    raise InputError("invalid YAML: expected a single document", _offset(event))
            elif isinstance(event, (yaml.SequenceEndEvent, yaml.MappingEndEvent)):
                self.stack[-1].end_mark = event.end_mark
                self.stack.pop()
                self.pending_keys.pop()
            elif isinstance(event, yaml.AliasEvent):
                if event.anchor not in self.anchors:
                    raise InputError(f"invalid YAML: undefined alias {event.anchor!r}", _offset(event))
                self._add(self.anchors[event.anchor])
            elif isinstance(event, yaml.NodeEvent):
                self._open(event)
        return self.root

    def _open(self, event: Any) -> None:
        start, end = _marks(event)  # libyaml's marks: same fields as PyYAML's, another type
        explicit: str | None = event.tag if event.tag not in (None, "!") else None
        if isinstance(event, yaml.ScalarEvent):
            tag = explicit or (_PLAIN if event.implicit[0] else _TAG + "str")
            if tag == _PLAIN and event.value == "<<":
                tag = _TAG + "merge"
            node: yaml.Node = yaml.ScalarNode(tag, event.value, start, end, style=event.style)
        elif isinstance(event, yaml.SequenceStartEvent):
            node = yaml.SequenceNode(explicit or _TAG + "seq", [], start, end)
        else:
            node = yaml.MappingNode(explicit or _TAG + "map", [], start, end)
        if event.anchor is not None:
            self.anchors[event.anchor] = node
        self._add(node)
        if not isinstance(node, yaml.ScalarNode):
            if len(self.stack) >= MAX_DEPTH:
                raise InputError(f"invalid YAML: nesting is deeper than {MAX_DEPTH} levels", _offset(event))
            self.stack.append(node)
            self.pending_keys.append(None)

    def _add(self, node: yaml.Node) -> None:
        if not self.stack:
            self.root = node
            return
        parent = self.stack[-1]
        if isinstance(parent, yaml.SequenceNode):
            parent.value.append(node)
        elif self.pending_keys[-1] is None:
            self.pending_keys[-1] = node
        else:
            parent.value.append((self.pending_keys[-1], node))
            self.pending_keys[-1] = None


def _marks(event: Any) -> tuple[Any, Any]:
    return event.start_mark, event.end_mark


def _offset(event: Any) -> int:
    return int(event.start_mark.index)


def parse_yaml(text: str) -> tuple[Any, yaml.Node | None]:
    """Return (value, root node). Raises InputError with a character offset."""
    root = compose_yaml(text)
    if root is None:
        return None, None
    return construct(root), root


def construct(root: yaml.Node) -> Any:
    """The value of a composed document (compose_yaml). Raises InputError with an offset."""
    try:
        return _Constructor().build(root)
    except RecursionError:
        raise InputError("invalid YAML: nesting is too deep", root.start_mark.index) from None


class _Constructor:
    def __init__(self) -> None:
        self._built: dict[int, Any] = {}
        self._sizes: dict[int, int] = {}  # values under each node, aliases expanded
        self._heights: dict[int, int] = {}  # levels of nesting under each collection, aliases expanded
        self._total = 0  # values so far, aliases expanded
        self._by_aliases = 0  # of which added by re-using an aliased value
        self._level = 0  # the depth of the collection being built
        self._deepest = 0  # the deepest level reached in the current subtree

    def build(self, node: yaml.Node) -> Any:
        key = id(node)
        if key in self._built:
            return self._reuse(node, key)
        before = self._total
        self._total += 1
        value = self._build_new(node) if isinstance(node, yaml.ScalarNode) else self._build_collection(node, key)
        self._sizes[key] = self._total - before
        return value

    def _reuse(self, node: yaml.Node, key: int) -> Any:
        """An alias: its value is shared, but consumers will walk it again, as deep as it goes."""
        if key not in self._sizes:
            raise InputError("invalid YAML: an alias refers to a value that contains it", node.start_mark.index)
        self._total += self._sizes[key]
        self._by_aliases += self._sizes[key]
        if self._by_aliases > MAX_EXPANDED_NODES:
            raise InputError(
                f"YAML aliases expand to more than {MAX_EXPANDED_NODES:,} values; refusing (alias bomb?)",
                node.start_mark.index,
            )
        self._reach(self._level + self._heights.get(key, 0), node)
        return self._built[key]

    def _build_collection(self, node: yaml.Node, key: int) -> Any:
        outer_deepest = self._deepest
        self._level += 1
        self._deepest = self._level
        self._reach(self._level, node)
        value = self._build_new(node)
        self._heights[key] = self._deepest - self._level + 1
        self._level -= 1
        self._deepest = max(outer_deepest, self._deepest)
        return value

    def _reach(self, level: int, node: yaml.Node) -> None:
        if level > MAX_DEPTH:
            raise InputError(f"invalid YAML: nesting is deeper than {MAX_DEPTH} levels (aliases expanded)", node.start_mark.index)
        self._deepest = max(self._deepest, level)

    def _build_new(self, node: yaml.Node) -> Any:
        if isinstance(node, yaml.ScalarNode):
            return scalar_value(node)
        if isinstance(node, yaml.SequenceNode):
            _require_tag(node, "seq")
            items: list[Any] = []
            self._built[id(node)] = items
            items.extend(self.build(child) for child in node.value)
            return items
        _require_tag(node, "map")
        mapping: dict[Any, Any] = {}
        self._built[id(node)] = mapping
        self._fill_mapping(node, mapping)  # type: ignore[arg-type]
        return mapping

    def _fill_mapping(self, node: yaml.MappingNode, mapping: dict[Any, Any]) -> None:
        merged: dict[Any, Any] = {}
        for key_node, value_node in node.value:
            if key_node.tag == _TAG + "merge":
                merged.update(self._merge_sources(value_node))
                continue
            key = mapping_key(key_node)
            self.build(key_node)  # checks the key as a value (tags, characters) and counts it
            if key in mapping:
                raise InputError(f"invalid YAML: duplicate key {key!r}", key_node.start_mark.index)
            mapping[key] = self.build(value_node)
        for key, value in merged.items():
            mapping.setdefault(key, value)

    def _merge_sources(self, node: yaml.Node) -> dict[Any, Any]:
        sources = node.value if isinstance(node, yaml.SequenceNode) else [node]
        out: dict[Any, Any] = {}
        for source in reversed(sources):
            value = self.build(source)
            if not isinstance(value, dict):
                raise InputError("invalid YAML: '<<' merges mappings only", source.start_mark.index)
            out.update(value)
        return out


def mapping_key(node: yaml.Node) -> str:
    """A key as written: documents follow the JSON data model, whose keys are strings, so
    `1: a` has the key "1" and `~: a` the key "~" (never an int or None)."""
    if not isinstance(node, yaml.ScalarNode):
        raise InputError("invalid YAML: mapping keys must be scalars", node.start_mark.index)
    return str(node.value)


def _require_tag(node: yaml.Node, kind: str) -> None:
    if node.tag != _TAG + kind:
        raise InputError(f"invalid YAML: unsupported tag {node.tag!r}", node.start_mark.index)


def scalar_value(node: yaml.ScalarNode) -> Any:
    """Resolve a scalar by the YAML 1.2 core schema; explicit standard tags are honoured
    when the text is of their kind (`!!int x` is an error, not a crash)."""
    text: str = node.value
    tag = _resolve_plain(text, node) if node.tag == _PLAIN else node.tag
    if tag in (_TAG + "str", _TAG + "timestamp"):
        if node.style == '"' and _SURROGATE.search(text):  # only an escape can make one
            raise InputError("invalid YAML: a lone surrogate escape (\\ud800-\\udfff) is not a character", node.start_mark.index)
        return text
    kind = tag[len(_TAG) :] if tag.startswith(_TAG) else ""
    make = _SCALARS.get(kind)
    if make is None:
        raise InputError(f"invalid YAML: unsupported tag {tag!r}", node.start_mark.index)
    try:
        value = make(text)
    except _ScalarProblem as exc:
        raise InputError(f"invalid YAML: {exc}", node.start_mark.index) from None
    if value is _INVALID:
        shown = text if len(text) <= 40 else text[:39] + "…"
        raise InputError(f"invalid YAML: {shown!r} is not a valid !!{kind}", node.start_mark.index)
    return value


_INVALID = object()


class _ScalarProblem(Exception):
    pass


def _null(text: str) -> Any:
    return None if _NULL.match(text) else _INVALID


def _bool(text: str) -> Any:
    if text in _BOOL:
        return _BOOL[text]
    word = text.lower()  # an explicit !!bool also takes YAML 1.1's words
    return True if word in ("yes", "on") else False if word in ("no", "off") else _INVALID


def _int(text: str) -> Any:
    if _INT_BASED.match(text):
        value = int(text, 0)
        return value if value.bit_length() <= _MAX_INT_BITS else _too_long(text)
    if not _INT.match(text):
        return _INVALID
    return int(text) if len(text.lstrip("+-")) <= MAX_INT_DIGITS else _too_long(text)


def _too_long(text: str) -> Any:
    raise _ScalarProblem(f"an integer of more than {MAX_INT_DIGITS:,} digits is not supported")


def _float(text: str) -> Any:
    if _NON_FINITE.match(text):
        raise _ScalarProblem(f"{text} is not a finite number")
    if not _FLOAT.match(text):
        return _INVALID
    value = float(text)
    if value in (float("inf"), float("-inf")):
        raise _ScalarProblem(f"{text[:40]} is too large for a number")
    return value


_SCALARS = {"null": _null, "bool": _bool, "int": _int, "float": _float}


def _resolve_plain(text: str, node: yaml.ScalarNode) -> str:
    if _NULL.match(text):
        return _TAG + "null"
    if text in _BOOL:
        return _TAG + "bool"
    if _INT.match(text) or _INT_BASED.match(text):
        return _TAG + "int"
    if _FLOAT.match(text) or _NON_FINITE.match(text):
        return _TAG + "float"
    return _TAG + "str"


def plain_is_string(text: str) -> bool:
    """Whether `text`, written as a plain scalar, reads back as that string (not a number,
    a boolean or null), by the schema this reader resolves plain scalars with."""
    return _resolve_plain(text, None) == _TAG + "str"  # type: ignore[arg-type]


def node_at(root: yaml.Node, parts: tuple[str, ...]) -> yaml.Node:
    """The node a pointer names, or its deepest existing ancestor."""
    node = root
    for part in parts:
        child = _child(node, part)
        if child is None:
            break
        node = child
    return node


class YamlLocator:
    """Maps JSON Pointer segments to the character offset of the YAML node."""

    def __init__(self, root: yaml.Node | None) -> None:
        self._root = root

    @property
    def root(self) -> yaml.Node | None:
        """The composed document (its nodes' end marks give where values end: inputs/spans.py)."""
        return self._root

    def offset(self, parts: tuple[str, ...]) -> int:
        return 0 if self._root is None else int(node_at(self._root, parts).start_mark.index)


def _child(node: yaml.Node, part: str) -> yaml.Node | None:
    if isinstance(node, yaml.SequenceNode):
        return node.value[int(part)] if part.isdigit() and int(part) < len(node.value) else None
    if not isinstance(node, yaml.MappingNode):
        return None
    merges: list[yaml.Node] = []
    for key_node, value_node in node.value:
        if key_node.tag == _TAG + "merge":
            merges.extend(value_node.value if isinstance(value_node, yaml.SequenceNode) else [value_node])
        elif isinstance(key_node, yaml.ScalarNode) and str(key_node.value) == part:
            return value_node
    for source in merges:
        found = _child(source, part)
        if found is not None:
            return found
    return None


def read_yaml(text: str) -> tuple[Any, YamlLocator]:
    """The reader of `.yaml` and `.yml` files (inputs/readers.py): the value and its locator."""
    data, root = parse_yaml(text)
    return data, YamlLocator(root)
