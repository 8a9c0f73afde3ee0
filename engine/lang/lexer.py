"""Lexer for policy expressions: source text to tokens with their offsets."""

from __future__ import annotations

import enum
import math
import re
from typing import Any, NamedTuple

from wxcc_policy.errors import SyntaxProblem

__all__ = ["KEYWORDS", "MAX_NUMBER_LENGTH", "SyntaxProblem", "Token", "TokenKind", "tokenize"]


class TokenKind(str, enum.Enum):
    """What a token is. A str enum, so that `kind == "NAME"` also holds."""

    NUM = "NUM"  # a number literal; `value` is an int or a float
    STR = "STR"  # a string literal; `value` is its text, escapes resolved
    NAME = "NAME"  # an identifier that is not a keyword
    OP = "OP"  # an operator, punctuation or keyword; `value` is its text
    EOF = "EOF"  # the end of the expression (or of a template's `{...}` part)


class Token(NamedTuple):
    kind: TokenKind
    text: str
    value: Any
    pos: int


KEYWORDS = frozenset({"and", "or", "not", "in", "if", "then", "else", "true", "false", "null"})
# Longer literals are refused: Python converts at most 4,300 digits to an int, and a
# policy has no use for numbers beyond a double's range anyway.
MAX_NUMBER_LENGTH = 100
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
_OPENING, _CLOSING = "([{", ")]}"


def tokenize(source: str, start: int = 0, stop_at_close_brace: bool = False) -> list[Token]:
    """Tokens of `source` from `start`; optionally stop before a '}' that closes nothing."""
    tokens: list[Token] = []
    pos, depth = start, 0
    while pos < len(source):
        m = _TOKEN.match(source, pos)
        if not m:
            raise SyntaxProblem(f"unexpected character {source[pos]!r}", pos)
        group, text = m.lastgroup, m.group()
        if group == "op" and text in _OPENING:
            depth += 1
        elif group == "op" and text in _CLOSING:
            if depth == 0 and text == "}" and stop_at_close_brace:
                break
            depth -= 1
        if group != "ws":
            tokens.append(_token(group or "", text, pos))
        pos = m.end()
    tokens.append(Token(TokenKind.EOF, "", None, pos))
    return tokens


def _token(group: str, text: str, pos: int) -> Token:
    if group == "num":
        return Token(TokenKind.NUM, text, _number(text, pos), pos)
    if group == "str":
        return Token(TokenKind.STR, text, _unescape(text[1:-1], pos), pos)
    if group == "name":
        return Token(TokenKind.OP if text in KEYWORDS else TokenKind.NAME, text, text, pos)
    return Token(TokenKind.OP, text, text, pos)


def _number(text: str, pos: int) -> int | float:
    if len(text) > MAX_NUMBER_LENGTH:
        raise SyntaxProblem(f"a number literal of more than {MAX_NUMBER_LENGTH} characters", pos)
    value = float(text) if any(c in text for c in ".eE") else int(text)
    if not math.isfinite(value) or abs(value) > 1.7976931348623157e308:
        raise SyntaxProblem(f"the number {text} is out of range", pos)
    return value


def _unescape(body: str, pos: int) -> str:
    def replace(m: re.Match[str]) -> str:
        esc = m.group(1)
        if esc.startswith("u"):
            code = int(esc[1:], 16)
            if 0xD800 <= code <= 0xDFFF:  # half of a UTF-16 pair: no text can hold it alone
                raise SyntaxProblem(f"\\{esc} is a lone surrogate, not a character", pos + 1 + m.start())
            return chr(code)
        if esc in _ESCAPES:
            return _ESCAPES[esc]
        raise SyntaxProblem(f"unknown escape \\{esc}", pos + 1 + m.start())

    return re.sub(r"\\(u[0-9a-fA-F]{4}|.)", replace, body)
