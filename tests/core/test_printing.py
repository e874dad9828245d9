"""Print HTML (no Qt): runbook document, drill sheet, contacts sheet, footer, dates."""

from __future__ import annotations

import datetime as _dt
from html import unescape

import pytest

from rbdesk.core.facade import Library
from rbdesk.core.library.origin import Origin, origin_for
from rbdesk.core.render.printdoc import (
    BOX,
    PrintPart,
    contacts_sheet_html,
    drill_pack_parts,
    drill_rows,
    drill_sheet_html,
    footer_text,
    format_date,
    print_parts,
    runbook_html,
)
from rbdesk.core.runbook.items import run_items
from rbdesk.core.runbook.parser import parse_text

TODAY = _dt.date(2026, 11, 26)
ORIGIN = Origin("team", "ops/x.md", "0123456789abcdef", "sha256:00", "team")


def _samples(data_dir):
    lib = Library(data_dir)
    return [(lib.load(f), origin_for(lib.samples_root(), f)) for f in lib.files()]


def _text(html: str) -> str:
    """Rough visible text of our own HTML (tags dropped), for containment checks."""
    import re

    return unescape(re.sub(r"<[^>]+>", "", re.sub(r"<br\s*/?>", " ", html)))


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (_dt.date(2026, 3, 1), "2026-03-01"),
        (_dt.datetime(2026, 3, 1, 12, 30), "2026-03-01"),
        ("2026-03-01", "2026-03-01"),
        ("2026-03-01T08:00:00Z", "2026-03-01"),
        ("1 Mar 2026", "2026-03-01"),
        ("March 1, 2026", "2026-03-01"),
        ("01.03.2026", "2026-03-01"),
        ("", ""),
        (None, ""),
        ("last spring", "last spring"),
    ],
)
def test_format_date(value, expected):
    assert format_date(value) == expected


def test_footer_has_title_source_commit_owner_last_tested_print_date():
    rb = parse_text("---\nowner: SRE\nlast_tested: 2026-01-05\n---\n# Disk full\n", "x.md")
    footer = footer_text(rb, ORIGIN, TODAY)
    assert footer.split(" · ") == [
        "Disk full",
        "team: ops/x.md",
        "commit 0123456789ab",
        "owner SRE",
        "last tested 2026-01-05",
        "printed 2026-11-26",
    ]
    bare = parse_text("# No meta\n", "y.md")
    assert "owner not set" in footer_text(bare, ORIGIN, TODAY)
    assert "last tested never" in footer_text(bare, ORIGIN, TODAY)


DOC = """\
# Disk full

See [the dashboard](https://grafana.example/d/disk) and <https://status.example>.
![graph](img/disk.png)

- [ ] Check the volume
- [x] Paged the owner

```bash
df -h /var/lib/postgresql && echo "<done>"
```

```
rm -rf /tmp/cache\u200b/*
```
"""


def test_runbook_document_links_as_text_code_escaped_hidden_chars_visible():
    rb = parse_text(DOC, "disk.md")
    html = runbook_html(rb, ORIGIN, TODAY)
    assert "<a " not in html and "href" not in html
    text = _text(html)
    assert "the dashboard (https://grafana.example/d/disk)" in text
    assert "https://status.example" in text and "(https://status.example)" not in text
    assert "[image: graph (img/disk.png)]" in text
    assert "<img" not in html
    assert (
        '<pre class="code">df -h /var/lib/postgresql &amp;&amp; echo "&lt;done&gt;"</pre>' in html
    )
    assert "⟦U+200B⟧" in text and "\u200b" not in html
    assert f"{BOX} Check the volume" in text and "☑ Paged the owner" in text
    assert "<input" not in html
    assert text.count("Disk full") == 2  # header H1 and <title>; the body H1 is not repeated
    assert "0123456789ab" in text and "2026-11-26" in text


def test_drill_sheet_lists_every_checklist_item_and_step_with_run_numbers(data_dir):
    for rb, origin in _samples(data_dir):
        html = drill_sheet_html(rb, origin, TODAY)
        text = _text(html)
        for header in (
            "Drill / incident id",
            "Date (YYYY-MM-DD)",
            "Participants",
            "Time",
            "Initials",
            "Notes",
        ):
            assert header in text, (rb.path, header)
        items = run_items(rb)
        for item in items:
            assert item.text in text, (rb.path, item.text)
        rows = drill_rows(rb)
        assert sorted(n for n, *_ in rows) == list(range(1, len(items) + 1))
        for number, _kind, row_text, _sec, _line in rows:
            assert items[number - 1].text == row_text
        assert [line for *_, line in rows] == sorted(line for *_, line in rows)
        assert html.count(f'<td class="box">{BOX}</td>') == len(items)


def test_drill_sheet_covers_prerequisites_verification_and_post_incident(data_dir):
    lib = Library(data_dir)
    f = next(f for f in lib.files() if f.relpath.startswith("register/RUN-007"))
    rb = lib.load(f)
    text = _text(drill_sheet_html(rb, origin_for(lib.samples_root(), f), TODAY))
    sections = {c.section for c in rb.checklist}
    assert {"Prerequisites", "Post-Incident"} <= sections
    assert any(s.startswith("Step ") for s in sections)  # verification items under steps
    for c in rb.checklist:
        assert c.text in text
    for s in rb.steps:
        assert f"Step {s.number}: {s.title}" in text


