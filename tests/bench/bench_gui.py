"""GUI benchmark: start to first painted window with results, keystroke to results at
10,000 generated runbooks, and the longest UI-thread stall during a sync + search session.

Run by hand:  python tests/bench/bench_gui.py [N]   (offscreen; N defaults to 10000)
Targets (issue 6): <= 1 s, <= 100 ms, <= 100 ms. A baseline from the same run is printed
for scale: one plain QLabel window painted, and an event-loop round trip.
"""

from __future__ import annotations

import os
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

T_PROCESS = time.perf_counter()

WORDS = (
    "disk latency replica kafka redis nginx checkout payments queue backlog timeout "
    "certificate dns memory cpu throttling failover rollback deploy cache eviction"
).split()


def generate(root: Path, n: int) -> None:
    rnd = random.Random(7)
    for i in range(n):
        d = root / f"team{i % 40}"
        d.mkdir(parents=True, exist_ok=True)
        words = rnd.sample(WORDS, 4)
        body = "\n".join(" ".join(rnd.choice(WORDS) for _ in range(14)) for _ in range(40))
        (d / f"rb-{i:05d}-{words[0]}.md").write_text(
            f"# {words[0].title()} {words[1]} runbook {i}\n\n**Owner:** team{i % 40}\n"
            f"**Last Tested:** 2025-0{1 + i % 9}-1{i % 9}\n\n## Step 1: Check {words[2]}\n\n"
            f"```bash\n$ kubectl -n <NAMESPACE> get pods -l app={words[3]}\n```\n\n{body}\n",
            "utf-8",
        )


class Heartbeat:
    """A 5 ms QTimer; the longest gap between ticks is the longest UI stall."""

    def __init__(self) -> None:
        from PySide6.QtCore import QTimer

        self.last = time.perf_counter()
        self.gaps: list[float] = []
        self.timer = QTimer()
        self.timer.setInterval(5)
        self.timer.timeout.connect(self.tick)

    def start(self) -> None:
        self.last = time.perf_counter()
        self.timer.start()

    def tick(self) -> None:
        now = time.perf_counter()
        self.gaps.append(now - self.last)
        self.last = now


def wait_for(signal, timeout_ms: int = 60000) -> float:
    from PySide6.QtCore import QEventLoop, QTimer

    t0 = time.perf_counter()
    loop = QEventLoop()
    signal.connect(loop.quit)
    QTimer.singleShot(timeout_ms, loop.quit)
    loop.exec()
    signal.disconnect(loop.quit)
    return time.perf_counter() - t0


def main() -> None:
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 10000
    from unittest import mock

    from rbdesk.core import paths
    from rbdesk.core.library import Library
    from rbdesk.ui.app import create_app

    app = create_app()
    from PySide6.QtWidgets import QLabel

    # Baseline: a plain window painted.
    t0 = time.perf_counter()
    lbl = QLabel("baseline")
    lbl.show()
    lbl.grab()
    app.processEvents()
    baseline_paint = time.perf_counter() - t0
    lbl.close()

    # 1. start to first painted window with results (bundled samples).
    from rbdesk.ui.mainwindow import MainWindow

    t_start = time.perf_counter()
    win = MainWindow(Library(tempfile.mkdtemp()))
    win.show()
    wait_for(win.results_shown)
    win.grab()  # forces a paint of the whole window
    first = time.perf_counter() - t_start
    print(
        f"start→first painted window with results (samples, {win.results.count()} rows): "
        f"{first * 1000:.0f} ms in-process; {(time.perf_counter() - T_PROCESS) * 1000:.0f} ms "
        f"since interpreter start  (baseline plain window {baseline_paint * 1000:.0f} ms)"
    )
    win.close()

    # 2. keystroke to results at n runbooks.
    big = Path(tempfile.mkdtemp(prefix="rbdesk-bench-"))
    t0 = time.perf_counter()
    generate(big, n)
    print(f"generated {n} runbooks in {time.perf_counter() - t0:.1f} s")
    with mock.patch.object(paths, "samples_dir", lambda: big):
        lib = Library(tempfile.mkdtemp())
        win = MainWindow(lib)
        win.show()
        wait_for(win.results_shown)
        t0 = time.perf_counter()
        lib.search.search("warmup", 5)  # first search pays parsing / index opening
        print(f"first search (warm-up: parse or open index): {time.perf_counter() - t0:.1f} s")
        beat = Heartbeat()
        beat.start()
        latencies = []
        for query in ("fail", "failover", "kafka", "redis evic", "throttling"):
            win.search_box.clear()
            wait_for(win.results_shown)
            t0 = time.perf_counter()
            win.search_box.insert(query)  # a keystroke-sized change
            wait_for(win.results_shown)
            latencies.append(time.perf_counter() - t0)
        lat_ms = sorted(x * 1000 for x in latencies)
        print(
            f"keystroke→results at {n} runbooks: median {statistics.median(lat_ms):.0f} ms, "
            f"max {lat_ms[-1]:.0f} ms (includes {40} ms debounce)"
        )

        # 3. longest UI stall during sync + search.
        def fake_sync(name=None, progress=None):
            for i in range(20):
                progress(_progress(i / 20))
                for p in sorted(big.rglob("*.md"))[:200]:  # IO + CPU like a snapshot scan
                    p.stat()
            return []

        f0 = next(iter(lib.files()))
        beat.gaps.clear()
        with (
            mock.patch.object(lib.sync, "has_sources", lambda: True),
            mock.patch.object(lib.sync, "sync", fake_sync),
            mock.patch.object(lib.sync, "status", lambda: []),
        ):
            win.sync_now()
            for query in ("cache", "deploy roll", "dns"):
                win.search_box.setText(query)
                wait_for(win.results_shown)
            if win.syncing:
                wait_for(win.sync_finished)
            win.open_file(f0)
            wait_for(win.document_shown)
        stall = max(beat.gaps) * 1000
        print(
            f"longest UI-thread stall during sync + search + open: {stall:.0f} ms "
            f"(heartbeat 5 ms, {len(beat.gaps)} ticks)"
        )
        win.close()


def _progress(fraction: float):
    from rbdesk.core.sync import SyncProgress

    return SyncProgress("bench", "receiving objects", fraction)


if __name__ == "__main__":
    main()
