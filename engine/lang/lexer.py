"""Lexer for policy expressions: source text to tokens with their offsets."""

from __future__ import annotations

import re
from typing import Any, NamedTuple


class SyntaxProblem(Exception):
    def __init__(self, message: str, offset: int) -> None:
        super().__init__(message)
        self.message = message
        self.offset = offset


class Token(NamedTuple):
    kind: str  # NUM, STR, NAME, OP, EOF
    text: str
    value: Any
    pos: int


KEYWORDS = {"and", "or", "not", "in", "if", "then", "else", "true", "false", "null"}
_TOKEN = re.compile(
    r"""(?P<ws>\s+)
      | (?P<num>\d+(?:\.\d+)?(?:[eE][-+]?\d+)?)
      | (?P<name>[$A-Za-z_][A-Za-z0-9_]*)
      | (?P<str>'(?:[^'\\]|\\.)*'|"(?:[^"\\]|\\.)*")
      | (?P<op>->|==|!=|<=|>=|\?\?|[-+*/%<>.,()\[\]{}:])
    """,
    re.VERBOSE | re.DOTALL,
)
_ESCAPES = {"n": "\n", "t": "\t", "r": "\r", "\\": "\\", "'": "'", '"': '"', "/": "/", "{": "{", "}": "}"}


def tokenize(source: str, start: int = 0, stop_at_close_brace: bool = False) -> list[Token]:
    """Tokens of `source` from `start`; optionally stop before a '}' that closes nothing."""
    tokens: list[Token] = []
    pos, depth = start, 0
    while pos < len(source):
        m = _TOKEN.match(source, pos)
        if not m:
            raise SyntaxProblem(f"unexpected character {source[pos]!r}", pos)
        kind, text = m.lastgroup, m.group()
        if kind == "op" and text in "([{":
            depth += 1
        elif kind == "op" and text in ")]}":
            if depth == 0 and text == "}" and stop_at_close_brace:
                break
            depth -= 1
        if kind != "ws":
            tokens.append(_token(kind or "", text, pos))
        pos = m.end()
    tokens.append(Token("EOF", "", None, pos))
    return tokens


def _token(kind: str, text: str, pos: int) -> Token:
    if kind == "num":
        return Token("NUM", text, float(text) if any(c in text for c in ".eE") else int(text), pos)
    if kind == "str":
        return Token("STR", text, _unescape(text[1:-1], pos), pos)
    if kind == "name":
        return Token("OP" if text in KEYWORDS else "NAME", text, text, pos)
    return Token("OP", text, text, pos)


def _unescape(body: str, pos: int) -> str:
    def replace(m: re.Match[str]) -> str:
        esc = m.group(1)
        if esc.startswith("u"):
            return chr(int(esc[1:], 16))
        if esc in _ESCAPES:
            return _ESCAPES[esc]
        raise SyntaxProblem(f"unknown escape \\{esc}", pos + 1 + m.start())

    return re.sub(r"\\(u[0-9a-fA-F]{4}|.)", replace, body)
