"""Errors that end in a one-line message instead of a traceback.

Every error the tool reports is a `LocatedError`: a message, and where the problem is:
an `offset` into the text it was found in (an expression, a document) while the
finding stage still works on text, and `where` ("file", "file:line:column" or empty)
once it is known in which file. The stages raise their own subclasses:

    LocatedError
    ├── InputError        a document that cannot be read (offset into its text)
    ├── UsageError        the tool cannot run as asked: exit code 2 (where)
    ├── SyntaxProblem     an expression that does not parse (offset into the expression)
    ├── CompileProblem    an expression that parses but cannot be compiled (offset)
    ├── EvalError         an expression failed while evaluating, not yet located
    │   └── BudgetExceeded    ... because it used up the evaluation budget
    ├── EvalFailure       an EvalError located at its expression's file:line:column
    │   └── BudgetFailure     ... the budget one, naming the policy
    └── EditRefused       a change that cannot be written into a snapshot's text (offset into it)
"""

from __future__ import annotations

from collections.abc import Iterable


class LocatedError(Exception):
    """A one-line problem and where it is."""

    def __init__(self, message: str, offset: int = 0, where: str = "") -> None:
        super().__init__(f"{where}: {message}" if where else message)
        self.message = message
        self.offset = offset
        self.where = where


class InputError(LocatedError):
    """A document that cannot be read; `offset` is a character offset into its text."""


class UsageError(LocatedError):
    """The tool cannot run as asked (exit code 2): bad option, policy or configuration.

    `where` is "file", "file:line:column" or empty.
    """

    def __init__(self, message: str, where: str = "") -> None:
        super().__init__(message, 0, where)


STANDARD_INPUT_HINT = "standard input (-) holds only a snapshot or a change file: name a file"


def not_found(what: str, given: str) -> UsageError:
    """`WHAT not found` at `given`; `-`, which is standard input only where a snapshot or a
    change file is read, says so instead."""
    return UsageError(f"{what} not found ({STANDARD_INPUT_HINT})" if given == "-" else f"{what} not found", given)


class SyntaxProblem(LocatedError):
    """An expression or template that does not parse; `offset` is into its text."""


class CompileProblem(LocatedError):
    """An unknown name, field, function or a wrong argument; `offset` is into the expression."""


class EvalError(LocatedError):
    """A policy expression failed while evaluating (a type mismatch, a bad date...).

    Raised without a location by the runtime; the caller that knows which expression
    ran turns it into an EvalFailure with `located`."""

    def located(self, where: str) -> EvalFailure:
        return EvalFailure(self.message, where)


class BudgetExceeded(EvalError):
    """The document's evaluation budget (steps, time, sizes) is used up."""

    def located(self, where: str) -> EvalFailure:
        return BudgetFailure(self.message, where)


class EvalFailure(LocatedError):
    """An expression failed at run time; `where` is its file:line:column, `policy` the
    id of the policy being evaluated (when known)."""

    def __init__(self, message: str, where: str, policy: str = "") -> None:
        super().__init__(message, 0, where)
        self.policy = policy

    def in_policy(self, policy: str) -> EvalFailure:
        """The same failure, naming the policy that was being evaluated."""
        if self.policy:
            return self
        return type(self)(self.message, self.where, policy)


class BudgetFailure(EvalFailure):
    """The evaluation budget was exceeded; the message names the policy and the limit."""

    def in_policy(self, policy: str) -> EvalFailure:
        if self.policy:
            return self
        return BudgetFailure(f"policy {policy}: {self.message}", self.where, policy)


class EditRefused(LocatedError):
    """A change that cannot be written into a snapshot's text as an edit (a value shared
    through a YAML alias, a target that does not exist); `offset` is into that text."""


def did_you_mean(name: str, candidates: Iterable[object]) -> str:
    """ "; did you mean 'x'?" for the closest of `candidates`, or nothing: every error that
    names an unknown thing ends this way."""
    import difflib  # only on the error path

    known = [str(c) for c in candidates]
    close = difflib.get_close_matches(name, known, n=1, cutoff=0.6)
    if not close:
        lowered = {c.lower(): c for c in known}
        close = [lowered[name.lower()]] if name.lower() in lowered else []
    return f"; did you mean {close[0]!r}?" if close else ""
