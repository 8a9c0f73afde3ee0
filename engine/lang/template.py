"""Message templates: literal text with `{expression}` parts; `{{` and `}}` are braces."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from wxcc_policy.errors import SyntaxProblem
from wxcc_policy.lang.ast import Node
from wxcc_policy.lang.budget import budget_of
from wxcc_policy.lang.lexer import tokenize
from wxcc_policy.lang.parser import Parser
from wxcc_policy.lang.values import render

Env = dict[str, Any]
Render = Callable[[Env], str]


def parse_template(text: str) -> list[str | tuple[int, Node]]:
    """Literal strings and (offset, expression) parts."""
    parts: list[str | tuple[int, Node]] = []
    buf: list[str] = []
    i = 0
    while i < len(text):
        pair = text[i : i + 2]
        if pair in ("{{", "}}"):
            buf.append(pair[0])
            i += 2
        elif text[i] == "{":
            tokens = tokenize(text, i + 1, stop_at_close_brace=True)
            end = tokens[-1].pos
            if end >= len(text) or text[end] != "}":
                raise SyntaxProblem("'{' is not closed in the template (write '{{' for a brace)", i)
            if buf:
                parts.append("".join(buf))
                buf = []
            parts.append((i + 1, Parser(tokens).parse_all()))
            i = end + 1
        elif text[i] == "}":
            raise SyntaxProblem("'}' closes nothing in the template (write '}}' for a brace)", i)
        else:
            buf.append(text[i])
            i += 1
    if buf:
        parts.append("".join(buf))
    return parts


def make_renderer(parts: list[str | Callable[[Env], Any]], escape: Callable[[str], str] | None = None) -> Render:
    def show(value: Any) -> str:
        text = render(value)
        return escape(text) if escape else text

    def render_template(env: Env) -> str:
        # A list, not a generator: join builds one anyway, and a generator's frame
        # switches cost more than the parts of a short message.
        text = "".join([p if isinstance(p, str) else show(p(env)) for p in parts])
        budget_of(env).text(len(text))  # a message that renders a whole tenant is a runaway
        return text

    def render_message(env: Env) -> str:
        """Unescaped (messages): a plain string value is its own rendering, without a call."""
        text = "".join([p if isinstance(p, str) else (v if type(v := p(env)) is str else render(v)) for p in parts])
        budget_of(env).text(len(text))
        return text

    return render_message if escape is None else render_template
