"""Reading files leniently: decoding, fence repair, front matter limits."""

import pytest

from rbdesk.core.runbook.markdown import (
    MAX_FILE_BYTES,
    FrontMatterError,
    decode,
    load_front_matter,
    repair_fences,
)


def test_decode_strips_bom_and_crlf():
    dec = decode(b"\xef\xbb\xbf# Title\r\nline\r\n")
    assert dec.text == "# Title\nline\n"
    assert dec.problems == []


def test_decode_non_utf8_falls_back_and_reports_the_line():
    dec = decode("# Caf\u00e9\nok\n".encode("cp1252"))
    assert dec.text.startswith("# Café")
    (p,) = dec.problems
    assert (p.code, p.line, p.severity) == ("RB101", 1, "warning")
    assert "UTF-8" in p.message


def test_decode_binary_is_skipped_with_an_error():
    dec = decode(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)))
    assert dec.binary and dec.text == ""
    assert [p.code for p in dec.problems] == ["RB104"]


def test_decode_caps_huge_files_at_a_line_boundary():
    line = b"x" * 99 + b"\n"
    data = line * (MAX_FILE_BYTES // len(line) + 50)
    dec = decode(data)
    assert len(dec.text.encode()) <= MAX_FILE_BYTES
    assert dec.text.endswith("\n")
    assert [p.code for p in dec.problems] == ["RB105"]


def test_decode_utf16_with_bom():
    assert decode("# Hi\n".encode("utf-16")).text == "# Hi\n"


def test_fence_closed_with_info_string_is_repaired():
    src = "```bash\nls\n```text\n\nProse after.\n\n```bash\npwd\n```text\n"
    text, problems = repair_fences(src)
    assert text.split("\n")[2] == "```"
    assert text.split("\n")[8] == "```"
    assert [(p.code, p.line) for p in problems] == [("RB102", 3), ("RB102", 9)]
    assert text.count("\n") == src.count("\n")  # line numbers are kept


def test_nested_example_fence_is_left_alone():
    src = "````markdown\n```bash\nls\n```\n````\n"
    text, problems = repair_fences(src)
    assert text == src and problems == []


def test_unterminated_fence_is_an_error_at_its_opening_line():
    _, problems = repair_fences("text\n\n```sh\nrm -rf /tmp/x\n")
    assert [(p.code, p.line, p.severity) for p in problems] == [("RB103", 3, "error")]


def test_front_matter_alias_bomb_is_refused_without_expanding():
    bomb = "a: &a [x, x, x, x, x, x, x, x, x]\nb: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a]\n"
    with pytest.raises(FrontMatterError) as err:
        load_front_matter(bomb, 1)
    assert "anchors/aliases" in str(err.value)
    assert err.value.line == 2


def test_front_matter_size_cap():
    with pytest.raises(FrontMatterError, match="larger than 64 KiB"):
        load_front_matter("k: " + "v" * 70_000)


def test_front_matter_must_be_a_mapping():
    with pytest.raises(FrontMatterError, match="not a mapping"):
        load_front_matter("- a\n- b\n")


def test_front_matter_invalid_yaml_reports_a_line():
    with pytest.raises(FrontMatterError) as err:
        load_front_matter("title: ok\nbad: [unclosed\n", 1)
    assert err.value.line >= 2


def test_front_matter_python_tags_are_not_executed():
    data = load_front_matter("x: !!python/object/apply:os.system ['echo hi']\n")
    assert data == {"x": ["echo hi"]}
