"""GitLab/OpenShift-style Markdown (fixtures in ``fixtures/gitlab``): comments, TOC,
diagrams, images, placeholders from command lines only, whole steps, fast misses."""

from __future__ import annotations

import datetime as dt
import re
from html import unescape
from pathlib import Path

import pytest

from rbdesk.core.facade import Library
from rbdesk.core.library.origin import Origin
from rbdesk.core.render.printdoc import (
    contacts_sheet_html,
    drill_rows,
    drill_sheet_html,
    runbook_html,
)
from rbdesk.core.render.reader import code_blocks, render_runbook
from rbdesk.core.render.terminal import render_terminal
from rbdesk.core.runbook import commands as cmd
from rbdesk.core.runbook.copyrules import prepare_copy
from rbdesk.core.runbook.items import run_items
from rbdesk.core.runbook.parser import parse_file, parse_text

FIXTURES = Path(__file__).parent / "fixtures" / "gitlab"
TODAY = dt.date(2026, 12, 1)
ORIGIN = Origin("fixtures", "redis-memory.md", "0123456789abcdef", "sha256:00", "fixtures")


def _text(html: str) -> str:
    return unescape(re.sub(r"<[^>]+>", "", re.sub(r"<br\s*/?>", " ", html)))


@pytest.fixture(scope="module")
def redis():
    return parse_file(FIXTURES / "redis-memory.md")


# -- HTML comments ------------------------------------------------------------------------


def test_html_comments_never_shown_on_screen_on_paper_or_in_the_body(redis):
    words = ("MARKER", "do not edit", "Reviewers", "chef recipe", "inline note")
    screen = render_runbook(redis, root=FIXTURES).html
    paper = runbook_html(redis, ORIGIN, TODAY)
    term = render_terminal(redis, "x")
    for w in words:
        assert w not in screen and w not in paper and w not in redis.body, w
    assert "MARKER" not in term and "Reviewers" not in term and "inline note" not in term
    assert "<!--" not in term
    # the text around an inline comment stays, joined as written
    assert "The\nalert" in redis.body or "The alert" in redis.body
    assert "grows above 90 %." in _text(screen)


def test_comment_inside_code_and_unterminated_comment_stay_visible():
    rb = parse_text("# T\n\n```\n<!-- in code -->\n```\n\n<!-- never closed\n\nstill here\n")
    html = render_runbook(rb).html
    assert "&lt;!-- in code --&gt;" in html
    assert "never closed" in html and "still here" in html  # a stray <!-- hides nothing


# -- table of contents ------------------------------------------------------------------------


@pytest.mark.parametrize("marker", ["[[_TOC_]]", "[TOC]"])
def test_toc_marker_becomes_the_contents(marker):
    rb = parse_text(f"# Doc\n\n{marker}\n\n## First part\n\ntext\n\n### Detail\n\n## Second\n")
    html = render_runbook(rb).html
    assert marker not in html and "[[TOC]]" not in html and "[TOC]" not in html
    toc = re.search(r'<p class="toc">(.*?)</p>', html).group(1)
    assert [a for a in re.findall(r'href="#([^"]+)"', toc)] == ["first-part", "detail", "second"]
    paper = _text(runbook_html(rb, ORIGIN, TODAY))
    assert "Contents" in paper and marker not in paper
    assert "Contents" in render_terminal(rb, "x") and marker not in render_terminal(rb, "x")


def test_toc_word_inside_a_paragraph_is_text():
    rb = parse_text("# Doc\n\nsee [TOC]\nfor more\n")
    assert "see [TOC]" in render_runbook(rb).html


# -- diagrams -----------------------------------------------------------------------------------


def test_diagram_blocks_are_labelled_source_without_copy_or_number(redis):
    result = render_runbook(redis)
    assert result.diagrams == 1
    assert "mermaid diagram" in result.html and "graph LR" in result.html
    assert all(b.lang != "mermaid" for b in result.code_blocks)
    # command #1 is the first real command, as `rbdesk copy REF 1` sees it
    first = result.code_blocks[0]
    assert first.index == 1 and first.clean.startswith("redis-cli -h <redis-host>")
    assert result.html.count("rbdesk://copy/") == len(result.code_blocks) == 5
    term = render_terminal(redis, "x")
    assert "mermaid diagram (source; not a command)" in term and "[1] bash" in term
    assert "(rbdesk copy x 1)" in term and "(rbdesk copy x 6)" not in term


