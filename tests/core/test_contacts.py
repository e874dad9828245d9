"""Contacts from list items and tables: each field holds only its own value."""

import pytest

from rbdesk.core.runbook.contacts import (
    contact_from_text,
    contacts_from_table,
    is_contact_table,
    split_label,
)
from rbdesk.core.runbook.model import Contact


@pytest.mark.parametrize(
    ("text", "label", "want"),
    [
        (
            "Jane Doe - +1 555 0100",
            "Manager",
            Contact("Jane Doe", role="Manager", phone="+1 555 0100", section="S"),
        ),
        (
            "Platform Team Lead (Slack: #platform-oncall)",
            "Who to contact",
            Contact("Platform Team Lead", chat="#platform-oncall", section="S"),
        ),
        (
            "DBA on call, dba-oncall@example.com, @dba-bot",
            "",
            Contact("DBA on call", email="dba-oncall@example.com", chat="@dba-bot", section="S"),
        ),
        (
            "Security (phone: +44 20 7946 0958)",
            "After 30 min",
            Contact("Security", when="After 30 min", phone="+44 20 7946 0958", section="S"),
        ),
    ],
)
def test_contact_from_list_item(text, label, want):
    assert contact_from_text(text, label, "S") == want


@pytest.mark.parametrize(
    ("text", "label"),
    [
        ("page the on-call engineer if the error rate stays high", ""),  # prose, no detail
        ("[Team/Person] - [phone]", "Owner"),  # a template nobody filled
        ("the dashboard shows red", "When"),  # a condition, not a person
        ("run the failover script", "How"),  # an instruction
    ],
)
def test_not_a_contact(text, label):
    assert contact_from_text(text, label, "S") is None


def test_a_date_is_not_a_phone_number():
    c = contact_from_text("Jane Doe, reviewed 2026-11-01, #sre", "Owner", "S")
    assert c is not None and c.phone == "" and c.chat == "#sre"


def test_split_label():
    assert split_label("Primary: Jane Doe", "Primary:") == ("Primary", "Jane Doe")
    assert split_label("Secondary: John Roe +1 555 0101", None) == (
        "Secondary",
        "John Roe +1 555 0101",
    )
    # a sentence with a colon late in it is not a label
    text = "If this keeps failing for more than ten minutes: call"
    assert split_label(text, None) == ("", text)


def test_contact_tables():
    headers = ["Level", "Name", "Phone", "When"]
    rows = [
        ["L1", "Jane Doe", "+1 555 0100", "0 min"],
        ["L2", "[Name]", "[phone]", "15 min"],  # template row: skipped
        ["L3", "Security <sec@example.com>", "", "30 min"],
    ]
    assert is_contact_table(["Name", "Phone"]) and not is_contact_table(["Step", "Command"])
    got = contacts_from_table(headers, rows, "Escalation")
    assert [(c.role, c.phone, c.when) for c in got] == [
        ("L1", "+1 555 0100", "0 min"),
        ("L3", "", "30 min"),
    ]
    assert got[0].name == "Jane Doe" and got[0].section == "Escalation"
    assert got[1].email == "sec@example.com" and got[1].name.startswith("Security")
    assert "@" not in got[1].name


def test_level_column_holds_the_name():
    got = contacts_from_table(["Level", "Contact"], [["L2 - Team Lead", "#team-lead"]], "E")
    assert [(c.role, c.name, c.chat) for c in got] == [("L2", "Team Lead", "#team-lead")]


# Lines as they stand in real runbook repositories (GitLab's on-call checklist and
# README, openshift's ODF escalation page): prose in an on-call section, not people.
REAL_PROSE = """# EOC

## Going on call

- *Change Slack Icon*: Click name. Click `Set status`. Click grey smile face.
- *Join alert slack channels if not already a member*:
  - `#production`
  - `#alerts`
- *Turn off slack channel notifications*: Open notification preferences in monitored Slack channels from the previous checklist and return alerts to the desired values.
- *Leave noisy alert channels*: `/leave` alert channels (It's good to stay in `#alerts` and `#alerts-general`)
- watch the [#alerts][a] and [#feed_alerts-general][b] channels for alert notifications; each alert here should point you to the right runbook.

## Escalation contacts

* Open a google chat thread in ODF Managed Services Escalation
  * @hey odf-cae-team I need engineering assistance with \\<RHOSDFP ticket you created>
- **Primary:** Alice Example - +1 555 0100
- **L2:** Database on-call (Slack: #dba-oncall)

[a]: https://example.com/a
[b]: https://example.com/b
"""


def test_prose_in_an_on_call_section_is_never_a_contact():
    from rbdesk.core.runbook.parser import parse_text

    rb = parse_text(REAL_PROSE, "eoc.md")
    names = [c.name for c in rb.contacts]
    assert names == ["#production", "#alerts", "Alice Example", "Database on-call"]
    assert rb.contacts[2].phone == "+1 555 0100" and rb.contacts[3].chat == "#dba-oncall"


@pytest.mark.parametrize(
    "name",
    [
        "Click name. Click Set status.",
        "watch the",
        "leave alert channels",
        "send an email to the group.",
        "defaults to false if not present",
        "odf-cae-team I need engineering assistance with <ticket>",
        "Automation merges the PR:",
    ],
)
def test_sentences_are_not_names(name):
    from rbdesk.core.runbook.contacts import is_sentence

    assert is_sentence(name)


@pytest.mark.parametrize(
    "name",
    ["Alice Example", "DBA on call", "On-call Engineer of the owning team", "#alerts", "Acme Inc."],
)
def test_names_roles_and_channels_are_not_sentences(name):
    from rbdesk.core.runbook.contacts import is_sentence

    assert not is_sentence(name)
