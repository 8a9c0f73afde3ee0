"""Lexer and Pratt parser for policy expressions. Produces an immutable AST.

Grammar (lowest precedence first):
    expr    := 'if' expr 'then' expr 'else' expr | lambda | or
    lambda  := NAME '->' expr | '(' NAME (',' NAME)* ')' '->' expr
    or      := and ('or' and)*            and := not ('and' not)*
    not     := 'not' not | cmp            cmp := coal (CMP coal)?
    coal    := add ('??' add)*            add := mul (('+'|'-') mul)*
    mul     := unary (('*'|'/'|'%') unary)*
    unary   := '-' unary | postfix        postfix := primary ('.' NAME | '[' expr ']' | '(' args ')')*
    primary := NUMBER | STRING | 'true' | 'false' | 'null' | NAME | '(' expr ')' | list | object
"""

from __future__ import annotations

import re
from typing import Any, NamedTuple, Union


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


# ---- AST -------------------------------------------------------------------------------


class Literal(NamedTuple):
    pos: int
    value: Any


class Name(NamedTuple):
    pos: int
    name: str


class Member(NamedTuple):
    pos: int
    target: Node
    name: str


class Index(NamedTuple):
    pos: int
    target: Node
    key: Node


class Call(NamedTuple):
    pos: int
    name: str
    args: tuple[Node, ...]


class Lambda(NamedTuple):
    pos: int
    params: tuple[str, ...]
    body: Node


class Unary(NamedTuple):
    pos: int
    op: str
    operand: Node


class Binary(NamedTuple):
    pos: int
    op: str
    left: Node
    right: Node


class Conditional(NamedTuple):
    pos: int
    test: Node
    then: Node
    otherwise: Node


class ListLit(NamedTuple):
    pos: int
    items: tuple[Node, ...]


class ObjectLit(NamedTuple):
    pos: int
    entries: tuple[tuple[str, Node], ...]


Node = Union["Literal", "Name", "Member", "Index", "Call", "Lambda", "Unary", "Binary", "Conditional", "ListLit", "ObjectLit"]

_INFIX = {
    "or": 10, "and": 20,
    "==": 30, "!=": 30, "<": 30, "<=": 30, ">": 30, ">=": 30, "in": 30, "not": 30,
    "??": 35, "+": 40, "-": 40, "*": 50, "/": 50, "%": 50,
}  # fmt: skip
_POSTFIX = 70


class Parser:
    def __init__(self, tokens: list[Token]) -> None:
        self.tokens = tokens
        self.i = 0

    @property
    def tok(self) -> Token:
        return self.tokens[self.i]

    def advance(self) -> Token:
        tok = self.tokens[self.i]
        self.i += 1
        return tok

    def at(self, text: str) -> bool:
        return self.tok.kind == "OP" and self.tok.text == text

    def expect(self, text: str) -> Token:
        if not self.at(text):
            raise SyntaxProblem(f"expected {text!r} but found {self.tok.text or 'end of expression'!r}", self.tok.pos)
        return self.advance()

    def parse_all(self) -> Node:
        node = self.expression()
        if self.tok.kind != "EOF":
            raise SyntaxProblem(f"unexpected {self.tok.text!r}", self.tok.pos)
        return node

    def expression(self, min_bp: int = 0) -> Node:
        left = self.prefix()
        while True:
            op = self.tok.text if self.tok.kind == "OP" else ""
            bp = _INFIX.get(op, 0)
            if op in (".", "[", "("):
                bp = _POSTFIX
            if bp <= min_bp:
                return left
            left = self.infix(left, op, bp)

    def infix(self, left: Node, op: str, bp: int) -> Node:
        tok = self.advance()
        if op == ".":
            name = self.advance()
            if name.kind != "NAME":
                raise SyntaxProblem("expected a field name after '.'", name.pos)
            return Member(name.pos, left, name.text)
        if op == "[":
            index = self.expression()
            self.expect("]")
            return Index(tok.pos, left, index)
        if op == "(":
            if not isinstance(left, Name):
                raise SyntaxProblem("only named functions can be called", tok.pos)
            return Call(left.pos, left.name, self.arguments())
        if op == "not":
            self.expect("in")
            return Unary(tok.pos, "not", Binary(tok.pos, "in", left, self.expression(bp)))
        return Binary(tok.pos, op, left, self.expression(bp))

    def arguments(self) -> tuple[Node, ...]:
        args: list[Node] = []
        while not self.at(")"):
            args.append(self.expression())
            if not self.at(")"):
                self.expect(",")
        self.advance()
        return tuple(args)

    def prefix(self) -> Node:
        tok = self.tok
        if tok.kind == "NAME" and self.tokens[self.i + 1].text == "->":
            return self.lambda_(tok)
        if tok.kind == "OP" and tok.text == "(" and self._lambda_ahead():
            return self.lambda_(tok)
        self.advance()
        if tok.kind in ("NUM", "STR"):
            return Literal(tok.pos, tok.value)
        if tok.kind == "NAME":
            return Name(tok.pos, tok.text)
        return self.prefix_op(tok)

    def prefix_op(self, tok: Token) -> Node:
        constants = {"true": True, "false": False, "null": None}
        if tok.text in constants:
            return Literal(tok.pos, constants[tok.text])
        if tok.text == "not":
            return Unary(tok.pos, "not", self.expression(25))
        if tok.text == "-":
            return Unary(tok.pos, "-", self.expression(60))
        if tok.text == "(":
            inner = self.expression()
            self.expect(")")
            return inner
        if tok.text == "[":
            return ListLit(tok.pos, self.sequence("]"))
        if tok.text == "{":
            return self.object_literal(tok)
        if tok.text == "if":
            test = self.expression()
            self.expect("then")
            then = self.expression()
            self.expect("else")
            return Conditional(tok.pos, test, then, self.expression())
        raise SyntaxProblem(f"unexpected {tok.text or 'end of expression'!r}", tok.pos)

    def sequence(self, close: str) -> tuple[Node, ...]:
        items: list[Node] = []
        while not self.at(close):
            items.append(self.expression())
            if not self.at(close):
                self.expect(",")
        self.advance()
        return tuple(items)

    def object_literal(self, tok: Token) -> Node:
        entries: list[tuple[str, Node]] = []
        while not self.at("}"):
            key = self.advance()
            if key.kind not in ("NAME", "STR"):
                raise SyntaxProblem("expected a key in the object", key.pos)
            self.expect(":")
            entries.append((str(key.value), self.expression()))
            if not self.at("}"):
                self.expect(",")
        self.advance()
        return ObjectLit(tok.pos, tuple(entries))

    def _lambda_ahead(self) -> bool:
        j = self.i + 1
        while self.tokens[j].kind == "NAME":
            if self.tokens[j + 1].text != ",":
                j += 1
                break
            j += 2
        return self.tokens[j].text == ")" and self.tokens[j + 1].text == "->"

    def lambda_(self, tok: Token) -> Node:
        if tok.kind == "NAME":
            self.advance()
            params: tuple[str, ...] = (tok.text,)
        else:
            self.advance()
            names = []
            while not self.at(")"):
                names.append(self.advance().text)
                if not self.at(")"):
                    self.expect(",")
            self.advance()
            params = tuple(names)
        self.expect("->")
        return Lambda(tok.pos, params, self.expression())


def parse_expression(source: str) -> Node:
    return Parser(tokenize(source)).parse_all()
