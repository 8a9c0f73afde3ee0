"""Pratt parser for policy expressions: tokens to an immutable AST.

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

import enum

from wxcc_policy.errors import SyntaxProblem
from wxcc_policy.lang.ast import (
    Binary,
    Call,
    Conditional,
    Index,
    Lambda,
    ListLit,
    Literal,
    Member,
    Name,
    Node,
    ObjectLit,
    Unary,
    height,
)
from wxcc_policy.lang.lexer import Token, TokenKind, tokenize

# Deeper expressions are refused with a located error instead of exhausting Python's
# stack in the parser, the compiler or the evaluation (each level costs a few frames).
MAX_DEPTH = 100


class Power(enum.IntEnum):
    """Binding powers: how tightly an operator holds its operands (higher binds tighter)."""

    NONE = 0
    OR = 10
    AND = 20
    NOT = 25  # prefix `not`: looser than comparisons, so `not a == b` is `not (a == b)`
    COMPARE = 30  # == != < <= > >= in, `not in`
    COALESCE = 35
    SUM = 40
    PRODUCT = 50
    NEGATE = 60  # prefix `-`
    POSTFIX = 70  # .field [index] (call)


_INFIX = {
    "or": Power.OR, "and": Power.AND,
    "==": Power.COMPARE, "!=": Power.COMPARE, "<": Power.COMPARE, "<=": Power.COMPARE,
    ">": Power.COMPARE, ">=": Power.COMPARE, "in": Power.COMPARE, "not": Power.COMPARE,
    "??": Power.COALESCE, "+": Power.SUM, "-": Power.SUM,
    "*": Power.PRODUCT, "/": Power.PRODUCT, "%": Power.PRODUCT,
    ".": Power.POSTFIX, "[": Power.POSTFIX, "(": Power.POSTFIX,
}  # fmt: skip
_CONSTANTS = {"true": True, "false": False, "null": None}


class Parser:
    def __init__(self, tokens: list[Token]) -> None:
        self.tokens = tokens
        self.i = 0
        self.depth = 0  # nesting of expression() calls

    @property
    def tok(self) -> Token:
        return self.tokens[self.i]

    def advance(self) -> Token:
        tok = self.tokens[self.i]
        self.i += 1
        return tok

    def at(self, text: str) -> bool:
        return self.tok.kind == TokenKind.OP and self.tok.text == text

    def expect(self, text: str) -> Token:
        if not self.at(text):
            raise SyntaxProblem(f"expected {text!r} but found {self.tok.text or 'end of expression'!r}", self.tok.pos)
        return self.advance()

    def parse_all(self) -> Node:
        start = self.tok.pos
        node = self.expression()
        if self.tok.kind != TokenKind.EOF:
            raise SyntaxProblem(f"unexpected {self.tok.text!r}", self.tok.pos)
        if height(node) > MAX_DEPTH:  # e.g. a chain of thousands of `+`, parsed in a loop
            raise SyntaxProblem(_too_deep(), start)
        return node

    def expression(self, min_bp: int = Power.NONE) -> Node:
        self.depth += 1
        if self.depth > MAX_DEPTH:
            raise SyntaxProblem(_too_deep(), self.tok.pos)
        left = self.prefix()
        while True:
            op = self.tok.text if self.tok.kind == TokenKind.OP else ""
            bp = _INFIX.get(op, Power.NONE)
            if bp <= min_bp:
                self.depth -= 1
                return left
            left = self.infix(left, op, bp)

    def infix(self, left: Node, op: str, bp: int) -> Node:
        tok = self.advance()
        if op == ".":
            name = self.advance()
            if name.kind != TokenKind.NAME:
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
        if tok.kind == TokenKind.NAME and self.tokens[self.i + 1].text == "->":
            return self.lambda_(tok)
        if tok.kind == TokenKind.OP and tok.text == "(" and self._lambda_ahead():
            return self.lambda_(tok)
        self.advance()
        if tok.kind in (TokenKind.NUM, TokenKind.STR):
            return Literal(tok.pos, tok.value)
        if tok.kind == TokenKind.NAME:
            return Name(tok.pos, tok.text)
        return self.prefix_op(tok)

    def prefix_op(self, tok: Token) -> Node:
        if tok.kind == TokenKind.OP and tok.text in _CONSTANTS:
            return Literal(tok.pos, _CONSTANTS[tok.text])
        if tok.text == "not":
            return Unary(tok.pos, "not", self.expression(Power.NOT))
        if tok.text == "-":
            return Unary(tok.pos, "-", self.expression(Power.NEGATE))
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
            if key.kind not in (TokenKind.NAME, TokenKind.STR):
                raise SyntaxProblem("expected a key in the object", key.pos)
            self.expect(":")
            entries.append((str(key.value), self.expression()))
            if not self.at("}"):
                self.expect(",")
        self.advance()
        return ObjectLit(tok.pos, tuple(entries))

    def _lambda_ahead(self) -> bool:
        j = self.i + 1
        while self.tokens[j].kind == TokenKind.NAME:
            if self.tokens[j + 1].text != ",":
                j += 1
                break
            j += 2
        return self.tokens[j].text == ")" and self.tokens[j + 1].text == "->"

    def lambda_(self, tok: Token) -> Node:
        if tok.kind == TokenKind.NAME:
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


def _too_deep() -> str:
    return f"the expression is nested more than {MAX_DEPTH} levels deep; split it with `define` or `let`"
