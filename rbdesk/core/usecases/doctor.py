"""`rbdesk doctor`: checks of the installation and the library, each with a fix.

Pure checks (no Qt import in this process: the Qt check runs in a child
process, because a missing platform plugin aborts the process that tries it).
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
from dataclasses import asdict, dataclass
from pathlib import Path

from rbdesk.core import paths
from rbdesk.core.facade import Library
from rbdesk.core.sync.manager import UNREADABLE_PREFIX

OK, WARN, FAIL = "ok", "warning", "error"
MIN_GIT = (2, 25)
CREDENTIALS_IN_URL_GIT = (2, 37)


@dataclass(frozen=True, slots=True)
class Check:
    name: str
    status: str  # OK / WARN / FAIL
    detail: str
    fix: str = ""

    def to_dict(self) -> dict:
        return asdict(self)


def run_checks(lib: Library, *, check_qt: bool = True) -> list[Check]:
    checks = [check_python(), check_git(), check_data_dir(lib.data_dir), check_samples()]
    checks += check_sources(lib)
    checks += check_signers(lib)
    checks += check_indexes(lib)
    checks += check_history(lib)
    checks += check_collisions(lib)
    checks += check_docsites(lib)
    if check_qt:
        checks.append(check_qt_platform())
    return checks


def check_python() -> Check:
    v = sys.version_info
    ok = v >= (3, 11)
    return Check(
        "python",
        OK if ok else FAIL,
        f"Python {v.major}.{v.minor}.{v.micro}",
        "" if ok else "install Python 3.11 or newer",
    )


def _git_version() -> tuple[int, ...] | None:
    git = shutil.which("git")
    if not git:
        return None
    try:
        out = subprocess.run(
            [git, "--version"], capture_output=True, text=True, timeout=10, check=True
        ).stdout
    except (OSError, subprocess.SubprocessError):
        return None
    nums = out.split()[2].split(".") if len(out.split()) > 2 else []
    return tuple(int(n) for n in nums[:3] if n.isdigit()) or None


def check_git() -> Check:
    v = _git_version()
    if v is None:
        return Check(
            "git",
            FAIL,
            "git not found on PATH",
            "install git (apt install git / brew install git / git-scm.com); "
            "sync needs it, reading and search do not",
        )
    shown = ".".join(map(str, v))
    if v < MIN_GIT:
        return Check(
            "git",
            FAIL,
            f"git {shown} is too old (need {'.'.join(map(str, MIN_GIT))}+)",
            "upgrade git",
        )
    if v < CREDENTIALS_IN_URL_GIT:
        return Check(
            "git",
            WARN,
            f"git {shown}: no transfer.credentialsInUrl protection",
            "upgrade git to 2.37 or newer",
        )
    return Check("git", OK, f"git {shown} at {shutil.which('git')}")


def check_data_dir(data_dir: Path) -> Check:
    d = Path(data_dir)
    probe_parent = d if d.exists() else next((p for p in d.parents if p.exists()), d)
    if d.exists() and not d.is_dir():
        return Check(
            "data dir",
            FAIL,
            f"{d} exists and is not a folder",
            "move that file away or pass --data-dir",
        )
    if not os.access(probe_parent, os.W_OK):
        return Check(
            "data dir",
            FAIL,
            f"{d} is not writable",
            "fix its permissions or pass --data-dir / set RBDESK_DATA_DIR",
        )
    try:
        free = shutil.disk_usage(probe_parent).free
    except OSError:
        free = None
    if free is not None and free < 200 * 1024 * 1024:
        return Check(
            "data dir",
            WARN,
            f"{d}: only {free // (1024 * 1024)} MiB free",
            "free disk space: a sync needs room for one more snapshot",
        )
    if d.exists():
        try:
            with tempfile.NamedTemporaryFile(dir=d, prefix=".doctor-"):
                pass
        except OSError as exc:
            return Check(
                "data dir",
                FAIL,
                f"cannot write in {d}: {exc.strerror}",
                "fix its permissions or pass --data-dir",
            )
    state = "exists" if d.exists() else "will be created on first use"
    return Check("data dir", OK, f"{d} ({state})")


def check_samples() -> Check:
    n = sum(1 for _ in Path(paths.samples_dir()).rglob("*.md"))
    if n == 0:
        return Check(
            "samples",
            WARN,
            "the bundled sample library is missing",
            "reinstall rbdesk (pip install --force-reinstall rbdesk)",
        )
    return Check("samples", OK, f"{n} bundled sample runbooks at {paths.samples_dir()}")


def check_sources(lib: Library) -> list[Check]:
    try:
        statuses = lib.sync.status()
    except Exception as exc:  # a broken config must not stop the doctor
        return [
            Check(
                "sources",
                FAIL,
                f"cannot read the sources: {exc}",
                "look at the config file in the data dir, or re-add the sources",
            )
        ]
    if not statuses:
        return [
            Check(
                "sources",
                OK,
                "no source configured: the bundled samples are shown",
                "add your team's repository: rbdesk source add NAME URL",
            )
        ]
    out = []
    for s in statuses:
        name = f"source {s.name}"
        for problem in s.problems:
            in_files = problem.startswith(("skipped ", UNREADABLE_PREFIX))
            hint = (
                "the sync published the rest: fix the named files in the repository "
                "(rbdesk lint on them says why)"
                if in_files
                else f"run: rbdesk sync {s.name} (a bad state file is kept as *.corrupt-<time>)"
            )
            out.append(Check(name, WARN, problem, hint))
        if not s.commit:
            out.append(
                Check(
                    name,
                    WARN if not s.last_error else FAIL,
                    f"{s.url}: never synced" + (f" ({s.last_error})" if s.last_error else ""),
                    f"run: rbdesk sync {s.name}",
                )
            )
        elif s.last_error:
            out.append(
                Check(
                    name,
                    WARN,
                    f"{s.url}: last sync failed: {s.last_error}; showing commit {s.commit[:7]}",
                    _failure_hint(s.name, s.last_error_kind),
                )
            )
        elif s.stale:
            out.append(
                Check(
                    name,
                    WARN,
                    f"{s.url}: stale, last synced {s.synced_at}",
                    f"run: rbdesk sync {s.name}",
                )
            )
        else:
            out.append(
                Check(
                    name,
                    OK,
                    f"{s.url}: commit {s.commit[:7]}, {s.runbooks} runbooks, synced {s.synced_at}",
                )
            )
    return out


def check_signers(lib: Library) -> list[Check]:
    """Every source with a signer policy: its copies readable, parseable, keys present,
    the tools git needs installed, the user's original files unchanged."""
    from rbdesk.core.sync import signers, store

    try:
        sources = [s for s in lib.sync.sources() if s.verify]
    except Exception:  # a broken config is reported by check_sources
        return []
    out = []
    for source in sources:
        files = signers.SignerFiles.of(store.SourcePaths.of(lib.data_dir, source.name).base)
        for status, detail, fix in signers.check(files, source):
            out.append(Check(f"signers {source.name}", status, detail, fix))
    return out


