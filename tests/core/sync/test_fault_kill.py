"""Fault injection: 50 random SIGKILLs of `rbdesk sync`, never a half-updated library."""

from __future__ import annotations

import os

import pytest

from .faultkill import run_kill_cycles


@pytest.mark.slow
def test_sigkill_at_random_moments_never_mixes_snapshots(tmp_path, repo_root, monkeypatch):
    monkeypatch.delenv("RBDESK_DATA_DIR", raising=False)
    seed = int(os.environ.get("RBDESK_FAULT_SEED", "4"))
    stats = run_kill_cycles(tmp_path, repo_root, cycles=50, seed=seed)
    assert stats.kills == 50
    # Kills landed both before and after the pointer swap.
    assert stats.saw_old > 0 and stats.saw_new > 0, stats
