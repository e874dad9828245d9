"""Sync benchmark (run by hand): python -m tests.bench.bench_sync [--kills N] [--big-mb MB]

Measures, in one run and against baselines measured in the same run:
1. first sync of a generated 10,000-file repository vs a plain `git clone` (target <= 1.5x);
2. a no-change re-sync (target < 1 s), in-process and as `rbdesk sync` CLI process;
3. `--subdir` partial clone (blob:none, shallow, folder blobs only) of a repository with
   ~200 MB of unrelated files vs a full clone: bytes received and time;
4. SIGKILL fault injection: 200+ random kills of `rbdesk sync`.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from rbdesk.core.sync import SyncManager
from rbdesk.core.sync.git import received_size
from tests.core.sync.faultkill import run_kill_cycles
from tests.core.sync.gitfixtures import Repo, git

REPO_ROOT = Path(__file__).resolve().parents[2]


def du(path: Path) -> int:
    return sum(p.stat().st_size for p in path.rglob("*") if p.is_file() and not p.is_symlink())


def mb(n: int) -> str:
    return f"{n / 1e6:.1f} MB"


def timed(fn) -> float:
    t0 = time.perf_counter()
    fn()
    return time.perf_counter() - t0


def make_10k_repo(path: Path) -> Repo:
    repo = Repo(path)
    for i in range(10_000):
        p = path / f"team{i % 40:02d}" / f"svc{i % 250:03d}" / f"runbook-{i:05d}.md"
        p.parent.mkdir(parents=True, exist_ok=True)
        body = "".join(f"- step {j}: run `kubectl get pods -n ns{i}-{j}`\n" for j in range(20))
        p.write_text(f"# Runbook {i}\n\nOwner: team{i % 40}\n\n## Steps\n\n{body}")
    git(path, "add", "-A")
    git(path, "commit", "-q", "-m", "10k runbooks")
    return repo


def clone_baseline(url: str, dest: Path) -> tuple[float, str | None]:
    t0 = time.perf_counter()
    done = subprocess.run(
        ["git", "clone", "--progress", "--", url, str(dest)],
        capture_output=True,
        text=True,
        check=True,
    )
    return time.perf_counter() - t0, received_size(done.stderr)


def bench_first_sync(tmp: Path) -> None:
    print("== 10,000-file repository ==")
    t0 = time.perf_counter()
    repo = make_10k_repo(tmp / "big")
    print(f"generated in {time.perf_counter() - t0:.1f} s")
    clones, syncs, resyncs = [], [], []
    for run in range(3):
        clones.append(clone_baseline(repo.url, tmp / f"clone{run}")[0])
        manager = SyncManager(tmp / f"data{run}")
        manager.add_source("ops", repo.url)
        syncs.append(timed(lambda m=manager: _ok(m.sync())))
        resyncs.append(timed(lambda m=manager: _ok(m.sync())))
    clone, first = statistics.median(clones), statistics.median(syncs)
    print(f"git clone (file://)      median {clone:.2f} s   runs {_fmt(clones)}")
    print(f"rbdesk first sync        median {first:.2f} s   runs {_fmt(syncs)}")
    print(f"ratio first sync / clone {first / clone:.2f}x   (target <= 1.5x)")
    print(f"no-change re-sync        median {statistics.median(resyncs):.3f} s   (target < 1 s)")
    env = {**os.environ, "PYTHONPATH": str(REPO_ROOT), "RBDESK_DATA_DIR": str(tmp / "data0")}
    cli = [
        timed(
            lambda: subprocess.run(
                [sys.executable, "-m", "rbdesk", "sync"], env=env, check=True, capture_output=True
            )
        )
        for _ in range(3)
    ]
    print(f"no-change `rbdesk sync` process, median {statistics.median(cli):.3f} s")


def bench_subdir(tmp: Path, big_mb: int) -> None:
    print(f"== --subdir on a repository with ~{big_mb} MB of unrelated files ==")
    repo = Repo(tmp / "mono")
    t0 = time.perf_counter()
    for i in range(big_mb):
        p = repo.path / "assets" / f"blob{i:04d}.bin"
        p.parent.mkdir(parents=True, exist_ok=True)
        p.write_bytes(os.urandom(1_000_000))
    for i in range(200):
        p = repo.path / "docs" / "runbooks" / f"rb{i:03d}.md"
        p.parent.mkdir(parents=True, exist_ok=True)
        p.write_text(f"# Runbook {i}\n\nstep one\n" * 5)
    git(repo.path, "add", "-A")
    git(repo.path, "commit", "-q", "-m", "monorepo")
    print(f"generated in {time.perf_counter() - t0:.1f} s")
    full_time, full_bytes = clone_baseline(repo.url, tmp / "full")
    full_disk = du(tmp / "full" / ".git")
    events = []
    manager = SyncManager(tmp / "subdata")
    manager.add_source("docs", repo.url, subdir="docs/runbooks")
    sub_time = timed(lambda: _ok(manager.sync(progress=events.append)))
    received = [received_size(e.message) for e in events if e.phase == "receiving objects"]
    sub_disk = du(tmp / "subdata" / "sources" / "docs" / "mirror.git")
    runbooks = manager.status()[0].runbooks
    print(
        f"full git clone   {full_time:6.2f} s  received {full_bytes}  .git on disk {mb(full_disk)}"
    )
    print(
        f"rbdesk --subdir  {sub_time:6.2f} s  received {[r for r in received if r][-2:]}"
        f"  mirror on disk {mb(sub_disk)}  ({runbooks} runbooks)"
    )
    print(f"ratio time {sub_time / full_time:.3f}x   bytes on disk {sub_disk / full_disk:.4f}x")


def _ok(outcomes) -> None:
    bad = [o for o in outcomes if not o.ok]
    if bad:
        raise SystemExit(f"sync failed: {bad}")


def _fmt(values: list[float]) -> str:
    return ", ".join(f"{v:.2f}" for v in values)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--kills", type=int, default=200)
    ap.add_argument("--big-mb", type=int, default=200)
    ap.add_argument("--skip", nargs="*", default=[], choices=["first", "subdir", "kills"])
    args = ap.parse_args()
    with tempfile.TemporaryDirectory() as t:
        tmp = Path(t)
        if "first" not in args.skip:
            bench_first_sync(tmp)
        if "subdir" not in args.skip:
            bench_subdir(tmp, args.big_mb)
        if "kills" not in args.skip:
            print(f"== {args.kills} random SIGKILLs of `rbdesk sync` ==")
            t0 = time.perf_counter()
            stats = run_kill_cycles(tmp / "kills", REPO_ROOT, args.kills, seed=12345)
            print(
                f"{stats.kills} kills in {time.perf_counter() - t0:.1f} s: every read saw a "
                f"complete snapshot (old {stats.saw_old}, new {stats.saw_new}); every next "
                f"sync succeeded (median {statistics.median(stats.durations):.3f} s)"
            )


if __name__ == "__main__":
    main()
