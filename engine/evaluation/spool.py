"""A sequence kept on disk: what a run accumulates per file (results, report extras) is
written to an anonymous temporary file as it comes and read back one item at a time, so
a run's memory stays flat in the number of files (docs/performance.md)."""

from __future__ import annotations

import os
import pickle
import tempfile
import weakref
from array import array
from collections.abc import Iterable, Iterator, Sequence
from typing import Any, Generic, TypeVar, overload

from wxcc_policy.errors import UsageError

T = TypeVar("T")


class Spool(Sequence[T], Generic[T]):
    """Items pickled one after the other in a temporary file of this process's own (unlinked
    at creation, closed with the spool); where no temporary file can be made, the pickles
    stay in memory. Only this process writes and reads it: unpickling is of our own data."""

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
        if self._memory is not None:
            self._memory.append(data)
        else:
            _write_at(self._file.fileno(), data, self._offsets[-1])
        self._offsets.append(self._offsets[-1] + len(data))

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
        if self._memory is not None:
            data = self._memory[index]
        else:
            start = self._offsets[index]
            data = os.pread(self._file.fileno(), self._offsets[index + 1] - start, start)
        item: T = pickle.loads(data)
        return item

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Sequence) and tuple(self) == tuple(other)

    __hash__ = None  # type: ignore[assignment]

    def __reduce__(self) -> tuple[Any, ...]:
        return (Spool, (tuple(self),))


def _write_at(fd: int, data: bytes, offset: int) -> None:
    view = memoryview(data)
    try:
        while view:
            written = os.pwrite(fd, view, offset)
            view, offset = view[written:], offset + written
    except OSError as exc:  # a full disk: one line, exit 2, as for any output (docs/hardening.md)
        raise UsageError(f"cannot keep the results in a temporary file ({tempfile.gettempdir()}): {exc.strerror or exc}") from None