def test_drill_sheet_names_each_procedure_once_though_steps_have_checks():
    md = (
        "# Failover\n\n## Procedure\n\n### Step 1: Drain\n\nVerification:\n- [ ] drained\n\n"
        "### Step 2: Switch\n\nVerification:\n- [ ] switched\n\n"
        "## Rollback\n\n### Step 3: Undo\n\n- [ ] undone\n"
    )
    html = drill_sheet_html(parse_text(md, "f.md"), ORIGIN, TODAY)
    sections = [part.split("<", 1)[0] for part in html.split('class="section" colspan="')[1:]]
    assert [s.split(">", 1)[1] for s in sections] == ["Procedure", "Rollback"]


def test_empty_drill_sheet_says_so():
    rb = parse_text("# Notes only\n\nNothing to do.\n", "n.md")
    assert "no checklist items and no numbered steps" in drill_sheet_html(rb, ORIGIN, TODAY)


def test_contacts_sheet_has_every_contact(data_dir):
    seen = 0
    for rb, origin in _samples(data_dir):
        text = _text(contacts_sheet_html(rb, origin, TODAY))
        for c in rb.contacts:
            for value in (c.name, c.phone, c.email, c.chat):
                assert value in text, (rb.path, value)
            seen += 1
        if not rb.contacts:
            assert "No contacts are listed" in text
    assert seen >= 20


def test_print_parts_and_drill_pack(data_dir):
    samples = _samples(data_dir)
    rb, origin = samples[0]
    for kind in ("runbook", "checklist", "contacts"):
        (part,) = print_parts(kind, rb, origin, TODAY)
        assert isinstance(part, PrintPart) and part.footer == footer_text(rb, origin, TODAY)
    with pytest.raises(ValueError, match="unknown print kind"):
        print_parts("poster", rb, origin, TODAY)
    pack = drill_pack_parts("kafka", samples[:3], TODAY)
    assert len(pack) == 4
    assert "Drill pack: kafka" in pack[0].html and "printed 2026-11-26" in pack[0].footer
    for (rb_i, _o), part in zip(samples[:3], pack[1:], strict=True):
        assert part.title == rb_i.title and "Drill sheet" in part.html
        assert rb_i.title in _text(pack[0].html)


def test_internal_links_print_without_their_anchor():
    rb = parse_text(
        "# T\n\nSee [Quick orientation](#quick-orientation) and [docs](https://x.example/d).\n"
    )
    text = _text(runbook_html(rb, ORIGIN, TODAY))
    assert "Quick orientation and docs (https://x.example/d)" in text
    assert "(#quick-orientation)" not in text


def test_long_code_lines_wrap_with_a_continuation_mark():
    from rbdesk.core.render.printdoc import CODE_LINE_CHARS, CONTINUATION, wrap_code

    cmd = "kubectl -n payments get pods " + " ".join(f"--label=value{i}" for i in range(12))
    lines = wrap_code(cmd + "\necho short").split("\n")
    assert len(lines) == 4 and lines[-1] == "echo short"
    assert all(len(ln) <= CODE_LINE_CHARS for ln in lines)
    assert not lines[0].startswith(CONTINUATION)
    assert [ln.startswith(CONTINUATION) for ln in lines[1:3]] == [True, True]
    rejoined = lines[0] + " " + " ".join(ln.removeprefix(CONTINUATION) for ln in lines[1:3])
    assert rejoined == cmd  # nothing lost, cut at spaces
    token = "x" * 200  # no space to cut at: cut anyway
    assert len(wrap_code(token).split("\n", 1)[0]) == CODE_LINE_CHARS
    html = runbook_html(parse_text(f"# T\n\n```\n{cmd}\n```\n"), ORIGIN, TODAY)
    assert f"\n{CONTINUATION}--label" in unescape(html)


def test_drill_sheet_one_number_column_and_paragraph_steps_not_all_bold():
    long = "Record the password in a field of type Password in a secure note for a roll-back"
    rb = parse_text(
        f"# T\n\n## Procedure\n\n### Step 1: Drain\n\nx\n\n### Step 2: {long}\n\ny\n\n"
        "## Verification\n\n- [ ] the service answers\n"
    )
    html = drill_sheet_html(rb, ORIGIN, TODAY)
    assert "Run item" not in html and html.count("<th ") + html.count("<th>") == 6
    assert "<b>Step 1: Drain</b>" in html
    assert "<b>Step 2:</b> Record the password" in html  # only the label is bold
    numbers = [int(n) for n in __import__("re").findall(r'<td class="muted">(\d+)</td>', html)]
    assert numbers == [1, 2, 3]


def test_drill_sheet_breaks_start_new_tables_with_headings():
    items = "".join(f"- [ ] check {i}\n" for i in range(1, 11))
    rb = parse_text(f"# T\n\n## Verification\n\n{items}")
    (part,) = print_parts("checklist", rb, ORIGIN, TODAY)
    assert part.paginate is not None and part.paginate(()) == part.html
    cut = part.paginate([4, 8])
    assert cut.count("<thead>") == 3 and cut.count("page-break-before: always") == 2
    assert _text(cut).index("check 3") < _text(cut).index("check 4")  # row 0 is the section
    assert part.html.count("<thead>") == 1
