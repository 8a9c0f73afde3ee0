"""The options commands share, as one immutable, typed record built once from click's
parameters (check-jsonschema's `ParseResult`): no command reads its options by string key."""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, NamedTuple

if TYPE_CHECKING:
    from wxcc_policy.evaluation.parallel import Shard


class ExtraReport(NamedTuple):
    """`--report FORMAT=PATH`: one more report from the same run."""

    fmt: str
    path: str


@dataclasses.dataclass(frozen=True)
class RunOptions:
    """The options commands share, as click parsed them. A command's own options (`--gate`,
    `--until`, ...) stay typed parameters of its click function."""

    paths: tuple[str, ...] = ()
    fmt: str | None = None
    output: str | None = None
    as_of: str | None = None
    fail_on: str | None = None
    config_path: str | None = None
    policy_dirs: tuple[str, ...] = ()
    select: tuple[str, ...] = ()
    skip: tuple[str, ...] = ()
    jobs: int | None = None
    shard: Shard | None = None
    quiet: bool = False
    waiver_files: tuple[str, ...] = ()
    ignore_waivers: bool = False
    fail_on_unused_waivers: bool = False
    baseline_file: str | None = None
    horizon: int | None = None
    reports: tuple[ExtraReport, ...] = ()

    @classmethod
    def of(cls, params: Mapping[str, Any], **given: Any) -> RunOptions:
        """The record from click's keyword arguments (the shared ones; the command keeps the
        rest), with `given` overriding them (for example the paths of a two-argument command)."""
        names = {f.name for f in dataclasses.fields(cls)}
        unknown = set(given) - names
        if unknown:  # a programming error, not a user's
            raise TypeError(f"not run options: {', '.join(sorted(unknown))}")
        return cls(**{k: v for k, v in params.items() if k in names}, **given)
