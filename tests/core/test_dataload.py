"""The guarded loaders: every repository value under size and depth caps (#20)."""

from __future__ import annotations

import pytest

from rbdesk.core.dataload import (
    MAX_DEPTH,
    DataError,
    check_depth,
    load_json,
    load_toml,
    load_yaml,
    scan_depth,
)
from rbdesk.core.runbook.parser import parse_text


def test_scan_depth_skips_strings_and_comments():
    scan_depth('a = "[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[["\n', 8)
    scan_depth("b = '{{{{{{{{{{{{{{{{{{{{'  # [[[[[[[[[[[[[[[\n", 8)
    scan_depth('c = "esc \\" [[[[[[[[[[[[[[[[[["\n', 8)
    with pytest.raises(DataError) as err:
        scan_depth("x = 1\ny = " + "[" * 9, 8)
    assert err.value.limit and err.value.line == 2
    assert str(err.value) == "is nested more than 8 levels deep"


@pytest.mark.parametrize(
    ("load", "text"),
    [
        (load_json, "[" * 100_000 + "]" * 100_000),
        (load_json, '{"a":' * 5000 + "1" + "}" * 5000),
        (load_toml, "x = " + "[" * 2000 + "]" * 2000),
        (load_toml, "x = " + "{a=" * 2000 + "1" + "}" * 2000),
        (load_yaml, "x: " + "[" * 3000 + "]" * 3000),
        (load_yaml, "x: " + "[" * 200 + "]" * 200),  # under libyaml's cap, over ours
    ],
)
def test_deep_documents_are_refused_over_the_limit(load, text):
    with pytest.raises(DataError) as err:
        load(text)
    assert err.value.limit and "nested more than 64 levels deep" in str(err.value)


def test_documents_within_the_limit_load():
    inner = "[" * (MAX_DEPTH - 1) + "]" * (MAX_DEPTH - 1)
    assert load_json(inner)
    assert load_toml(f"x = {inner}")["x"]
    assert load_yaml(f"x: {inner}")["x"]
    check_depth({"a": [[1]]}, 3)
    with pytest.raises(DataError):
        check_depth({"a": [[1]]}, 2)


def test_size_cap():
    with pytest.raises(DataError) as err:
        load_yaml("a: " + "x" * 2048, max_bytes=1024)
    assert err.value.limit and str(err.value) == "is larger than 1 KiB"


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("d: 2025-02-30", "2025-02-30"),  # a date that does not exist
        ("d: !!timestamp 99999-01-01", "99999-01-01"),
        ("d: !!timestamp yesterday", "yesterday"),
        ("n: !!int " + "9" * 5000, "9" * 5000),  # past Python's int() digit limit
        ("n: !!int " + "9" * 100, "9" * 100),  # kept as text past 64 digits
        ("n: !!int twelve", "twelve"),
        ("f: !!float many", "many"),
        ("b: !!binary 'abcde'", "abcde"),  # bad padding
        ("b: !!bool maybe", "maybe"),
        ("t: !!python/name:os.system x", "x"),  # unknown tags: plain values
    ],
)
def test_scalars_that_cannot_be_converted_stay_text(text, value):
    key = text.split(":", 1)[0]
    assert load_yaml(text) == {key: value}


def test_good_scalars_still_convert():
    import datetime as dt

    data = load_yaml("d: 2025-02-28\nn: 42\nf: 1.5\nb: true\nz: null")
    assert data == {"d": dt.date(2025, 2, 28), "n": 42, "f": 1.5, "b": True, "z": None}


def test_aliases_and_bad_syntax_are_data_errors():
    with pytest.raises(DataError) as err:
        load_yaml("a: &x 1\nb: *x\n")
    assert "anchors/aliases" in str(err.value) and err.value.line == 1 and not err.value.limit
    with pytest.raises(DataError):
        load_yaml("a: [unclosed")
    with pytest.raises(DataError):
        load_toml("d = 2025-02-30")
    with pytest.raises(DataError):
        load_json('{"n": ' + "9" * 5000 + "}")
    with pytest.raises(ValueError):  # DataError is a ValueError for older callers
        load_json("{")


@pytest.mark.parametrize(
    "front",
    [
        "---\nowner: sre\nlast_tested: 2025-02-30\nx: " + "[" * 3000 + "]" * 3000 + "\n---\n",
        '+++\nowner = "sre"\nx = ' + "[" * 2000 + "]" * 2000 + "\n+++\n",
    ],
)
def test_the_parser_reports_refused_front_matter_and_reads_the_rest(front):
    rb = parse_text(front + "# Title\n\n**Owner:** Ops\n\nRestart `x`.\n", "a.md")
    assert rb.title == "Title" and rb.meta.get("owner") == "Ops"
    problems = [p for p in rb.problems if p.code == "RB106"]
    assert problems and "nested more than 64 levels deep" in problems[0].message


def test_a_bad_date_in_front_matter_is_a_finding_not_a_crash():
    rb = parse_text("---\ntitle: T\nowner: sre\nlast_tested: 2025-02-30\n---\n# T\n", "a.md")
    assert rb.meta["owner"] == "sre" and "last_tested" not in rb.meta
    assert any(p.code == "RB208" and "2025-02-30" in p.message for p in rb.problems)


def test_an_unexpected_fault_is_a_finding_on_that_file(monkeypatch):
    from rbdesk.core.runbook import parser

    def boom(self, node):
        raise OverflowError("a value too large")

    monkeypatch.setattr(parser._Walker, "_visit_fence", boom)
    rb = parse_text("# Title\n\nText before.\n\n```sh\nls\n```\n", "a.md")
    assert rb.title == "Title"  # what was read before the fault
    fault = [p for p in rb.problems if p.code == "RB116"]
    assert fault and "OverflowError: a value too large" in fault[0].message


def test_a_git_lfs_pointer_is_not_a_runbook():
    from rbdesk.core.runbook.parser import parse_bytes

    pointer = (
        b"version https://git-lfs.github.com/spec/v1\n"
        b"oid sha256:4d7a214614ab2935c943f9e0ff69d22eadbb8f32b1258daaa5e9ca24d17e2393\n"
        b"size 12345\n"
    )
    rb = parse_bytes(pointer, "runbooks/disk-full.md")
    assert rb.title == "Disk full" and rb.body == "" and not rb.sections
    assert [p.code for p in rb.problems] == ["RB115"]
    assert rb.problems[0].message.startswith("content not downloaded (Git LFS)")
    assert "Content not downloaded (Git LFS)" in rb.source and "sha256" not in rb.source
