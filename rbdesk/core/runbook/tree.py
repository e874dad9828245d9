"""A light tree over markdown-it's token stream, walked once by the parser."""

from __future__ import annotations


class Node:
    """A light syntax-tree node (what ``SyntaxTreeNode`` gives, at a third of the cost)."""

    __slots__ = ("attrs", "children", "content", "info", "map", "meta", "tag", "type")

    def __init__(self, token=None, type_: str = "root") -> None:
        self.children: list[Node] = []
        if token is None:
            self.type, self.tag, self.map, self.attrs = type_, "", None, {}
            self.info = self.content = ""
            self.meta = {}
            return
        t = token.type
        self.type = t[:-5] if t.endswith("_open") else t
        self.tag = token.tag
        self.map = token.map
        self.attrs = token.attrs
        self.info = token.info
        self.content = token.content
        self.meta = token.meta


def build_tree(tokens) -> Node:
    """Nest markdown-it's flat ``*_open``/``*_close`` tokens (and inline children)."""
    root = Node()
    stack = [root]
    for tok in tokens:
        if tok.nesting == -1:
            if len(stack) > 1:
                stack.pop()
            continue
        node = Node(tok)
        stack[-1].children.append(node)
        if tok.nesting == 1:
            stack.append(node)
        elif tok.children:
            node.children = build_tree(tok.children).children
    return root


def _inline_text(node, out: list[str]) -> None:
    for ch in node.children:
        t = ch.type
        if t in ("text", "code_inline"):
            out.append(ch.content)
        elif t in ("softbreak", "hardbreak"):
            out.append("\n")
        elif t == "html_inline":
            continue
        elif ch.children:
            _inline_text(ch, out)


def inline_plain(node) -> str:
    out: list[str] = []
    _inline_text(node, out)
    return "".join(out)
