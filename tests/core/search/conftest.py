"""Fixtures for search tests: a small folder library behind the Library API."""

from __future__ import annotations

from pathlib import Path

import pytest

from rbdesk.core.library.roots import LibraryRoot, RunbookFile, iter_runbook_files
from rbdesk.core.search import SearchService


class FolderLibrary:
    """What SearchService needs from Library, over folders we control."""

    def __init__(self, data_dir: Path, roots: list[LibraryRoot]) -> None:
        self.data_dir = data_dir
        self.current = roots

    def roots(self) -> list[LibraryRoot]:
        return list(self.current)

    def files(self, source: str | None = None):
        for r in self.current:
            if source and r.name != source:
                continue
            for rel, p in iter_runbook_files(r.root):
                yield RunbookFile(r.name, rel, p)

    def load(self, file: RunbookFile):
        from rbdesk.core.runbook.parser import parse_file

        return parse_file(file.path, relpath=file.relpath)


RUNBOOKS = {
    "db/PostgresReplicationLag.md": """---
title: Postgres replication lag
owner: storage-team
severity: critical
tags: [postgres, database]
---

# PostgresReplicationLag

## Symptoms

Replica falls behind the primary; queries on the replica return stale rows.

## Diagnosis

```bash
psql -h replica-db -c 'select now() - pg_last_xact_replay_timestamp();'
```

## Mitigation

Restart the WAL receiver on the replica.
""",
    "k8s/KubePodCrashLooping.md": """# KubePodCrashLooping

## Meaning

Pod is in CrashLoop: the container keeps restarting.

## Diagnosis

Run `kubectl get pods --all-namespaces` and read the logs.

## Mitigation

Fix the configmap and roll out again.
""",
    "etcd/etcd_mvcc_db_total_size.md": """# Etcd database too big

## Meaning

The metric etcd_mvcc_db_total_size_in_bytes is above its quota.

## Other

Logs should contain something like `etcdserver: no leader`.
""",
    "net/dns-failures.md": """# DNS resolution failures

Nothing resolves: pods cannot reach the upstream resolvers.

## Checks

Look at coredns logs for SERVFAIL answers.
""",
}


def write_tree(root: Path, files: dict[str, str]) -> Path:
    for rel, text in files.items():
        p = root / rel
        p.parent.mkdir(parents=True, exist_ok=True)
        p.write_text(text, "utf-8")
    return root


@pytest.fixture()
def folder_root(tmp_path) -> LibraryRoot:
    root = write_tree(tmp_path / "runbooks", RUNBOOKS)
    return LibraryRoot(name="team", root=root, kind="folder")


@pytest.fixture()
def service(tmp_path, folder_root) -> SearchService:
    svc = SearchService(FolderLibrary(tmp_path / "data", [folder_root]))
    yield svc
    svc.close()
