"""The parser on one small document per house style, and on each quirk."""

import datetime as dt
import json
import textwrap
from pathlib import Path

from rbdesk.core.runbook.parser import parse_bytes, parse_file, parse_text

TODAY = dt.date(2026, 11, 26)
FIXTURES = Path(__file__).parent / "fixtures" / "house-styles"


def fixture(name: str) -> str:
    """One small runbook per house style, kept as a Markdown file (readable, diffable)."""
    return (FIXTURES / name).read_text(encoding="utf-8")


def parse(md: str, path: str = "runbook.md", **kw):
    return parse_text(textwrap.dedent(md), path, today=TODAY, **kw)


def codes(rb):
    return [p.code for p in rb.problems]


# --- house style 000: plain Markdown deploy runbook ------------------------------

PLAIN = fixture("000-plain-deploy.md")


def test_plain_style_fields():
    rb = parse(PLAIN)
    assert rb.title == "Deploy checkout-api"  # front matter beats the H1
    assert rb.meta["tags"] == ["deploy", "checkout"]
    assert rb.meta["owner"] == "Checkout Team"
    assert rb.meta["last_tested"] == "2026-10-01"
    assert [(s.number, s.title) for s in rb.steps] == [(1, "Verify Current State"), (2, "Roll Out")]
    assert all(s.section == "Steps" for s in rb.steps)
    assert [(c.text, c.checked, c.section) for c in rb.checklist] == [
        ("All tests passing on main", False, "Before Deploying"),
        ("Change approved", True, "Before Deploying"),
        ("Error rate < 0.1%", False, "Post-Deployment Checklist"),
    ]
    first, second = rb.commands
    assert first.kind == "shell" and first.lang == "bash"
    assert first.clean.startswith("kubectl get deploy")
    assert "registry/checkout" not in first.clean  # output line dropped
    assert first.placeholders == ("NAMESPACE",)  # [0] is not a placeholder
    assert second.placeholders == ("ecr-url", "tag", "NAMESPACE")
    assert rb.placeholders == ["NAMESPACE", "ecr-url", "tag"]
    assert [(lk.target, lk.kind) for lk in rb.links] == [
        ("rollback.md#rollback-steps", "runbook"),
        ("https://grafana.example.com/d/checkout", "external"),
        ("#steps", "anchor"),
    ]
    jane, sam = rb.contacts
    assert (jane.name, jane.role, jane.phone) == ("Jane Doe", "Manager", "+1 555 0100")
    assert (sam.name, sam.email, sam.chat) == (
        "Sam Lee",
        "sam@fernhill.example",
        "#checkout-oncall",
    )
    assert "RB301" not in codes(rb)  # the delete has a warning right above it
    assert "RB201" not in codes(rb) and "RB205" not in codes(rb)


# --- house style 001: RUN- register entry ------------------------------------------

REGISTER = fixture("001-register-entry.md")


def test_register_style_fields():
    rb = parse(REGISTER, "RUN-007.md")
    assert rb.title == "Orders DB Connection Pool Exhaustion"
    assert rb.meta["id"] == "RUN-007"
    assert rb.meta["category"] == "Incident"
    assert rb.meta["trigger"] == "MON-005 alert (connection pool >90%)"
    assert rb.meta["owner"] == "Backend Team"
    assert rb.meta["last_tested"] == "2026-01-15"
    assert [(s.number, s.title, s.section) for s in rb.steps] == [
        (1, "Verify Alert", "Procedure"),
        (2, "Kill Stuck Queries", "Procedure"),
    ]
    assert [c.kind for c in rb.commands] == ["sql", "sql"]
    assert rb.commands[1].placeholders == ("problematic_pid",)
    (lead,) = rb.contacts
    assert (lead.name, lead.chat, lead.role) == ("Database Team Lead", "@db-team", "")
    assert lead.when == "Issue persists >15 minutes"
    ids = [lk.target for lk in rb.links if lk.kind == "id"]
    assert ids == ["MON-005", "RUN-010", "DEP-001", "RISK-008"]  # not its own id
    assert "RB203" in codes(rb)  # tested 2026-01-15: over 180 days before TODAY
    assert "RB301" in codes(rb)  # pg_terminate_backend without a warning


# --- house style 002: runbook-<service>.md ------------------------------------------

SERVICE = fixture("002-service-runbook.md")