_NETWORK_KINDS = frozenset({"network", "dns", "auth", "stalled", "connection_lost", "git"})


def _failure_hint(name: str, kind: str | None) -> str:
    """What to do about a failed sync: the network only when the network failed."""
    if kind is None or kind in _NETWORK_KINDS:
        return (
            f"check the network/VPN and credentials, then rbdesk sync {name} "
            "(see README: troubleshooting sync)"
        )
    if kind == "disk_full":
        return f"free some disk space, then rbdesk sync {name}"
    return f"run: rbdesk sync {name} (see README: troubleshooting sync)"


def check_indexes(lib: Library) -> list[Check]:
    from rbdesk.core.search.store import is_current, read_marker

    out = []
    for root in lib.roots():
        d = lib.search.index_dir_for(root)
        marker = read_marker(d)
        name = f"index {root.name}"
        if marker is None:
            out.append(
                Check(
                    name,
                    WARN,
                    "not built yet (built on the first search)",
                    f"run: rbdesk search --source {root.name} anything",
                )
            )
        elif not is_current(d):
            out.append(
                Check(
                    name,
                    WARN,
                    "made by another rbdesk version: rebuilt on next search",
                    f"run: rbdesk search --source {root.name} anything",
                )
            )
        else:
            out.append(Check(name, OK, f"{marker.get('documents', '?')} runbooks indexed in {d}"))
    return out


