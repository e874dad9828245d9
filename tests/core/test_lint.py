"""Quality checks: each stable code fires on a concrete case, and only then."""

import datetime as dt
import textwrap

import pytest

from rbdesk.core.runbook.parser import parse_text
from rbdesk.core.usecases.lint import lint_paths

TODAY = dt.date(2026, 11, 26)

GOOD = """\
# Restart api

**Owner:** Platform Team
**Last Tested:** 2026-11-01

## Procedure

### Step 1: Restart

> **Warning:** drops in-flight requests.

```bash
kubectl delete pod -l app=api
```

Verification:
- [ ] pods Running

## Escalation

- **Who to contact**: Platform lead (Slack: #platform)
"""


def codes(md: str, **kw) -> list[str]:
    return [p.code for p in parse_text(textwrap.dedent(md), "x.md", today=TODAY, **kw).problems]


def test_a_complete_runbook_has_no_problems():
    assert codes(GOOD) == []


@pytest.mark.parametrize(
    ("change", "code"),
    [
        (("**Owner:** Platform Team\n", ""), "RB201"),
        (("**Last Tested:** 2026-11-01\n", ""), "RB202"),
        (("2026-11-01", "2025-01-01"), "RB203"),
        (("Verification:\n- [ ] pods Running\n", ""), "RB204"),
        (
            ("## Escalation\n\n- **Who to contact**: Platform lead (Slack: #platform)\n", ""),
            "RB205",
        ),
        (("- **Who to contact**: Platform lead (Slack: #platform)\n", "Ask around.\n"), "RB206"),
        (("Platform Team", "[Team/Person]"), "RB207"),
        (("2026-11-01", "last spring"), "RB208"),
        (("## Procedure\n", "## Procedure\n\nSee [x](#nowhere).\n"), "RB211"),
        (("> **Warning:** drops in-flight requests.\n", ""), "RB301"),
        (("kubectl delete", "kubectl\u200b delete"), "RB302"),
        (("```bash\nkubectl", "```sh\nkubectl"), None),  # another shell label: still fine
    ],
)
def test_each_check(change, code):
    old, new = change
    assert old in GOOD
    got = codes(GOOD.replace(old, new))
    if code is None:
        assert got == []
    else:
        assert code in got


def test_the_good_runbook_has_no_problems():
    assert codes(GOOD) == []


def test_rb109_nesting_too_deep_keeps_what_it_read():
    rb = parse_text(
        "# Deep\n\n## Before\n\n" + "*" * 20000 + "x" + "*" * 20000, "x.md", today=TODAY
    )
    assert [p.code for p in rb.problems if p.code == "RB109"] == ["RB109"]
    assert rb.title == "Deep" and "Before" in [s.title for s in rb.sections]


def test_stale_limit_is_configurable():
    md = GOOD.replace("2026-11-01", "2026-09-01")
    assert "RB203" not in codes(md)
    assert "RB203" in codes(md, stale_days=30)


def test_missing_escalation_reported_even_with_contacts():
    md = GOOD.replace("## Escalation\n", "## Contacts\n")
    got = codes(md)
    assert "RB205" in got and "RB206" not in got


def test_lint_folder_links_and_anchors(tmp_path):
    (tmp_path / "a.md").write_text(
        "# A\n\n**Owner:** x\n\n[b](b.md#real-heading) [bad](b.md#nope) [gone](c.md)\n"
    )
    (tmp_path / "b.md").write_text("# B\n\n## Real Heading\n\n**Owner:** y\n")
    found = lint_paths([str(tmp_path)], today=TODAY)
    by_code = {(f.path.rsplit("/", 1)[-1], f.code) for f in found}
    assert ("a.md", "RB211") in by_code
    assert ("a.md", "RB210") in by_code
    bad_anchor = next(f for f in found if f.code == "RB211")
    assert "b.md#nope" in bad_anchor.message and bad_anchor.line == 5
    assert not any(f.code in ("RB210", "RB211") and f.path.endswith("b.md") for f in found)
