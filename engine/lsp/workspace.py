"""The workspace as `check` would see it from its root: the configuration, the policy set,
the settings, waivers and baseline, loaded once and again when one of their files changes.

Open editor buffers overlay the files on disk (a policy being typed is compiled from its
buffer). The server reads only the workspace; nothing here writes.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any, NamedTuple

from wxcc_policy.errors import InputError, UsageError
from wxcc_policy.evaluation.baseline import Baseline, load_baseline
from wxcc_policy.evaluation.pipeline import CheckSettings, select_policies
from wxcc_policy.evaluation.waivers import WaiverRule, check_policy_ids, waivers_in
from wxcc_policy.inputs.config_files import YamlFile, read_yaml_file
from wxcc_policy.inputs.discovery import TEST_FILE_SUFFIXES
from wxcc_policy.inputs.file_bytes import decode_utf8
from wxcc_policy.inputs.positions import line_column
from wxcc_policy.inputs.yaml_reader import parse_yaml
from wxcc_policy.rules.policy_set import PolicySet, build_policy_set, builtin_files, is_policy_file

CONFIG_NAME = ".wxcc-policy.yaml"
# A YAML or JSON file outside the policy directories is judged by what it holds: a snapshot
# names its format version, a policy asserts, a library says so (docs/editors.md).
_SNAPSHOT_LIKE = re.compile(r'^\s*(\{\s*)?"?snapshotVersion"?\s*:', re.MULTILINE)
_POLICY_LIKE = re.compile(r"^(assert|kind:\s*library)\b", re.MULTILINE)
BASELINE_NAME = ".wxcc-baseline.json"


class Loaders(NamedTuple):
    """The configuration's reader and parameter resolution, as `check` uses them (they
    live with the commands; `commands/lsp.py` hands them in)."""

    load_config: Callable[[Path], Any]  # path -> Config
    parameters: Callable[[PolicySet, Any], dict[str, dict[str, Any]]]


class Options(NamedTuple):
    """The client's initializationOptions (docs/editors.md), with their defaults."""

    waiver_files: tuple[Path, ...] = ()
    baseline: Path | None = None

    @staticmethod
    def of(root: Path, given: Any) -> Options:
        given = given if isinstance(given, dict) else {}
        files = given.get("waiverFiles") or []
        baseline = given.get("baseline")
        default_baseline = root / BASELINE_NAME
        chosen = root / baseline if isinstance(baseline, str) else (default_baseline if default_baseline.is_file() else None)
        return Options(tuple(root / f for f in files if isinstance(f, str)), chosen)


class Loaded(NamedTuple):
    config: Any
    policies: PolicySet
    settings: CheckSettings
    waivers: tuple[WaiverRule, ...]
    baseline: Baseline | None