def check_history(lib: Library) -> list[Check]:
    """Per synced source: how far back `rbdesk changes --since` can go, and its disk use."""
    from rbdesk.core.sync import history

    out = []
    for root in lib.sync.current_roots() if lib.sync.has_sources() else []:
        u = history.usage(lib.sync.paths(root.name), root.kind, root.commit)
        back = f"{u.syncs} syncs kept, back to {u.oldest}" if u.syncs else "no sync recorded yet"
        mb = u.used / 1048576
        if root.kind != "folder":
            detail = f"{back}; read from the mirror ({mb:.1f} MB)"
            out.append(Check(f"history {root.name}", OK, detail))
            continue
        detail = f"{back}; older snapshots {mb:.1f} MB of {u.budget / 1048576:.0f} MB budget"
        if u.dropped:
            out.append(
                Check(
                    f"history {root.name}",
                    WARN,
                    f"{detail}; {u.dropped} older snapshots removed to stay within the budget",
                    f"raise ${history.ENV_BUDGET} (MB) to keep more",
                )
            )
        else:
            out.append(Check(f"history {root.name}", OK, detail))
    return out


def check_collisions(lib: Library, shown: int = 20) -> list[Check]:
    """Alert names and ids more than one source holds a runbook for: the first source in
    rank order opens (README: One precedence); one warning per name."""
    from rbdesk.core.usecases.refnames import collisions
    from rbdesk.core.usecases.refs import RefResolver

    try:
        found = collisions(RefResolver(lib, local_files=False))
    except Exception as exc:  # a broken library must not stop the doctor
        return [Check("collisions", WARN, f"cannot check: {exc}")]
    out = [
        Check(
            f"collision {kind} {name}",
            WARN,
            f"{kind} {name} is claimed by {len(held)} sources: {', '.join(held)}; "
            f"{held[0].split(':', 1)[0]} wins (its rank is higher)",
            "to let another source win: rbdesk source move NAME --before OTHER",
        )
        for kind, name, held in found[:shown]
    ]
    if len(found) > shown:
        out.append(Check("collisions", WARN, f"… and {len(found) - shown} more", ""))
    return out


def check_docsites(lib: Library) -> list[Check]:
    """Docs-site configs a snapshot declares but rbdesk ignored (over a size or depth cap)."""
    from rbdesk.core.library.docsite import docsite_problems

    out = []
    for root in lib.roots():
        for problem in docsite_problems(root):
            out.append(
                Check(
                    f"docs site {root.name}",
                    WARN,
                    f"config {problem}",
                    "fix the config in the repository; until then this source's site "
                    "URLs are not mapped to its files (other sources are not affected)",
                )
            )
    return out


_QT_PROBE = (
    "from PySide6.QtGui import QGuiApplication; import sys;"
    "app = QGuiApplication(sys.argv[:1]); print(app.platformName())"
)


def check_qt_platform() -> Check:
    env = dict(os.environ)
    no_display = paths.missing_display(env)
    if no_display:  # Qt's own failure here reads like missing libraries: it is not
        return Check(
            "qt",
            WARN,
            f"{no_display}: the app cannot open a window (the other commands work)",
            "run rbdesk from a desktop session (or ssh -X); rbdesk print needs no display",
        )
    try:
        r = subprocess.run(
            paths.child_python("-c", _QT_PROBE),
            capture_output=True,
            text=True,
            timeout=30,
            env=paths.child_env(),
            cwd=paths.CHILD_CWD,
        )
    except subprocess.TimeoutExpired:
        return Check("qt", FAIL, "starting Qt timed out", "see README: troubleshooting")
    if r.returncode == 0:
        platform = r.stdout.strip()
        if platform == "offscreen":
            return Check(
                "qt",
                WARN,
                "Qt runs offscreen (no display): the window will not show",
                "run rbdesk from a desktop session (DISPLAY or WAYLAND_DISPLAY set)",
            )
        return Check("qt", OK, f"Qt platform plugin '{platform}' works")
    err = (r.stderr or "").strip().splitlines()
    tail = next((ln for ln in reversed(err) if ln.strip()), "Qt failed to start")
    fix = (
        "on Debian/Ubuntu: sudo apt install libxcb-cursor0 libxcb-icccm4 libxcb-keysyms1 "
        "libxkbcommon-x11-0 libegl1; or run headless with QT_QPA_PLATFORM=offscreen"
    )
    if "No module named" in tail:
        fix = "reinstall rbdesk: pip install --force-reinstall rbdesk (PySide6 is missing)"
    return Check("qt", FAIL, f"Qt cannot start: {tail[:200]}", fix)


def summary_line(checks: list[Check]) -> str:
    """'32 checks, all fine' only when nothing failed or warned."""
    bad = sum(c.status == FAIL for c in checks)
    warned = sum(c.status == WARN for c in checks)
    parts = [f"{bad} failed"] if bad else []
    parts += [f"{warned} to look at"] if warned else []
    return f"{len(checks)} checks, {', '.join(parts) or 'all fine'}"
