"""The parser never raises, whatever it is fed."""

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from rbdesk.core.runbook.parser import parse_bytes, parse_text

MD_PIECES = st.sampled_from(
    [
        "# ",
        "## ",
        "### Step 1: ",
        "**1. Do**",
        "- [ ] ",
        "- [x] ",
        "1. ",
        "> ",
        "---\n",
        "```",
        "```bash\n",
        "```text\n",
        "~~~",
        "|a|b|\n|-|-|\n|1|2|\n",
        "**Owner:** ",
        "Last Tested: ",
        "RUN-001: ",
        "<x>",
        "${Y}",
        "{{z}}",
        "[W]",
        "[l](a.md#b)",
        "`c`",
        "Alert Name: `A`",
        "alert: B\n",
        "\n",
        "\r\n",
        "\t",
        " ",
        "\ufeff",
        "\u202e",
        "&amp;",
        "title: t\n",
        "&a x\n",
        "*a\n",
        "+++\n",
        "2026-13-45",
        "- Manager: J - +1 555 0100",
    ]
)
SETTINGS = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@SETTINGS
@given(st.lists(st.one_of(MD_PIECES, st.text(max_size=20)), max_size=60))
def test_random_markdown_never_raises(pieces):
    rb = parse_text("".join(pieces), "fuzz.md")
    assert isinstance(rb.title, str) and rb.title
    rb.to_dict()


@SETTINGS
@given(st.binary(max_size=2048))
def test_random_bytes_never_raise(data):
    rb = parse_bytes(data, "fuzz.md")
    assert rb.title


def test_deep_nesting_does_not_crash():
    rb = parse_text("> " * 5000 + "x\n" + "- " * 3000 + "y\n", "deep.md")
    assert rb.title