def test_plantuml_and_dot_are_diagrams_too():
    rb = parse_file(FIXTURES / "plantuml-and-toc.md")
    blocks = code_blocks(rb)
    assert [b.lang for b in blocks] == ["bash"]
    assert blocks[0].placeholders == ("queue-name",)
    assert render_runbook(rb).diagrams == 2


# -- images -------------------------------------------------------------------------------------


def test_images_link_to_their_full_size_view(redis):
    result = render_runbook(redis, root=FIXTURES)
    assert len(result.images) == 1 and result.images[0].name == "wide.png"
    assert '<a class="img" href="rbdesk://image/1"' in result.html
    assert '<img src="rbdesk://img/1"' in result.html


# -- placeholders -------------------------------------------------------------------------------


def test_placeholders_only_from_command_lines(redis):
    assert redis.placeholders == ["redis-host", "NAMESPACE", "pod-name", "replica-host"]
    for noise in ("kthreadd", "ksoftirqd/0", "bash", "redis-0"):
        assert noise not in redis.placeholders


@pytest.mark.parametrize(
    ("lang", "text", "expected"),
    [
        ("console", "$ ps aux\nroot 2 [kthreadd]\n$ kill <PID>", ["PID"]),
        ("bash", "kubectl get pod [pod-name]\n# Expected output\n[redis-0] Running", ["pod-name"]),
        ("bash", "curl <url>\n# Output:\n<html>[x]</html>", ["url"]),
        ("", "USER PID CMD\nroot 2 [kthreadd]", []),
        ("", "  TID  PRIO  USER  DISK READ\n 2 be/4 root [kthreadd]", []),
        ("text", "<not-a-placeholder>", []),
    ],
)
def test_command_text_rule(lang, text, expected):
    kind = cmd.classify(lang, text)
    assert cmd.find_placeholders(cmd.command_text(text, lang, kind)) == expected


def test_block_after_expected_output_prose_has_no_placeholders():
    rb = parse_text("# T\n\n## Check\n\nExpected output:\n\n```\nNAME [pod-a] <x>\n```\n")
    assert rb.placeholders == []


def test_copy_reports_unfilled_command_placeholders(redis):
    block = next(b for b in code_blocks(redis) if "NAMESPACE" in b.text)
    result = prepare_copy(block.clean, {}, block.placeholders)
    assert result.unfilled == ["NAMESPACE", "pod-name"]
    filled = prepare_copy(block.clean, {"NAMESPACE": "shop"}, block.placeholders)
    assert filled.unfilled == ["pod-name"] and "-n shop" in filled.text


def test_reader_marks_each_unfilled_name_as_a_link(redis):
    html = render_runbook(redis, variables={"NAMESPACE": "shop"}).html
    assert 'href="rbdesk://var/pod-name"' in html and ">[pod-name]</a>" in html
    assert 'href="rbdesk://var/redis-host"' in html and ">&lt;redis-host&gt;</a>" in html
    assert 'href="rbdesk://var/NAMESPACE"' not in html  # filled: shown as its value
    assert '<span class="filled">shop</span>' in html


# -- steps and drill sheets ------------------------------------------------------------------


def test_steps_keep_their_whole_title_and_every_procedure(redis):
    titles = [(s.section, s.title) for s in redis.steps]
    assert titles[0] == (
        "Mitigation procedure",
        "Take a snapshot of the data disk before the flush, so that nothing is lost "
        "if the wrong keys go.",
    )
    assert {sec for sec, _t in titles} == {"Mitigation procedure", "Failover procedure"}
    assert len(titles) == 5


def test_drill_sheet_numbers_rows_down_the_page_with_section_names(redis):
    html = drill_sheet_html(redis, ORIGIN, TODAY)
    numbers = [int(n) for n in re.findall(r'<tr><td class="muted">(\d+)</td>', html)]
    assert numbers == list(range(1, len(run_items(redis)) + 1))
    text = _text(html)
    assert text.index("Mitigation procedure") < text.index("Take a snapshot")
    assert text.index("Failover procedure") < text.index("Promote the replica")
    assert "Run item" not in text  # only steps: run items are in page order already


