"""Renderer: numbering, anchors, steps, checkboxes, images, caps, header card."""

from __future__ import annotations

import datetime as dt
import os

from rbdesk.core.render.reader import (
    MAX_DISPLAY_LINE,
    HeaderInfo,
    freshness,
    render_runbook,
    resolve_image,
)
from rbdesk.core.render.terminal import render_terminal
from rbdesk.core.runbook.markdown import markdown_parser
from rbdesk.core.runbook.model import Command, Runbook, Step
from rbdesk.core.runbook.parser import parse_text

DOC = """# Title

## Setup

```bash
$ ls <DIR>
```

    indented block

## Setup

```text
output only
```

- [ ] first `inline`
- [x] second

**1. Verify**

Go to Step 1 or see [x](other.md).
"""


def rb(text: str = DOC, **kw) -> Runbook:
    r = parse_text(text, "dir/doc.md")
    for k, v in kw.items():
        setattr(r, k, v)
    return r


def test_code_blocks_numbered_in_document_order_with_copy_links():
    res = render_runbook(rb())
    assert [b.index for b in res.code_blocks] == [1, 2, 3]
    assert [b.lang for b in res.code_blocks] == ["bash", "", "text"]
    assert res.code_blocks[0].clean == "ls <DIR>"
    for n in (1, 2, 3):
        assert f'href="rbdesk://copy/{n}"' in res.html


def test_parser_clean_text_is_used_when_available():
    r = rb(commands=[Command("bash", "shell", "$ ls <DIR>", "PARSER CLEAN", "Setup", 5)])
    assert render_runbook(r).code_blocks[0].clean == "PARSER CLEAN"


def test_heading_anchors_match_github_style_with_duplicates():
    res = render_runbook(rb())
    assert [h.anchor for h in res.headings] == ["title", "setup", "setup-1"]
    md = markdown_parser(tasklists=False)
    ids = [t.attrGet("id") for t in md.parse(DOC) if t.type == "heading_open"]
    assert ids == ["title", "setup", "setup-1"]
    assert '<a name="setup-1"></a>' in res.html


def test_checkboxes_steps_and_goto_links():
    res = render_runbook(rb())
    assert res.checkboxes == [("first `inline`", False), ("second", True)]
    assert "☐" in res.html and "☑" in res.html
    assert res.steps == {1: "step-1"}
    assert 'href="rbdesk://step/1"' in res.html
    ticked = render_runbook(rb(), checked={0})
    assert ticked.html.count("☑") == 1 and 'class="box on" href="rbdesk://check/0"' in ticked.html


def test_parser_steps_give_anchors_by_line():
    r = rb(steps=[Step(7, "Setup again", "Setup", 11)])
    assert render_runbook(r).steps == {7: "step-7"}


def test_variables_filled_and_highlighted_in_view():
    res = render_runbook(rb(), variables={"DIR": "/var/log"})
    assert '<span class="filled">/var/log</span>' in res.html


def test_no_raw_html_and_escaping():
    res = render_runbook(rb("# T\n\n<script>alert(1)</script>\n\n```\n<b>&</b>\n```\n"))
    assert "<script>" not in res.html
    assert "&lt;b&gt;&amp;&lt;/b&gt;" in res.html


def test_hidden_characters_visible_in_view():
    res = render_runbook(rb("# T\n\n```\necho a\u202eb\n```\n"))
    assert "⟦U+202E⟧" in res.html
    assert res.code_blocks[0].hidden and "RIGHT-TO-LEFT OVERRIDE" in res.code_blocks[0].hidden[0]


def test_long_line_cut_in_view_not_in_copy():
    line = "x" * (MAX_DISPLAY_LINE * 3)
    res = render_runbook(rb(f"# T\n\n```\n{line}\n```\n"))
    assert res.code_blocks[0].clean == line
    assert line not in res.html and "cut in the view" in res.html


