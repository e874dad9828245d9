"""Search quality on the bundled sample library (runs on a fresh clone too)."""

from __future__ import annotations

import pytest

from rbdesk.core.facade import Library

QUERIES = [
    ("RedisMemoryHigh", "incidents/redis-memory-pressure.md"),
    ("redis memory pressure", "incidents/redis-memory-pressure.md"),
    ("redis evictions spike", "incidents/redis-memory-pressure.md"),
    ("RUN-007", "register/RUN-007-orders-db-connection-pool.md"),
    ("connection pool exhausted pgbouncer", "register/RUN-007-orders-db-connection-pool.md"),
    ("kafka consumer lag", "register/RUN-012-kafka-consumer-lag.md"),
    ("checkout latency p99", "alerts/CheckoutHighLatency.md"),
    ("deploy checkout-api", "deploy/checkout-api-deploy.md"),
    ("rollback checkout deploy", "deploy/checkout-api-deploy.md"),
    ("nginx 502 errors", "incidents/edge-nginx-5xx-spike.md"),
    ("edge 5xx spike", "incidents/edge-nginx-5xx-spike.md"),
    ("replication lag orders db", "alerts/OrdersDbReplicationLag.md"),
    ("vacuum orders database", "maintenance/orders-db-maintenance.md"),
    ("opensearch cluster red", "apps/catalog-search/runbook.md"),
    ("email queue backlog", "apps/email-notifier/runbook.md"),
    ("who do I page escalation", "oncall/escalation.md"),
    ("tls certificate renewal", "quirks/legacy-fence-quirk.md"),
    ("redis memmory presure", "incidents/redis-memory-pressure.md"),  # typos
    ('owner:"Search Team" opensearch', "apps/catalog-search/runbook.md"),
    ("tag:kafka queue backlog", "apps/email-notifier/runbook.md"),
    ("severity:high redis", "incidents/redis-memory-pressure.md"),
]


@pytest.fixture(scope="module")
def lib(tmp_path_factory):
    lib = Library(tmp_path_factory.mktemp("data"))
    yield lib
    lib.search.close()


@pytest.mark.parametrize(("query", "expected"), QUERIES)
def test_expected_sample_in_top_3(lib, query, expected):
    top = [h.path for h in lib.search.search(query, limit=3).hits]
    assert expected in top, f"{query!r} -> {top}"
