"""rbdesk sync [NAME]: fetch sources and publish new snapshots atomically."""

from __future__ import annotations

import shutil
import sys
import time

from rbdesk.cli.common import echo

HELP = "fetch the sources and switch to their new snapshots"


def configure(p) -> None:
    p.add_argument("name", nargs="?", help="only this source (default: all)")
    p.add_argument("--json", action="store_true", help="print JSON")
    p.add_argument(
        "--accept-rewind",
        action="store_true",
        help="with NAME: publish a tip older than the current commit of a source with "
        "allowed signers (a rollback, refused otherwise)",
    )


class ProgressBar:
    """A one-line progress bar on a terminal's stderr (throttled)."""

    WIDTH = 24

    def __init__(self, stream) -> None:
        self.stream = stream
        self._last = 0.0
        self._shown = False

    def __call__(self, event) -> None:
        now = time.monotonic()
        final = event.fraction == 1.0 or event.phase in ("done", "connecting")
        if not final and now - self._last < 0.1:
            return
        self._last = now
        if event.phase == "done":
            self.clear()
            return
        if event.fraction is None:
            bar = "." * self.WIDTH
            pct = "    "
        else:
            filled = round(event.fraction * self.WIDTH)
            bar = "#" * filled + "-" * (self.WIDTH - filled)
            pct = f"{event.fraction * 100:3.0f}%"
        text = f"{event.source}: {event.phase:<20.20} [{bar}] {pct}"
        if event.phase == "index" and event.message:
            # "indexed 4,000/9,990 runbooks", then "writing the index (12 s)": at
            # 100 % the workers still write for tens of seconds; say so
            text += f"  {event.message}"
        width = shutil.get_terminal_size((80, 24)).columns - 1  # one line, or \r breaks
        self.stream.write("\r" + text[:width] + "\x1b[K")
        self.stream.flush()
        self._shown = True

    def clear(self) -> None:
        if self._shown:
            self.stream.write("\r\x1b[K")
            self.stream.flush()
            self._shown = False


def run(args) -> int:
    from rbdesk.cli.common import library, print_json
    from rbdesk.core.errors import NotFoundError

    manager = library(args).sync
    if not manager.has_sources():
        raise NotFoundError(
            "no sources are configured: nothing to sync",
            hint="add one with `rbdesk source add NAME URL`",
        )
    bar = ProgressBar(sys.stderr) if sys.stderr.isatty() else None
    try:
        outcomes = manager.sync(args.name, progress=bar, accept_rewind=args.accept_rewind)
    finally:
        if bar is not None:
            bar.clear()
    if args.json:
        print_json({"results": [o.to_dict() for o in outcomes]})
    else:
        for o in outcomes:
            line = f"{o.source}: {o.message}"
            echo(line, file=sys.stdout if o.ok else sys.stderr)
    return 0 if all(o.ok for o in outcomes) else 1
