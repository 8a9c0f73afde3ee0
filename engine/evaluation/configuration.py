"""The configuration file (`.wxcc-policy.yaml`), validated by schemas/config.schema.json."""

from __future__ import annotations

from pathlib import Path
from typing import Any, NamedTuple

from wxcc_policy.errors import UsageError, did_you_mean, not_found
from wxcc_policy.evaluation.waivers import DEFAULT_MAX_DAYS, DEFAULT_WARNING_DAYS, WaiverRule, waivers_in
from wxcc_policy.inputs.config_files import YamlFile, read_yaml_file
from wxcc_policy.lang.budget import Limits
from wxcc_policy.rules.parameters import parameter_values
from wxcc_policy.rules.policy_set import PolicySet
from wxcc_policy.validation.schemas import check_file

DEFAULT_CONFIG = ".wxcc-policy.yaml"


class Config(NamedTuple):
    parameters: dict[str, Any] = {}  # noqa: RUF012 - never mutated
    format: str | None = None
    fail_on: str | None = None
    policy_dirs: tuple[Path, ...] = ()
    select: tuple[str, ...] = ()
    skip: tuple[str, ...] = ()
    file: YamlFile | None = None
    limits: Limits = Limits()  # the evaluation budget per document: docs/policy-language.md#limits
    reports: tuple[tuple[str, Path], ...] = ()  # extra reports (format, path): docs/ci.md
    waivers: tuple[WaiverRule, ...] = ()  # docs/waivers.md
    waiver_warning_days: int = DEFAULT_WARNING_DAYS
    max_waiver_days: int = DEFAULT_MAX_DAYS


def load_config(path: Path | None, explicit: bool) -> Config:
    """Read the configuration; a missing default file is no configuration at all."""
    if path is None or (not explicit and not path.is_file()):
        return Config()
    if not path.is_file():
        raise not_found("configuration file", str(path))
    file = read_yaml_file(path)
    check_file(file, "config")
    d = file.data
    base = path.parent
    _check_policy_dirs(file, base)
    return Config(
        parameters=dict(d.get("parameters", {})),
        format=d.get("format"),
        fail_on=d.get("failOn"),
        policy_dirs=tuple(base / p for p in d.get("policyDirs", [])),
        select=tuple(d.get("select", [])),
        skip=tuple(d.get("skip", [])),
        file=file,
        limits=Limits.from_config(d.get("limits", {})),
        reports=tuple((fmt, base / out) for fmt, out in d.get("reports", {}).items()),
        **_waiver_settings(file),
    )


def _check_policy_dirs(file: YamlFile, base: Path) -> None:
    """A missing policy directory is located at its entry in the configuration."""
    for index, name in enumerate(file.data.get("policyDirs", [])):
        if not (base / name).is_dir():
            raise UsageError(f"policy directory not found: {base / name}", file.where(("policyDirs", index)))


def check_selection(config: Config, policies: PolicySet) -> None:
    """An unknown id in `select:` or `skip:` is located at its entry in the configuration
    (the command line's are checked where the run selects its policies)."""
    known = [p.info.id for p in policies.policies]
    for key, ids in (("select", config.select), ("skip", config.skip)):
        for index, pid in enumerate(ids):
            if pid not in known and config.file is not None:
                raise UsageError(f"unknown policy id {pid!r}{did_you_mean(pid, known)}", config.file.where((key, index)))


def _waiver_settings(file: YamlFile) -> dict[str, Any]:
    """`waivers:` (validated by the waiver schema) and the two limits that govern them."""
    d = file.data
    max_days = d.get("maxWaiverDays", DEFAULT_MAX_DAYS)
    waivers = waivers_in(file, {"waivers": d["waivers"]}, max_days) if "waivers" in d else ()
    return {"waivers": waivers, "waiver_warning_days": d.get("waiverWarningDays", DEFAULT_WARNING_DAYS), "max_waiver_days": max_days}


def policy_parameters(policies: PolicySet, config: Config) -> dict[str, dict[str, Any]]:
    """Parameter values per policy id: defaults, overridden by the configuration."""
    return parameter_values(policies.policies, config.parameters, config.file)
