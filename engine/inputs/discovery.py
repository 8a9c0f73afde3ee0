"""Which files a run reads: the files named, and the documents found under directories named."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from pathlib import Path

from wxcc_policy.errors import UsageError
from wxcc_policy.inputs.sources import DOCUMENT_SUFFIXES, TEST_FILE_SUFFIXES


def discover(paths: Iterable[str]) -> Iterator[tuple[Path, str]]:
    """Files named, and documents found under directories named (sorted; hidden files and
    policy test files skipped)."""
    for given in paths:
        path = Path(given)
        if path.is_dir():
            for found in sorted(path.rglob("*")):
                relative = found.relative_to(path).parts
                if (
                    found.is_file()
                    and found.suffix.lower() in DOCUMENT_SUFFIXES
                    and not found.name.endswith(TEST_FILE_SUFFIXES)
                    and not any(part.startswith(".") for part in relative)
                ):
                    yield found, str(found)
        elif path.is_file():
            yield path, given
        else:
            raise UsageError("no such file or directory", given)
