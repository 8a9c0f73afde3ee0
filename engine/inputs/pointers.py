"""JSON Pointers (RFC 6901): escaping, splitting, and finding the pointer of a document element."""

from __future__ import annotations

from itertools import repeat
from typing import Any


def split_pointer(pointer: str) -> tuple[str, ...]:
    if not pointer:
        return ()
    return tuple(p.replace("~1", "/").replace("~0", "~") for p in pointer[1:].split("/"))


def escape_segment(segment: str) -> str:
    """One JSON Pointer reference token, escaped (RFC 6901)."""
    return segment.replace("~", "~0").replace("/", "~1")


def join_pointer(parts: tuple[str | int, ...] | list[str | int]) -> str:
    return "".join("/" + escape_segment(str(p)) for p in parts)


class PointerIndex:
    """Finds the JSON Pointer of a document element by identity.

    It indexes one level of depth at a time, only as deep as asked (the elements of
    root arrays are level 2), into one map from id(child) to (parent, key) built with
    C-level iteration, and builds pointer strings only for the elements asked for.
    A value that appears in several places (a YAML alias) gets the first place found,
    breadth first.
    """

    def __init__(self, root: Any) -> None:
        self._root = root
        self._places: dict[int, tuple[Any, Any]] = {}
        self._level: list[Any] = [root]  # containers whose children are not indexed yet
        self._indexed: list[Any] = []

    def pointer(self, element: Any) -> str | None:
        if element is self._root:
            return ""
        while id(element) not in self._places and (self._level or self._indexed):
            self._descend()
        if id(element) not in self._places:
            return None
        parent, key = self._places[id(element)]
        return f"{self.pointer(parent)}/{escape_segment(str(key))}"

    def _descend(self) -> None:
        if self._indexed:  # the children of the last level indexed form the next one
            self._level = [
                c for v in self._indexed for c in (v.values() if v.__class__ is dict else v) if c.__class__ is dict or c.__class__ is list
            ]
        level: dict[int, tuple[Any, Any]] = {}
        # Back to front, so that the first of repeated children keeps its place.
        for value in reversed(self._level):
            keys = list(value) if value.__class__ is dict else range(len(value))
            children = list(value.values()) if value.__class__ is dict else value
            level.update(zip(map(id, reversed(children)), zip(repeat(value), reversed(keys)), strict=True))
        self._places = {**level, **self._places}
        self._indexed, self._level = self._level, []