def test_drill_sheet_rows_are_run_items_in_page_order():
    """A box below the steps is row 3 on paper and item 3 of a run: one number."""
    rb = parse_text(
        "# T\n\n## Procedure\n\n1. First step\n2. Second step\n\n## Verification\n\n"
        "- [ ] it works\n"
    )
    rows = drill_rows(rb)
    assert [(n, kind) for n, kind, *_ in rows] == [(1, "step"), (2, "step"), (3, "check")]
    assert [it.text for it in run_items(rb)][2] == "it works"
    html = drill_sheet_html(rb, ORIGIN, TODAY)
    assert "Run item" not in html
    page = [int(n) for n in re.findall(r'<tr><td class="muted">(\d+)</td>', html)]
    assert page == [1, 2, 3]


def test_contacts_sheet_gives_addresses_a_full_line(redis):
    html = contacts_sheet_html(redis, ORIGIN, TODAY)
    assert '<td colspan="4"><span class="muted">E-mail</span> ' in html
    assert "dana.example-oncall-platform@infrastructure.example.com" in html


# -- REFs ----------------------------------------------------------------------------------------


def test_unknown_ref_parses_no_file(tmp_path, monkeypatch):
    from rbdesk.core.errors import NotFoundError
    from rbdesk.core.usecases.refs import resolve_ref

    lib = Library(tmp_path / "data")
    parsed: list[str] = []
    real = Library.load

    def counting(self, f):
        parsed.append(f.relpath)
        return real(self, f)

    monkeypatch.setattr(Library, "load", counting)
    with pytest.raises(NotFoundError):
        resolve_ref(lib, "nosuch")
    assert parsed == []
    with pytest.raises(NotFoundError):
        resolve_ref(lib, "RUN-999")
    assert parsed == []
    # alerts named in the text are still found (and only their files parsed)
    hit = resolve_ref(lib, "CheckoutHighLatency")
    assert hit.relpath == "alerts/CheckoutHighLatency.md"
    assert len(parsed) <= 3


# -- search snippets --------------------------------------------------------------------------


def test_snippets_leave_out_comments_and_link_reference_definitions():
    from rbdesk.core.search.snippets import snippet, term_pattern

    lines = [
        "## Dashboards",
        "<!-- editors: the grafana board moved,",
        "grafana board notes for editors -->",
        "Open the grafana board for redis.",
        "[grafana]: https://grafana.example/d/redis",
        "```",
        "[grafana]: kept inside code",
        "```",
    ]
    text = snippet(lines, 1, len(lines), term_pattern(["grafana"]))
    assert "editors" not in text and "https://grafana.example" not in text
    assert "Open the «grafana» board" in text and "kept inside code" in text


# -- header card and title -----------------------------------------------------------------


def test_card_fields_are_not_repeated_in_the_body(redis):
    html = render_runbook(redis).html
    body = html.split("</table>", 1)[1]
    assert "Platform Data Team" in html.split("</table>", 1)[0]  # in the card
    assert "Owner:" not in body and "Last tested:" not in body


def test_other_header_fields_stay_in_the_body():
    rb = parse_text("# T\n\nOwner: sre\nCategory: Incident\n\n## A\n")
    body = render_runbook(rb).html.split("</table>", 1)[1]
    assert "Category: Incident" in body and "Owner:" not in body


def test_runbook_without_h1_shows_its_title():
    rb = parse_text("---\ntitle: Disk pressure on nodes\n---\n\n## Check\n\ntext\n")
    body = render_runbook(rb).html.split("</table>", 1)[1]
    assert body.lstrip().startswith("<h1>Disk pressure on nodes</h1>")
    rb2 = parse_text("RUN-9: Queue stuck\nOwner: x\n\n## A\n")  # the id line is the title
    assert "<h1>" not in render_runbook(rb2).html


def test_samples_still_open_when_sources_are_configured(tmp_path, monkeypatch):
    from rbdesk.core.library.roots import LibraryRoot
    from rbdesk.core.usecases.refs import resolve_ref

    ops = tmp_path / "ops"
    ops.mkdir()
    (ops / "README.md").write_text("# Ops readme\n", "utf-8")
    lib = Library(tmp_path / "data")
    monkeypatch.setattr(
        lib, "roots", lambda: [LibraryRoot(name="ops", root=ops, kind="folder", index_dir=None)]
    )
    hit = resolve_ref(lib, "samples:README.md")
    assert hit.source == "samples" and hit.file.path.is_file()
    assert resolve_ref(lib, "README.md").source == "ops"  # a configured source wins