class Workspace:
    def __init__(self, root: Path, loaders: Loaders, options: Options) -> None:
        self.root = root
        self.loaders = loaders
        self.options = options
        self.buffers: dict[Path, str] = {}  # open documents, by absolute path
        self.last: dict[Path, list[Any]] = {}  # the problems last published per file, for hover
        self.kinds: dict[Path, str] = {}  # a file judged as a snapshot stays one while open (a broken buffer too)
        self._loaded: Loaded | UsageError | None = None

    @property
    def config_path(self) -> Path:
        return self.root / CONFIG_NAME

    def invalidate(self) -> None:
        self._loaded = None

    def loaded(self) -> Loaded | UsageError:
        """The workspace, or the load error that stops `check` (located in its file)."""
        if self._loaded is None:
            try:
                self._loaded = self._load()
            except UsageError as exc:
                self._loaded = exc
        return self._loaded

    def _load(self) -> Loaded:
        config = self.loaders.load_config(self.config_path)
        policies = build_policy_set(builtin_files() + self._policy_files(config.policy_dirs))
        settings = CheckSettings(
            paths=(),
            as_of=None,
            fail_on=config.fail_on or "error",
            parameters=self.loaders.parameters(policies, config),
            policy_ids=select_policies(policies, config.select, config.skip),
            limits=config.limits,
        )
        waivers = config.waivers + tuple(w for f in self.options.waiver_files for w in self.waiver_file(f, config.max_waiver_days))
        check_policy_ids(waivers, [p.info.id for p in policies.policies])
        baseline = load_baseline(self.options.baseline) if self.options.baseline else None
        return Loaded(config, policies, settings, waivers, baseline)

    def policy_dirs(self) -> list[Path]:
        loaded = self._loaded
        dirs = loaded.config.policy_dirs if isinstance(loaded, Loaded) else ()
        return [Path(d).resolve() for d in dirs]

    def _policy_files(self, dirs: tuple[Path, ...]) -> list[YamlFile]:
        files: list[YamlFile] = []
        seen: set[Path] = set()
        for directory in dirs:
            if not directory.is_dir():
                raise UsageError("policy directory not found", str(directory))
            for path in sorted(p for p in directory.iterdir() if is_policy_file(p)):
                if path.resolve() not in seen:
                    seen.add(path.resolve())
                    files.append(self.yaml_file(path))
        return files

    def waiver_file(self, path: Path, max_days: int) -> tuple[WaiverRule, ...]:
        if not path.is_file() and path.resolve() not in self.buffers:
            raise UsageError("waiver file not found", str(path))
        file = self.yaml_file(path)
        return waivers_in(file, file.data, max_days)

    def text(self, path: Path) -> str:
        """The open buffer's text, else the file's."""
        buffer = self.buffers.get(path.resolve())
        return buffer if buffer is not None else decode_utf8(path.read_bytes())

    def yaml_file(self, path: Path) -> YamlFile:
        """A configuration-like YAML file from its buffer or the disk, errors located as
        `inputs/config_files.read_yaml_file` locates them."""
        if path.resolve() not in self.buffers:
            return read_yaml_file(path, str(path))
        return yaml_file_from_text(str(path), self.buffers[path.resolve()])

    def kind(self, path: Path, text: str) -> str:
        """What the file is to the tool: config, policy (or library), test, waivers, change,
        snapshot, or other (not judged: a YAML or JSON file of another tool)."""
        known = self.kinds.get(path.resolve())
        found = self._kind(path, text) if known is None or known == "other" else known
        if path.resolve() in self.buffers:
            self.kinds[path.resolve()] = found
        return found

    def _kind(self, path: Path, text: str) -> str:
        name = path.name.lower()
        resolved = path.resolve()
        if resolved == self.config_path.resolve():
            return "config"
        if name.endswith(TEST_FILE_SUFFIXES):
            return "test"
        if resolved in {f.resolve() for f in self.options.waiver_files} or name.endswith((".wxcc.waivers.yaml", ".wxcc.waivers.yml")):
            return "waivers"
        if not name.endswith((".json", ".yaml", ".yml")):
            return "other"
        if name.endswith((".change.json", ".change.yaml", ".change.yml")):
            return "change"
        if resolved.parent in self.policy_dirs() or _POLICY_LIKE.search(text):
            return "policy"
        return "snapshot" if _SNAPSHOT_LIKE.search(text) or ".wxcc." in name else "other"

    def is_dependency(self, path: Path) -> bool:
        """Whether a change to this file changes how every snapshot is judged."""
        return self.kind(path, self.buffers.get(path.resolve(), "")) in ("config", "policy", "waivers") or path.resolve() == (
            self.options.baseline or Path("/nonexistent")
        )


def yaml_file_from_text(shown: str, text: str) -> YamlFile:
    raw = text.encode("utf-8")
    try:
        data, root = parse_yaml(text)
    except InputError as exc:
        line, column = line_column(text, exc.offset) if text else (1, 1)
        raise UsageError(exc.message, f"{shown}:{line}:{column}") from None
    if not isinstance(data, dict):
        raise UsageError("expected a mapping at the top level", f"{shown}:1:1")
    return YamlFile(shown, text, raw, data, root)


def digest_of(text: str) -> str:
    return "sha256:" + hashlib.sha256(text.encode("utf-8")).hexdigest()
