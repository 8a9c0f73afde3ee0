"""The export's one-line errors, each with the exit code it ends in (docs/export.md)."""

from __future__ import annotations

from wxcc_policy.errors import LocatedError


class ExportProblem(LocatedError):
    """The API data or the commercial records are wrong or incomplete: exit 1."""

    exit_code = 1


class ApiUnavailable(LocatedError):
    """The export could not run: refused token, missing scope, no answer: exit 2."""

    exit_code = 2


def scrubbed(text: str, secret: str) -> str:
    """`text` with the secret replaced, for anything a server could have echoed."""
    return text.replace(secret, "[token]") if secret else text
