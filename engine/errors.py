"""Errors that end in a one-line message instead of a traceback."""

from __future__ import annotations


class InputError(Exception):
    """A document that cannot be read; `offset` is a character offset into its text."""

    def __init__(self, message: str, offset: int = 0) -> None:
        super().__init__(message)
        self.message = message
        self.offset = offset


class UsageError(Exception):
    """The tool cannot run as asked (exit code 2): bad option, policy or configuration.

    `where` is "file", "file:line:column" or empty.
    """

    def __init__(self, message: str, where: str = "") -> None:
        super().__init__(f"{where}: {message}" if where else message)
        self.message = message
        self.where = where
