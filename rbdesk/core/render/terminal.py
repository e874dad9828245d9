"""A runbook as terminal text (``rbdesk show``): commands numbered like ``rbdesk copy``.

Built on the reader's numbering (:func:`rbdesk.core.render.reader.code_blocks`)
so that ``rbdesk show REF`` and ``rbdesk copy REF N`` always agree. Diagram
blocks are printed as labelled source without a number; HTML comments are
left out; ``[[_TOC_]]`` becomes the list of sections.
"""

from __future__ import annotations

from rbdesk.core.render.reader import CodeBlock, code_blocks, is_diagram, mark_blank_runs
from rbdesk.core.runbook import safety
from rbdesk.core.runbook.commands import language_of
from rbdesk.core.runbook.markdown import markdown_parser
from rbdesk.core.runbook.model import Runbook


def _visible(text: str) -> str:
    """Text safe for a terminal: hidden characters shown as ⟦U+XXXX⟧, escapes as ␛."""
    return safety.terminal_safe(text)


def render_terminal(rb: Runbook, ref: str = "REF", color: bool = False) -> str:
    """The runbook as readable terminal text, every code block numbered like `rbdesk copy`."""
    bold = (lambda s: f"\x1b[1m{s}\x1b[0m") if color else (lambda s: s)
    dim = (lambda s: f"\x1b[2m{s}\x1b[0m") if color else (lambda s: s)
    red = (lambda s: f"\x1b[31;1m{s}\x1b[0m") if color else (lambda s: s)
    source = rb.source or rb.body
    lines = source.replace("\r\n", "\n").split("\n")
    tokens = markdown_parser(tasklists=False).parse(source)
    blocks: dict[int, list[CodeBlock]] = {}  # a fence's line -> its numbered block(s)
    for b in code_blocks(rb):
        blocks.setdefault(b.line, []).append(b)  # one per host in `host $ …` transcripts
    # first line (0-based) -> (end, numbered blocks, lines to print instead)
    skip: dict[int, tuple[int, list[CodeBlock], list[str]]] = {}
    inline_comments: dict[int, list[str]] = {}  # line (0-based) -> comments written on it
    for tok in tokens:
        if tok.map is None:
            continue
        if tok.type == "inline" and tok.children:
            for c in tok.children:
                if c.type == "html_comment":
                    for i in range(tok.map[0], tok.map[1]):
                        inline_comments.setdefault(i, []).append(c.content)
        if tok.type in ("fence", "code_block"):
            numbered = blocks.get(tok.map[0] + 1, [])
            instead: list[str] = []
            if not numbered and tok.type == "fence" and is_diagram(language_of(tok.info)):
                body = tok.content.rstrip("\n").split("\n")
                instead = [
                    dim(f"┌─ {language_of(tok.info)} diagram (source; not a command)"),
                    *("│ " + _visible(ln) for ln in body),
                    dim("└─"),
                ]
            skip[tok.map[0]] = (tok.map[1], numbered, instead)
        elif tok.type in ("front_matter", "html_comment"):
            skip[tok.map[0]] = (tok.map[1], [], [])
        elif tok.type == "rbdesk_toc":
            toc = [("  " * max(0, s.level - 2)) + s.title for s in rb.sections if s.level > 1]
            skip[tok.map[0]] = (tok.map[1], [], [bold("Contents"), *toc] if toc else [])
    out: list[str] = [bold(_visible(rb.title)), ""]
    meta_bits = [
        f"{k}: {v}"
        for k, v in rb.meta.items()
        if k in ("owner", "severity", "last_tested", "id", "service_owner")
    ]
    if meta_bits:
        out += [dim(_visible(" · ".join(meta_bits))), ""]
    i = 0
    while i < len(lines):
        if i in skip:
            end, numbered, instead = skip[i]
            out += instead
            for block in numbered:
                head = (
                    f"┌─ [{block.index}] {block.lang or 'code'}  (rbdesk copy {ref} {block.index})"
                )
                out.append(bold(head))
                if block.destructive:
                    out.append(red("│ ⚠ destructive: " + "; ".join(block.destructive)))
                if block.hidden:
                    out.append(red("│ ⚠ hidden characters: " + ", ".join(block.hidden)))
                shown = mark_blank_runs(block.text, "⟦{} blanks⟧")
                out += ["│ " + _visible(ln) for ln in shown.split("\n")]
                out.append("└─")
            i = max(end, i + 1)
            continue
        text = lines[i]
        for comment in inline_comments.get(i, ()):
            text = text.replace(comment, "")  # `<!-- … -->` is for the file's editors
        line = _visible(text.rstrip() if i in inline_comments else text)
        out.append(bold(line) if line.lstrip().startswith("#") else line)
        i += 1
    while out and not out[-1].strip():
        out.pop()
    return "\n".join(out) + "\n"
