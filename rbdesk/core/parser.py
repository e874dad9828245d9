"""Runbook parser (stub: title, sections and body only; the full parser lands next)."""

from __future__ import annotations

from pathlib import Path

from .model import Runbook, Section


def parse_text(text: str, path: str = "") -> Runbook:
    from markdown_it import MarkdownIt

    md = MarkdownIt("commonmark", {"html": False})
    tokens = md.parse(text)
    title = ""
    sections = []
    for i, t in enumerate(tokens):
        if t.type == "heading_open":
            content = tokens[i + 1].content
            level = int(t.tag[1])
            sections.append(
                Section(content, level, content.lower().replace(" ", "-"), t.map[0] + 1)
            )
            if level == 1 and not title:
                title = content
    return Runbook(
        path=path, title=title or Path(path).stem, sections=sections, body=text, source=text
    )


def parse_file(path, relpath: str | None = None) -> Runbook:
    p = Path(path)
    return parse_text(p.read_text("utf-8", errors="replace"), relpath or p.name)
