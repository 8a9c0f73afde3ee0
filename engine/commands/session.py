"""The run session: from the typed options record (run_options.py), the steps
every command shares (configuration, policy set, settings, the run over many files, accepted
risk, output). A command is a click function, `RunOptions.of(params)`, and a few calls.

check-jsonschema's `ParseResult` → `build_checker()` is the model: no command reads its
options by string key, and no command repeats the plumbing (issue 16: the copy in `forecast`
loaded policy directories without de-duplicating them).
"""

from __future__ import annotations

import gc
import os
import sys
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING, Any, NoReturn

from wxcc_policy.commands.run_options import RunOptions

if TYPE_CHECKING:  # the stages load with the commands that run, not at start-up
    from wxcc_policy.commands.accepted_risk import AcceptedRisk
    from wxcc_policy.evaluation.configuration import Config
    from wxcc_policy.evaluation.parallel import Extra
    from wxcc_policy.evaluation.pipeline import CheckSettings
    from wxcc_policy.evaluation.results import RunResult
    from wxcc_policy.reporters.registry import Registry
    from wxcc_policy.rules.policy_set import PolicySet


class Session:
    """What a command works with, built once from its options: the configuration, the policy
    set (tracked when the command needs forecasts), the check settings."""

    def __init__(self, options: RunOptions, tracking: bool = False) -> None:
        self.options = options
        self._tracking = tracking or options.horizon is not None
        self.source_edits = False  # set before the run by a command whose formats show fixes in place

    @cached_property
    def config(self) -> Config:
        from wxcc_policy.evaluation.configuration import DEFAULT_CONFIG, load_config

        path = self.options.config_path
        return load_config(Path(path or DEFAULT_CONFIG), explicit=path is not None)

    @cached_property
    def policies(self) -> PolicySet:
        from wxcc_policy.evaluation.configuration import check_selection
        from wxcc_policy.rules.policy_set import load_policy_set

        dirs = [*self.config.policy_dirs, *(Path(d) for d in self.options.policy_dirs)]
        policies = load_policy_set(distinct_dirs(dirs), tracking=self._tracking)
        check_selection(self.config, policies)
        return policies

    @cached_property
    def parameters(self) -> dict[str, dict[str, Any]]:
        from wxcc_policy.evaluation.configuration import policy_parameters

        return policy_parameters(self.policies, self.config)

    @cached_property
    def settings(self) -> CheckSettings:
        from wxcc_policy.evaluation.pipeline import CheckSettings, select_policies

        o, config = self.options, self.config
        return CheckSettings(
            paths=o.paths,
            as_of=o.as_of,
            fail_on=o.fail_on or config.fail_on or "error",
            parameters=self.parameters,
            policy_ids=select_policies(self.policies, o.select or config.select, o.skip or config.skip),
            limits=config.limits,
            source_edits=self.source_edits,
        )

    def accepted_risk(self) -> AcceptedRisk:
        """Waivers and the baseline, read before the run so that a malformed file stops it at once."""
        from wxcc_policy.commands.accepted_risk import load_accepted_risk

        return load_accepted_risk(self.options, self.config, self.policies)

    def judged(self, run: RunResult, risk: AcceptedRisk) -> RunResult:
        from wxcc_policy.commands.accepted_risk import apply_accepted_risk

        return apply_accepted_risk(run, risk, self.options, self.config, self.settings.policy_ids)

    def run(self, extra: Extra | None = None) -> tuple[RunResult, Sequence[Any]]:
        """The run over every input, in --jobs worker processes, the --shard share, with a progress bar."""
        from wxcc_policy.commands.progress import progress_for
        from wxcc_policy.evaluation.parallel import default_jobs, run_files

        bar = progress_for(self.options.quiet)
        try:
            jobs = self.options.jobs or default_jobs()
            return run_files(self.settings, self.policies, jobs, self.options.shard, bar, extra)
        finally:
            if bar is not None:
                bar.close()

    def format_name(self, registry: Registry[Any], default: str = "text") -> str:
        """--format, else the configuration's `format:` where this subject has it, else `default`."""
        configured = self.config.format
        if self.options.fmt:
            return self.options.fmt
        return configured if configured is not None and configured in registry else default

    def emit(self, text: str | Iterable[str]) -> None:
        """The report to -o (atomically, never over an input) or standard output."""
        from wxcc_policy.outputs.writing import write_output

        write_output(text, self.options.output)

    @property
    def color(self) -> bool:
        from wxcc_policy.commands.options import use_color

        return use_color() and self.options.output is None


def distinct_dirs(dirs: list[Path]) -> list[Path]:
    """Each directory once, however it is named (the configuration and the command line
    may both name it): loading it twice would report every policy in it as a duplicate."""
    seen: set[str] = set()
    out = []
    for d in dirs:
        key = os.path.realpath(d)
        if key not in seen:
            seen.add(key)
            out.append(d)
    return out


def finish(work: Callable[[], int]) -> NoReturn:
    """Run a command's work with cyclic garbage collection paused, and exit with its code."""
    with collection_paused():
        code = work()
    sys.exit(code)


@contextmanager
def collection_paused() -> Iterator[None]:
    """A run builds large acyclic documents: cyclic garbage collection would only cost
    time. Restored afterwards, for programs that embed the CLI."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()
