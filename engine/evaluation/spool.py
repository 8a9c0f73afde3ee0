"""A sequence kept on disk: what a run accumulates per file (results, report extras) is
written to an anonymous temporary file as it comes and read back one item at a time, so
a run's memory stays flat in the number of files (docs/performance.md)."""

from __future__ import annotations

import os
import pickle
import tempfile
import weakref
from array import array
from collections.abc import Callable, Iterable, Iterator, Sequence
from typing import Any, Generic, TypeVar, overload

T = TypeVar("T")


class Spool(Sequence[T], Generic[T]):
    """Items pickled one after the other in a temporary file of this process's own (unlinked
    at creation, closed with the spool); where no temporary file can be made, or the disk
    fills up, the pickles stay in memory (as every result did before). Only this process
    writes and reads it: unpickling is of our own data, never an input's."""

    def __init__(self, items: Iterable[T] = ()) -> None:
        self._offsets = array("q", [0])
        self._memory: list[bytes] | None = None
        try:
            self._file: Any = tempfile.TemporaryFile(buffering=0)  # noqa: SIM115 (lives as long as the spool)
            weakref.finalize(self, self._file.close)
        except OSError:
            self._file, self._memory = None, []
        for item in items:
            self.append(item)

    def append(self, item: T) -> None:
        data = pickle.dumps(item, pickle.HIGHEST_PROTOCOL)
        if self._memory is None:
            try:
                _write_at(self._file.fileno(), data, self._offsets[-1])
            except OSError:  # a full disk: go on in memory, as if no file could be made
                self._to_memory()
        if self._memory is not None:
            self._memory.append(data)
        self._offsets.append(self._offsets[-1] + len(data))

    def _to_memory(self) -> None:
        self._memory = [self._read(i) for i in range(len(self))]
        self._file.close()

    def __len__(self) -> int:
        return len(self._offsets) - 1

    @overload
    def __getitem__(self, index: int) -> T: ...
    @overload
    def __getitem__(self, index: slice) -> Sequence[T]: ...
    def __getitem__(self, index: int | slice) -> T | Sequence[T]:
        if isinstance(index, slice):
            return tuple(self[i] for i in range(*index.indices(len(self))))
        if index < 0:
            index += len(self)
        if not 0 <= index < len(self):
            raise IndexError("spool index out of range")
        return self._load(index)

    def __iter__(self) -> Iterator[T]:
        return (self._load(i) for i in range(len(self)))

    def _load(self, index: int) -> T:
        item: T = pickle.loads(self._memory[index] if self._memory is not None else self._read(index))
        return item

    def _read(self, index: int) -> bytes:
        start = self._offsets[index]
        return os.pread(self._file.fileno(), self._offsets[index + 1] - start, start)

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Sequence) and not isinstance(other, (str, bytes)) and tuple(self) == tuple(other)

    __hash__ = None  # type: ignore[assignment]

    def __reduce__(self) -> tuple[Any, ...]:
        return (Spool, (tuple(self),))


def _write_at(fd: int, data: bytes, offset: int) -> None:
    view = memoryview(data)
    while view:
        written = os.pwrite(fd, view, offset)
        view, offset = view[written:], offset + written


class LazyMap(Sequence[Any]):
    """`fn` over `items`, applied as each is read: a view that holds nothing itself."""

    def __init__(self, items: Sequence[Any], fn: Callable[[Any], Any]) -> None:
        self._items, self._fn = items, fn

    def __len__(self) -> int:
        return len(self._items)

    @overload
    def __getitem__(self, index: int) -> Any: ...
    @overload
    def __getitem__(self, index: slice) -> Sequence[Any]: ...
    def __getitem__(self, index: int | slice) -> Any:
        if isinstance(index, slice):
            return [self._fn(item) for item in self._items[index]]
        return self._fn(self._items[index])

    def __iter__(self) -> Iterator[Any]:
        return map(self._fn, self._items)
