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

from wxcc_policy.lang.ast import Binary, Call, Conditional, Index, Lambda, ListLit, Literal, Member, Name, Node, ObjectLit, Unary
from wxcc_policy.lang.lexer import SyntaxProblem, Token, tokenize

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
