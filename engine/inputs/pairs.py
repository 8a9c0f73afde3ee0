"""Which (snapshot, change file) pairs `plan --paired` judges, from the paths it is given.

A change file `X.change.json|yaml|yml` is judged against the snapshot `X.json` (else
`X.yaml`, else `X.yml`) beside it. The paths usually come from a pre-commit hook whose
`files:` a user has narrowed (`files: ^tenants/` replaces the hook's own change-file
filter), so snapshots and other files arrive too: a snapshot with a change file beside it
is judged with that change file; one without is left to `check` (the `wxcc-policy` hook);
any other file is not this command's business. Only a change file without its snapshot,
or a path that does not exist, is an error.
"""

from __future__ import annotations

from pathlib import Path

from wxcc_policy.errors import UsageError
from wxcc_policy.inputs.discovery import CHANGE_FILE_SUFFIXES, TEST_FILE_SUFFIXES
from wxcc_policy.inputs.readers import DOCUMENT_SUFFIXES

SNAPSHOT_SUFFIXES = DOCUMENT_SUFFIXES  # the order a change file's snapshot is looked for in


def paired(paths: tuple[str, ...] | list[str]) -> list[tuple[str, str]]:
    """(snapshot, change) for each change file named, found under a directory named, or
    beside a snapshot named; each pair once, in the order first met."""
    changes: dict[Path, None] = {}
    for given in paths:
        changes.update(dict.fromkeys(_changes_of(given)))
    return [(str(snapshot_for(c)), str(c)) for c in changes]


def _changes_of(given: str) -> list[Path]:
    path = Path(given)
    if given == "-":
        raise UsageError("plan --paired reads change files beside their snapshots: standard input (-) cannot be paired", given)
    if path.is_dir():
        return [p for p in sorted(path.rglob("*")) if p.is_file() and is_change_file(p) and not _hidden(p, path)]
    if path.is_file():
        return [path] if is_change_file(path) else changes_beside(path)
    raise UsageError("no such file or directory", given)


def changes_beside(snapshot: Path) -> list[Path]:
    """The change files whose snapshot is `snapshot` (none for a file that is no snapshot)."""
    if snapshot.suffix.lower() not in SNAPSHOT_SUFFIXES or snapshot.name.endswith(TEST_FILE_SUFFIXES):
        return []
    stem = snapshot.name[: -len(snapshot.suffix)]
    beside = (snapshot.with_name(stem + suffix) for suffix in CHANGE_FILE_SUFFIXES)
    return [c for c in beside if c.is_file() and _snapshot_name(c) == snapshot.name]


def _snapshot_name(change: Path) -> str | None:
    """The name of the snapshot `change` is judged against (None when there is none: that
    is an error only when the change file itself is named)."""
    try:
        return snapshot_for(change).name
    except UsageError:
        return None


def is_change_file(path: Path) -> bool:
    return path.name.lower().endswith(CHANGE_FILE_SUFFIXES)


def _hidden(path: Path, root: Path) -> bool:
    return any(part.startswith(".") for part in path.relative_to(root).parts)


def snapshot_for(change: Path) -> Path:
    stem = change.name[: change.name.lower().rindex(".change.")]
    for suffix in SNAPSHOT_SUFFIXES:
        candidate = change.with_name(stem + suffix)
        if candidate.is_file():
            return candidate
    raise UsageError(f"no snapshot {stem}.json, {stem}.yaml or {stem}.yml beside this change file", str(change))