def test_service_style_fields():
    rb = parse(SERVICE, "runbook-redis-cache.md")
    assert rb.title == "Runbook: redis-cache"
    assert rb.meta["version"] == "2.1"
    assert rb.meta["last_updated"] == "2026-09-30"
    assert rb.meta["authors"] == ["Ana Ruiz", "Tom Becker"]
    assert rb.meta["service_owner"] == "Platform Team"
    assert rb.meta["criticality"] == "High"
    assert rb.meta["on_call"] == "platform-primary (PagerDuty)"
    assert rb.owner == "Platform Team"
    anchors = [s.anchor for s in rb.sections]
    assert anchors[:3] == ["runbook-redis-cache", "table-of-contents", "monitoring--alerts"]
    assert "monitoring--alerts-1" in anchors
    assert [(a.name, a.anchor) for a in rb.alerts] == [("RedisMemoryHigh", "monitoring--alerts")]
    people = [(c.name, c.role, c.phone, c.email, c.when) for c in rb.contacts]
    assert people == [
        ("On-call Engineer", "L1", "", "", "First response"),
        ("Ana Ruiz", "L2", "+1 555 0102", "", "After 15 min"),
        ("Tom Becker", "Service Owner", "", "tom@fernhill.example", ""),
    ]
    assert "RB211" not in codes(rb)  # both TOC anchors exist


# --- house style 003: runbook.md with yaml alert blocks --------------------------------

APP = fixture("003-app-runbook.md")


def test_app_style_yaml_alerts_and_matrix():
    rb = parse(APP, "apps/catalog-search/runbook.md")
    assert [(a.name, a.anchor, a.section) for a in rb.alerts] == [
        ("CatalogSearchErrors", "high-error-rate", "Alert Response"),
        ("CatalogIndexLag", "alert-response", "Alert Response"),
    ]
    assert [(c.name, c.role, c.when) for c in rb.contacts] == [
        ("On-call Engineer", "L1", "0 min"),
        ("Team Lead", "L2", "15 min"),
    ]
    assert rb.commands[0].kind == "config"


# --- house style 004: incident template --------------------------------------------------

INCIDENT = fixture("004-incident-template.md")


def test_incident_style_fields(tmp_path):
    (tmp_path / "incidents").mkdir()
    f = tmp_path / "incidents" / "redis.md"
    f.write_text(textwrap.dedent(INCIDENT))
    rb = parse_file(f, "incidents/redis.md", today=TODAY)
    assert rb.meta == {
        "severity": "High",
        "last_tested": "2026-08-14",
        "owner": "Platform Team",
        "response_time": "< 30 min",
    }
    assert [a.name for a in rb.alerts] == ["RedisMemoryHigh"]
    assert rb.alerts[0].section == "Symptoms"
    assert [(s.number, s.title) for s in rb.steps] == [(1, "Check memory"), (2, "Evict")]
    assert [(c.name, c.role, c.phone) for c in rb.contacts] == [
        ("Ana Ruiz", "Primary", "+1 555 0102")
    ]
    assert rb.placeholders == ["redis-host"]
    broken = [p for p in rb.problems if p.code == "RB210"]
    assert len(broken) == 1 and "../oncall/escalation.md" in broken[0].message
    assert broken[0].severity == "error"
    assert "RB301" in codes(rb)  # FLUSHALL with no warning
    (tmp_path / "oncall").mkdir()
    (tmp_path / "oncall" / "escalation.md").write_text("# Escalation\n")
    assert "RB210" not in codes(parse_file(f, "incidents/redis.md", today=TODAY))


# --- titles --------------------------------------------------------------------------------


def test_title_precedence():
    assert parse("# H1\n", "x.md").title == "H1"
    assert parse("---\ntitle: FM\n---\n# H1\n", "x.md").title == "FM"
    assert parse("RUN-003: Hotfix\nOwner: x\n", "x.md").title == "Hotfix"
    assert parse("no headings at all\n", "KubePodCrashLooping.md").title == "KubePodCrashLooping"
    assert parse("plain\n", "ops/redis-memory-pressure.md").title == "Redis memory pressure"
    assert parse("", "runbooks/etcd/_index.md").title == "Etcd"


def test_file_without_headings_keeps_its_body():
    rb = parse("Just a paragraph about restarting nginx.\n", "notes.md")
    assert rb.title == "Notes"
    assert "restarting nginx" in rb.body


