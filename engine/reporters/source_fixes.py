"""The fixes and line texts a run attached to its results for the formats that show a fix
where it applies (evaluation/source_fixes.py): looked up per problem, one file at a time."""

from __future__ import annotations

from wxcc_policy.evaluation.results import FileResult, SourceFix
from wxcc_policy.reporters.problems import Problem


class FileFixes:
    """The fix of a problem's finding and the text of its lines; the index of one file is
    kept at a time (problems come file by file)."""

    def __init__(self) -> None:
        self._file: FileResult | None = None
        self._fixes: dict[str, SourceFix] = {}
        self._lines: dict[int, str] = {}

    def _of(self, result: FileResult) -> None:
        if self._file is not result:
            self._file = result
            self._fixes = {fix.key: fix for fix in result.fixes}
            self._lines = dict(result.lines)

    def fix(self, problem: Problem) -> SourceFix | None:
        """The problem's fix, when it is one with text edits."""
        if problem.finding is None or not problem.file.fixes:
            return None
        self._of(problem.file)
        found = self._fixes.get(problem.finding.key)
        return found if found is not None and found.edits else None

    def byte_column(self, result: FileResult, line: int, column: int) -> int:
        """A code-point column as a 1-based UTF-8 byte column (the line as it was read)."""
        self._of(result)
        text = self._lines.get(line)
        if text is None:
            return column
        return len(text[: column - 1].encode("utf-8", "surrogatepass")) + 1 + max(column - 1 - len(text), 0)
