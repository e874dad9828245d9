"""Fixtures for GUI tests: a small library in a temp dir and a real main window."""

from __future__ import annotations

import base64
import gc
from pathlib import Path

import pytest

DISK_FULL = """# Disk full on web hosts

**Owner:** sre-team
**Severity:** High
**Last Tested:** 2020-01-02

## Step 1: Check the disk

```bash
$ ssh <HOST> df -h /var
```

## Step 2: Clean up

```bash
$ rm -rf /var/tmp/cache/*
```

```bash
echo safe\u202e; ls\u200b -la
```

```bash
$ systemctl restart nginx
```

If this doesn't work → Go to Step 1.

See [failover](db/postgres-failover.md#step-2-promote-the-replica), \
[prerequisites](#prerequisites) and [the vendor](https://status.example.com/).

## Prerequisites

- [ ] VPN connected
- [x] Access to prod

![zero](../../../../dev/zero) ![logo](img/logo.png)

Check pods with `kubectl get pods -n ${NAMESPACE}`.

## Contacts

- Primary: Alice Example - +1 555 0100
"""

FAILOVER_FILLER = "\n".join(f"Paragraph {i} about replication lag and WAL." for i in range(80))

FAILOVER = f"""---
id: RUN-007
owner: dba
---
# Postgres failover

## Step 1: Check replication

```sql
SELECT pg_is_in_recovery();
```

{FAILOVER_FILLER}

## Step 2: Promote the replica

```bash
$ pg_ctl promote -D /var/lib/postgresql/data
```

{FAILOVER_FILLER}
"""

# 1x1 PNG
PNG = base64.b64decode(
    "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg=="
)


def write_library(root: Path) -> Path:
    (root / "db").mkdir(parents=True)
    (root / "img").mkdir()
    (root / "disk-full.md").write_text(DISK_FULL, "utf-8")
    (root / "db" / "postgres-failover.md").write_text(FAILOVER, "utf-8")
    (root / "img" / "logo.png").write_bytes(PNG)
    return root


@pytest.fixture(autouse=True)
def collect_widgets_on_the_ui_thread(qapp):
    """Run the cyclic GC on the UI thread after each GUI test.

    Otherwise a worker thread of a later test may happen to run it and destroy
    a closed window's Qt objects off the UI thread (a crash in Qt).
    """
    yield
    from PySide6.QtCore import QEvent

    qapp.processEvents()
    qapp.sendPostedEvents(None, QEvent.Type.DeferredDelete.value)  # closed widgets' deleteLater
    gc.collect()


@pytest.fixture(autouse=True)
def no_unexpected_modal_questions(monkeypatch):
    """A modal question no test answered would wait forever offscreen: fail instead."""
    from rbdesk.ui import dialogs
    from rbdesk.ui import runs as runs_ui

    def unexpected(*_a, **_k):
        raise AssertionError("a test opened a modal question it did not answer")

    monkeypatch.setattr(dialogs, "ask_placeholders", unexpected)
    monkeypatch.setattr(runs_ui, "ask_initials", unexpected)


@pytest.fixture()
def library_dir(tmp_path, monkeypatch, data_dir) -> Path:
    """A tiny library served as the bundled samples (no source configured)."""
    root = write_library(tmp_path / "lib")
    monkeypatch.setattr("rbdesk.core.paths.samples_dir", lambda: root)
    return root


@pytest.fixture()
def lib(library_dir, data_dir):
    from rbdesk.core.facade import Library

    return Library(data_dir)


@pytest.fixture()
def window(qtbot, lib):
    from rbdesk.ui.app import create_app
    from rbdesk.ui.mainwindow import MainWindow

    create_app()
    win = MainWindow(lib)
    qtbot.addWidget(win)
    with qtbot.waitSignal(win.results_shown, timeout=10000):
        win.show()
    qtbot.waitUntil(lambda: win.searcher.ready, timeout=10000)  # the index is built
    yield win
    win.close()