def test_alert_named_file():
    rb = parse("# KubePodCrashLooping\n\n## Meaning\n", "KubePodCrashLooping.md")
    assert [a.name for a in rb.alerts] == ["KubePodCrashLooping"]


# --- quirks --------------------------------------------------------------------------------


def test_fence_closed_with_info_string_does_not_swallow_the_file():
    md = "# T\n\n```bash\nls\n```text\n\n## After\n\nStill prose.\n"
    rb = parse(md)
    assert [s.title for s in rb.sections] == ["T", "After"]
    assert len(rb.commands) == 1 and rb.commands[0].text == "ls"
    assert "RB102" in codes(rb)


def test_crlf_bom_and_non_utf8_bytes():
    data = "\ufeff# Café\r\n\r\n**Owner:** Ops\r\n".encode()
    rb = parse_bytes(data, "x.md", today=TODAY)
    assert rb.title == "Café" and rb.meta["owner"] == "Ops"
    rb2 = parse_bytes("# Caf\u00e9\n".encode("latin-1"), "x.md", today=TODAY)
    assert rb2.title == "Café"
    assert "RB101" in codes(rb2)


def test_binary_file_gets_a_title_and_a_problem():
    rb = parse_bytes(b"\x00\x01\x02binary", "image.md")
    assert rb.title == "Image"
    assert codes(rb) == ["RB104"]


def test_refused_front_matter_still_parses_the_rest():
    md = "---\na: &x 1\nb: *x\n---\n# Title\n\n**Owner:** Ops\n"
    rb = parse(md)
    assert rb.title == "Title" and rb.meta == {"owner": "Ops"}
    assert "RB106" in codes(rb)
    rb2 = parse("---\n- just\n- a list\n---\n# T\n")
    assert "RB106" in codes(rb2) and rb2.title == "T"


def test_toml_front_matter():
    rb = parse('+++\ntitle = "From TOML"\nowner = "SRE"\n+++\n\nBody\n')
    assert rb.title == "From TOML" and rb.meta["owner"] == "SRE"


def test_header_template_placeholders_are_reported_not_kept():
    rb = parse("# T\n\n**Owner:** [Team/Person]\n**Last Tested:** YYYY-MM-DD\n")
    assert "owner" not in rb.meta and "last_tested" not in rb.meta
    assert codes(rb).count("RB207") == 2


def test_ordered_list_steps_only_under_procedure_headings():
    md = "# T\n\n## Rollback Procedure\n\n1. Identify the bad release\n2. **Undo** it\n\n## Notes\n\n1. Not a step\n"
    rb = parse(md)
    assert [(s.number, s.title) for s in rb.steps] == [
        (1, "Identify the bad release"),
        (2, "Undo it"),
    ]


def test_hidden_characters_in_commands_are_reported():
    rb = parse("# T\n\n```bash\nls \u202e-la\n```\n")
    (p,) = [p for p in rb.problems if p.code == "RB302"]
    assert p.line == 4 and "RIGHT-TO-LEFT OVERRIDE" in p.message


def test_to_dict_contract_is_json_serialisable():
    d = parse(PLAIN).to_dict()
    assert isinstance(d["title"], str) and isinstance(d["meta"], dict)
    assert all(isinstance(p, str) for p in d["placeholders"])
    for key in (
        "sections",
        "steps",
        "commands",
        "checklist",
        "contacts",
        "alerts",
        "links",
        "problems",
    ):
        assert isinstance(d[key], list) and all(isinstance(x, dict) for x in d[key])
    assert set(d["commands"][0]) == {
        "lang",
        "kind",
        "text",
        "clean",
        "section",
        "line",
        "placeholders",
    }
    json.dumps(d)


def test_explicit_heading_ids_mkdocs_and_hugo():
    md = "# T\n\n## Disk Full {#disk}\n\n## Restart {: #restart .important}\n\n[a](#disk) [b](#restart)\n"
    rb = parse(md)
    assert [(s.title, s.anchor) for s in rb.sections[1:]] == [
        ("Disk Full", "disk"),
        ("Restart", "restart"),
    ]
    assert "RB211" not in codes(rb)


def test_renderer_uses_the_same_explicit_ids():
    from rbdesk.core.runbook.markdown import markdown_parser

    html = markdown_parser(tasklists=False).render("## Disk Full {#disk}\n")
    assert 'id="disk"' in html and "{#disk}" not in html
