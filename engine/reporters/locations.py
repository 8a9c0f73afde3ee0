"""Paths as pipeline tools want them: relative to the working directory, forward slashes.

CI systems resolve a report's paths against the checkout (GitHub's workspace, GitLab's
project directory), which is where the tool runs; an input outside it keeps its absolute
path. Standard input is shown as `<stdin>` and is never a file of the checkout.
"""

from __future__ import annotations

import functools
import os
from pathlib import Path, PurePath
from typing import NamedTuple
from urllib.parse import quote

STDIN_NAME = "<stdin>"
SRCROOT = "%SRCROOT%"  # SARIF's conventional base id for the root of the sources


def relative_path(shown: str, cwd: str | None = None) -> str:
    """`shown` relative to `cwd` (default: the working directory) with forward slashes,
    or absolute when it lies outside it."""
    return _relative(shown, cwd or os.getcwd())


@functools.lru_cache(maxsize=1024)
def _relative(shown: str, cwd: str) -> str:
    """Cached: a report asks for the same few paths once per finding."""
    if shown == STDIN_NAME:
        return shown
    base = Path(cwd)
    absolute = Path(os.path.abspath(base / shown))
    try:
        return absolute.relative_to(base).as_posix()
    except ValueError:  # outside the working directory (or on another drive)
        return absolute.as_posix()


class ArtifactUri(NamedTuple):
    uri: str
    base_id: str | None  # SRCROOT for a path inside the working directory


def artifact_uri(shown: str, cwd: str | None = None) -> ArtifactUri:
    """A URI reference for SARIF: percent-encoded, relative to %SRCROOT% when it can be."""
    path = relative_path(shown, cwd)
    # surrogateescape: a file name that is not valid UTF-8 keeps its original bytes (%FF).
    encoded = quote(path, safe="/", errors="surrogateescape")
    if path == STDIN_NAME:
        return ArtifactUri(encoded, None)
    if PurePath(path).is_absolute():
        return ArtifactUri("file://" + encoded if encoded.startswith("/") else "file:///" + encoded, None)
    return ArtifactUri(encoded, SRCROOT)


class Place(NamedTuple):
    file: str
    line: int
    column: int


def parse_place(where: str) -> Place | None:
    """`file:line:column` (as notices and waivers carry it) split up, or None."""
    parts = where.rsplit(":", 2)
    if len(parts) == 3 and parts[0] and parts[1].isdigit() and parts[2].isdigit():
        return Place(parts[0], int(parts[1]), int(parts[2]))
    return None
