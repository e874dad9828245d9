"""Real-shaped runbook repositories for alert-link and paste tests (built, never copied)."""

from __future__ import annotations

from pathlib import Path

from rbdesk.core.facade import Library
from tests.core.sync.gitfixtures import Repo

CRASH_LOOPING = """---
title: Kube Pod Crash Looping
weight: 20
---

# KubePodCrashLooping

## Meaning

Pod is in CrashLoop.

## Diagnosis

Check the pod with `kubectl -n $NAMESPACE describe pod $POD`.

```shell
kubectl -n $NAMESPACE logs $POD -c $CONTAINER --previous
```

```shell
kubectl -n <namespace> get events --field-selector involvedObject.name={{pod}}
```

```shell
ssh <HOST> journalctl -u kubelet --since "-1h"
```
"""

TARGET_DOWN = """# TargetDown

## Meaning

A Prometheus target is down.

```shell
kubectl -n $NAMESPACE get endpoints
```
"""

HUGO_FILES: dict[str, str] = {
    "config.yaml": "baseURL: https://runbooks.example.dev/\nlanguageCode: en-us\n"
    "title: Runbooks\ntheme: geekdoc\n",
    "content/_index.md": "---\ntitle: Runbooks\n---\n\n# Runbooks\n",
    "content/runbooks/_index.md": "---\ntitle: Runbooks\n---\n",
    "content/runbooks/kubernetes/_index.md": "---\ntitle: kubernetes\n---\n",
    "content/runbooks/kubernetes/KubePodCrashLooping.md": CRASH_LOOPING,
    "content/runbooks/general/TargetDown.md": TARGET_DOWN,
    "README.md": "# The runbooks site\n",
    # renamed pages keep their old links working through Hugo front matter
    "content/runbooks/general/InfoInhibitor.md": "---\ntitle: Info Inhibitor\n"
    "aliases:\n  - /runbooks/general/info-inhibitor-old/\n  - legacy-inhibitor\n"
    "url: /inhibitor/\n---\n\n# InfoInhibitor\n",
    "content/runbooks/general/Watchdog.md": "+++\ntitle = 'Watchdog'\nslug = 'dead-mans-switch'\n"
    "+++\n\n# Watchdog\n",
}

MKDOCS_FILES: dict[str, str] = {
    "mkdocs.yml": "site_name: Ops runbooks\nsite_url: https://ops.example.org/handbook/\n"
    "docs_dir: pages\nuse_directory_urls: false\ntheme:\n  name: material\n"
    "markdown_extensions:\n  - pymdownx.emoji:\n"
    "      emoji_index: !!python/name:material.extensions.emoji.twemoji\n",
    "pages/index.md": "# Handbook\n",
    "pages/databases/Postgres-Replication-Lag.md": "# Postgres replication lag\n\n"
    "```shell\npsql -h <host> -c 'select 1'\n```\n",
    "pages/databases/index.md": "# Databases\n",
}


def synced_library(data_dir: Path, tmp_path: Path, sources: dict[str, dict[str, str]]) -> Library:
    """A Library whose sources are git repos holding files, synced once."""
    lib = Library(data_dir)
    for name, files in sources.items():
        repo = Repo(tmp_path / f"repo-{name}")
        repo.set_files(files, "runbooks")
        lib.sync.add_source(name, repo.url)
    outcomes = lib.sync.sync()
    assert all(o.ok for o in outcomes), [o.message for o in outcomes]
    return lib
