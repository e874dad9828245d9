"""SIGKILL `rbdesk sync` at random moments and check that readers never see a mix.

Shared by the test suite (50 kills) and tests/bench/bench_sync.py (200+ kills).
"""

from __future__ import annotations

import os
import random
import signal
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

from rbdesk.core.sync import SyncManager

from .gitfixtures import Repo, tree_files


def file_set(variant: int, n: int = 40) -> dict[str, str]:
    """Two clearly different trees: shared names with other content, and own files."""
    files = {f"shared/{i:03d}.md": f"# shared {i} variant {variant}\n" * 20 for i in range(n)}
    files.update({f"only{variant}/{i:03d}.md": f"# only {variant} {i}\n" for i in range(n // 2)})
    return files


@dataclass
class KillStats:
    kills: int = 0
    saw_old: int = 0
    saw_new: int = 0
    durations: list[float] = field(default_factory=list)


def check_consistent(data_dir: Path, expected: dict[str, dict[str, bytes]]) -> str:
    """The current snapshot's tree equals exactly its commit's files; returns the commit."""
    manager = SyncManager(data_dir)
    (root,) = manager.current_roots()
    assert root.commit in expected, f"pointer names an unknown commit {root.commit}"
    got = tree_files(root.root)
    assert got == expected[root.commit], f"snapshot {root.commit[:7]} is not that commit's tree"
    (status,) = manager.status()
    assert status.commit == root.commit and status.runbooks == len(expected[root.commit])
    return root.commit


def run_kill_cycles(tmp: Path, repo_root: Path, cycles: int, seed: int) -> KillStats:
    rng = random.Random(seed)
    data_dir = tmp / "data"
    repo = Repo(tmp / "src")
    expected: dict[str, dict[str, bytes]] = {}

    def commit(variant: int, i: int) -> str:
        files = file_set(variant)
        c = repo.set_files(files, f"variant {variant} #{i}")
        expected[c] = {k: v.encode() for k, v in files.items()}
        return c

    manager = SyncManager(data_dir)
    manager.add_source("ops", repo.url)
    commit(0, 0)
    assert manager.sync()[0].ok
    env = {**os.environ, "PYTHONPATH": str(repo_root), "RBDESK_DATA_DIR": str(data_dir)}
    argv = [sys.executable, "-m", "rbdesk", "sync", "ops"]
    # Calibrate: how long a full sync takes in a subprocess here.
    commit(1, -1)
    t0 = time.monotonic()
    subprocess.run(argv, env=env, check=True, capture_output=True)
    full = time.monotonic() - t0
    stats = KillStats()
    for i in range(cycles):
        old = check_consistent(data_dir, expected)
        new = commit(i % 2, i)
        proc = subprocess.Popen(argv, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        delay = rng.uniform(0.0, full * 1.1)
        time.sleep(delay)
        proc.send_signal(signal.SIGKILL)
        proc.wait()
        stats.kills += 1
        seen = check_consistent(data_dir, expected)
        assert seen in (old, new), "a kill published neither the old nor the new commit"
        stats.saw_new += seen == new
        stats.saw_old += seen == old
        t1 = time.monotonic()
        outcome = SyncManager(data_dir).sync("ops")[0]
        stats.durations.append(time.monotonic() - t1)
        assert outcome.ok, f"sync after kill #{i} failed: {outcome.message}"
        assert check_consistent(data_dir, expected) == new
    return stats
