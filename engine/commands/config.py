"""The configuration file (`.wxcc-policy.yaml`), validated by schemas/config.schema.json."""

from __future__ import annotations

from pathlib import Path
from typing import Any, NamedTuple

from wxcc_policy.errors import UsageError, not_found
from wxcc_policy.evaluation.waivers import DEFAULT_MAX_DAYS, DEFAULT_WARNING_DAYS, WaiverRule, waivers_in
from wxcc_policy.inputs.yaml_files import YamlFile, read_yaml_file
from wxcc_policy.lang.budget import Limits
from wxcc_policy.lang.shapes import did_you_mean
from wxcc_policy.rules.parameters import parameter_problem
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


def _waiver_settings(file: YamlFile) -> dict[str, Any]:
    """`waivers:` (validated by the waiver schema) and the two limits that govern them."""
    d = file.data
    max_days = d.get("maxWaiverDays", DEFAULT_MAX_DAYS)
    waivers = waivers_in(file, {"waivers": d["waivers"]}, max_days) if "waivers" in d else ()
    return {"waivers": waivers, "waiver_warning_days": d.get("waiverWarningDays", DEFAULT_WARNING_DAYS), "max_waiver_days": max_days}


def policy_parameters(policies: PolicySet, config: Config) -> dict[str, dict[str, Any]]:
    """Parameter values per policy id: defaults, overridden by the configuration."""
    declared = {p.name: p for policy in policies.policies for p in policy.info.parameters}
    for name, value in config.parameters.items():
        where = config.file.where(("parameters", name)) if config.file else ""
        if name not in declared:
            raise UsageError(f"no loaded policy has a parameter {name!r}{did_you_mean(name, declared)}", where)
        for policy in policies.policies:
            for param in policy.info.parameters:
                if param.name == name:
                    _check_value(param.schema, value, f"{name} (of {policy.info.id})", where)
    return {
        policy.info.id: {p.name: config.parameters.get(p.name, p.default) for p in policy.info.parameters} for policy in policies.policies
    }


def _check_value(schema: dict[str, Any], value: Any, name: str, where: str) -> None:
    problem = parameter_problem(schema, value)
    if problem:
        raise UsageError(f"parameter {name}: {problem}", where)
