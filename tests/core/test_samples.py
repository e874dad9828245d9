"""The bundled sample library: one assertion set per house style, and lint."""

import datetime as dt

import pytest

from rbdesk.core.library.roots import iter_runbook_files
from rbdesk.core.runbook.parser import parse_file
from rbdesk.core.usecases.lint import lint_paths

TODAY = dt.date(2026, 11, 26)


@pytest.fixture(scope="module")
def samples(samples_dir):
    return {rel: parse_file(p, rel, today=TODAY) for rel, p in iter_runbook_files(samples_dir)}


def test_every_sample_parses_with_owner_and_title(samples):
    assert len(samples) >= 12
    for rel, rb in samples.items():
        assert rb.title and rb.owner, rel
        assert not [p for p in rb.problems if p.severity == "error"], rel


def test_lint_finds_exactly_the_planted_problems(samples_dir):
    found = {
        (f.path.split("sample-runbooks/")[-1], f.code)
        for f in lint_paths([str(samples_dir)], today=TODAY)
    }
    assert found == {
        ("apps/catalog-search/runbook.md", "RB301"),
        ("quirks/legacy-fence-quirk.md", "RB102"),
        ("register/RUN-012-kafka-consumer-lag.md", "RB203"),
    }


def test_register_style(samples):
    rb = samples["register/RUN-007-orders-db-connection-pool.md"]
    assert rb.title == "Orders DB Connection Pool Exhaustion"
    assert rb.meta["id"] == "RUN-007" and rb.meta["category"] == "Incident"
    assert {"MON-005", "DEP-001", "RISK-008", "RUN-012"} <= {
        lk.target for lk in rb.links if lk.kind == "id"
    }
    assert "RUN-007" not in {lk.target for lk in rb.links}
    (lead,) = rb.contacts
    assert (lead.name, lead.chat) == ("Platform Team Lead", "#platform-oncall")
    assert [s.number for s in rb.steps] == [1, 2, 3, 4, 5]
    assert {c.kind for c in rb.commands} >= {"sql", "shell"}


def test_service_style(samples):
    rb = samples["services/runbook-checkout-api.md"]
    assert rb.meta["last_updated"] == "2026-09-30"
    assert rb.meta["authors"] == ["Ana Ruiz", "Tom Becker"]
    assert "monitoring--alerts" in {s.anchor for s in rb.sections}
    assert rb.commands[0].kind == "diagram"
    assert "YOUR_TOKEN" in rb.placeholders
    assert any(c.email.endswith("@fernhill.example") for c in rb.contacts)
    assert len(rb.alerts) >= 3


def test_app_style(samples):
    rb = samples["apps/email-notifier/runbook.md"]
    names = {a.name: a.anchor for a in rb.alerts}
    anchors = {s.anchor for s in rb.sections}
    assert len(names) == 3 and all(a in anchors for a in names.values())
    assert [c.role for c in rb.contacts][:2] == ["L1", "L2"]
    ps = next(c for c in rb.commands if c.lang == "powershell")
    assert "PS>" in ps.text and "PS>" not in ps.clean
    assert any(c.kind == "diagram" for c in rb.commands)


def test_incident_style(samples):
    rb = samples["incidents/redis-memory-pressure.md"]
    assert rb.meta["severity"] == "High" and rb.meta["response_time"] == "< 30 min"
    assert [a.name for a in rb.alerts] == ["RedisMemoryHigh", "RedisEvictionsSpike"]
    assert rb.placeholders[0] == "redis-host"
    assert [c.role for c in rb.contacts][:2] == ["Primary", "Secondary"]
    assert any(lk.target.startswith("../oncall/escalation.md") for lk in rb.links)


def test_plain_style(samples):
    rb = samples["deploy/checkout-api-deploy.md"]
    assert rb.title == "Deploy checkout-api to prod-eu1"  # front matter beats the H1
    assert rb.placeholders[:3] == ["NAMESPACE", "ecr-url", "tag"]
    assert any(i.checked for i in rb.checklist) and any(not i.checked for i in rb.checklist)
    assert [s.number for s in rb.steps] == list(range(1, 8))


def test_quirks_file(samples):
    rb = samples["quirks/legacy-fence-quirk.md"]
    assert rb.title.startswith("Legacy:")
    assert [p.code for p in rb.problems] == ["RB102"]
    assert len(rb.sections) >= 3  # the fence did not swallow the rest
    assert all("\u00a0" not in c.clean and "\u201c" not in c.clean for c in rb.commands)


def test_alert_named_file_without_title(samples):
    rb = samples["alerts/OrdersDbReplicationLag.md"]
    assert rb.title == "OrdersDbReplicationLag"
    assert [a.name for a in rb.alerts] == ["OrdersDbReplicationLag"]