def test_images_only_regular_files_inside_root(tmp_path):
    root = tmp_path / "root"
    (root / "dir").mkdir(parents=True)
    (root / "dir" / "ok.png").write_bytes(b"\x89PNG")
    (tmp_path / "secret.png").write_bytes(b"x")
    (root / "dir" / "link.png").symlink_to(tmp_path / "secret.png")
    assert resolve_image(root, "dir/doc.md", "ok.png")[0] == (root / "dir" / "ok.png").resolve()
    for src in (
        "../../../../dev/zero",
        "/etc/passwd",
        "file:///etc/passwd",
        "data:image/png;base64,AA",
        "https://example.com/x.png",
        "link.png",
        "../../secret.png",
        "missing.png",
    ):
        path, why = resolve_image(root, "dir/doc.md", src)
        assert path is None and why, src
    assert resolve_image(root, "dir/doc.md", "ok.png", max_bytes=2)[0] is None
    if os.path.exists("/dev/zero"):
        os.symlink("/dev/zero", root / "dir" / "z.png")
        assert resolve_image(root, "dir/doc.md", "z.png")[1] == "image outside the library"
    res = render_runbook(rb("# T\n\n![a](ok.png) ![b](../../../../dev/zero)\n"), root=root)
    assert res.images == [(root / "dir" / "ok.png").resolve()]
    assert 'src="rbdesk://img/1"' in res.html and "dev/zero" not in res.html.split("not shown")[0]


def test_header_card_freshness_marks():
    today = dt.date(2025, 6, 1)
    assert freshness("2025-05-01", today) == ("ok", 31)
    assert freshness("2025-01-01", today)[0] == "amber"
    assert freshness("2024-01-01", today)[0] == "red"
    assert freshness("soon", today) == ("unknown", None)
    r = rb(meta={"owner": "sre", "severity": "High", "last_tested": "2024-01-01"})
    html = render_runbook(r, header=HeaderInfo("ops", "a.md", "abcdef1234", "3 h ago", today)).html
    for part in ("sre", "High", "very stale", "ops", "abcdef1", "3 h ago"):
        assert part in html


def test_huge_document_is_cut_with_notice():
    from rbdesk.core.render import reader as render

    big = "# T\n\n" + ("word " * 20 + "\n") * 20000
    old = render.MAX_SOURCE_CHARS
    render.MAX_SOURCE_CHARS = 100_000
    try:
        res = render_runbook(rb(big))
    finally:
        render.MAX_SOURCE_CHARS = old
    assert res.notices and "very large" in res.notices[0]
    assert len(res.html) < 200_000


def test_terminal_rendering_numbers_blocks_and_shows_hidden():
    out = render_terminal(rb(DOC + "\n```\nrm -rf /x\u200b\n```\n"), "doc")
    assert "[1] bash  (rbdesk copy doc 1)" in out
    assert "[4] code" in out and "⚠ destructive" in out and "⟦U+200B⟧" in out
    assert "\x1b" not in out


def test_header_field_lines_stay_one_per_line():
    from rbdesk.core.render.reader import render_runbook
    from rbdesk.core.runbook.parser import parse_text

    rb = parse_text(
        "RUN-001: Title\nCategory: Incident\nTrigger: MON-1\nOwner: Ops\n\n## Scope\n\nplain\ntext\n",
        "r.md",
    )
    html = render_runbook(rb).html
    assert "Category: Incident<br" in html and "Trigger: MON-1" in html
    # the owner is in the header card, not repeated in the body
    assert "<b>Owner</b> Ops" in html and "Owner: Ops" not in html
    assert "plain\ntext" in html or "plain text" in html  # prose keeps soft breaks


def test_header_card_shows_owners_from_codeowners_and_owners_files(tmp_path):
    """A runbook without an owner line shows the owners the repository names (small change
    beside rbdesk lint's RB201, which counts them too)."""
    from rbdesk.core.library.owners import owners_for

    (tmp_path / ".github").mkdir()
    (tmp_path / ".github" / "CODEOWNERS").write_text("/docs/ @acme/sre @acme/dba\n")
    rb = parse_text("# Db failover\n\nSteps.\n", "docs/db.md")
    assert [p.code for p in rb.problems].count("RB201") == 1
    found = owners_for(tmp_path, "docs/db.md")
    header = HeaderInfo("ops", "docs/db.md", owners=found.text(), owners_from=found.where)
    html = render_runbook(rb, header=header).html
    assert "<b>Owner</b> @acme/sre, @acme/dba" in html
    assert "(.github/CODEOWNERS:1)" in html
    n = len(rb.problems)
    assert f"{n - 1} lint problem(s)" in html  # RB201 is answered
    # An owner line in the runbook wins.
    own = parse_text("# X\n\n**Owner:** Platform\n", "docs/x.md")
    card = render_runbook(own, header=header).html
    assert "<b>Owner</b> Platform&nbsp;" in card and "@acme/sre" not in card
