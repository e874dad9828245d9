"""``rbdesk lint``: the quality checks over files and folders (or the synced library),
alert rules against runbooks, a repository's own configuration and baseline.

One lint run covers one or more *trees* (the folder given, or each synced
source): each has a repository root, its ``.rbdesk.toml`` (see
:mod:`lintconfig`), its owners (``CODEOWNERS`` / ``OWNERS``, see
:mod:`rbdesk.core.library.owners`) and the URLs rule links may use. Pages that
are not runbooks (:mod:`rbdesk.core.library.pagekind`) get the reading, link
and safety checks, not the runbook checklist (RB201–RB208).
"""

from __future__ import annotations

import datetime as _dt
import os
import sys
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from rbdesk.core.library.owners import OwnersLookup
from rbdesk.core.library.pagekind import is_runbook_page
from rbdesk.core.library.roots import iter_runbook_files
from rbdesk.core.runbook.checks import DEFAULT_STALE_DAYS
from rbdesk.core.runbook.parser import parse_file
from rbdesk.core.usecases.lintconfig import (
    LintConfig,
    apply_baseline,
    find_config,
    load_config,
    read_baseline,
    repository_root,
    suppressed,
    suppressions,
)
from rbdesk.core.usecases.lintfindings import LintFinding, finding

__all__ = ["LintFinding", "LintOptions", "LintReport", "lint_library", "lint_paths", "run_lint"]

SKIPPED_CODE = "RB110"
RUNBOOK_CHECKLIST = frozenset({f"RB20{i}" for i in range(1, 9)})  # RB201–RB208


@dataclass
class LintOptions:
    stale_days: int | None = None  # None: the config's, else 180
    today: _dt.date | None = None
    rules: list[str] = field(default_factory=list)  # --rules (else the config's)
    repo_urls: list[str] = field(default_factory=list)  # --repo-url
    config: Path | None = None  # --config (else found from the first path)
    use_config: bool = True
    baseline: Path | None = None
    jobs: int | None = None  # worker processes for parsing (None: one per core, 1: none)


@dataclass
class LintReport:
    findings: list[LintFinding] = field(default_factory=list)
    files: int = 0
    not_runbooks: int = 0  # pages linted without the runbook checklist
    rule_files: int = 0
    rules: int = 0
    baseline_held: int = 0
    configs: list[Path] = field(default_factory=list)
    config: LintConfig | None = None  # the first tree's (rules, baseline)

    @property
    def errors(self) -> int:
        return sum(1 for f in self.findings if f.severity == "error")


@dataclass
class _Tree:
    cfg: LintConfig
    files: Iterable[tuple[str, str, Path]]  # (shown, relpath in the repository, file)
    urls: list[str]
    subdir: str = ""
    skipped: list[LintFinding] = field(default_factory=list)


def iter_lint_targets(
    paths: Iterable[str], skipped: list[str] | None = None
) -> Iterator[tuple[str, Path]]:
    """(display path, file) for every runbook named or found below a folder.

    Paths below a folder that cannot be used (not UTF-8, too deep) are not
    yielded; with ``skipped`` given they are appended there ("path (why)").
    """
    for raw in paths:
        p = Path(raw)
        if p.is_dir():
            found: list[str] = []
            for rel, f in iter_runbook_files(p, found):
                yield (str(Path(raw) / rel), f)
            if skipped is not None:
                skipped.extend(str(Path(raw) / item) for item in found)
        else:
            yield raw, p


def _skipped_finding(item: str) -> LintFinding:
    where, _, why = item.rpartition(" (")
    return finding(
        where,
        0,
        SKIPPED_CODE,
        f"skipped: {why.rstrip(')')}; rename or move it (rbdesk cannot show it)",
    )


def lint_paths(
    paths: Iterable[str],
    *,
    stale_days: int = DEFAULT_STALE_DAYS,
    today: _dt.date | None = None,
    **options,
) -> list[LintFinding]:
    """The findings for files and folders (see :func:`run_lint`)."""
    return run_lint(list(paths), LintOptions(stale_days, today, **options)).findings


def run_lint(paths: list[str], opts: LintOptions) -> LintReport:
    """Lint files and folders; the repository root is found from the first path."""
    start = Path(paths[0]) if paths else Path.cwd()
    cfg = _config_for(repository_root(start), opts, start)
    skipped: list[str] = []
    files = (
        (shown, cfg.relpath(shown), f)
        for shown, f in iter_lint_targets(paths, skipped)
        if not cfg.excluded(cfg.relpath(shown))
    )
    tree = _Tree(cfg, files, [*opts.repo_urls, *([cfg.repo_url] if cfg.repo_url else [])])
    from rbdesk.core.usecases.rulecheck import repository_urls, split_repo_url

    tree.urls += repository_urls(cfg.root)
    for i, url in enumerate(list(tree.urls)):
        tree.urls[i], sub = split_repo_url(url)
        tree.subdir = tree.subdir or sub
    return _run([tree], opts, lambda: skipped)


def lint_library(lib, opts: LintOptions) -> LintReport:
    """Lint every synced source (or the bundled samples when none is configured)."""
    from rbdesk.core.usecases.refs import source_infos

    infos = {i.name: i for i in source_infos(lib)}
    trees: list[_Tree] = []
    for root in lib.roots():
        cfg = _config_for(root.root, opts, root.root)
        cfg.prefix = f"{root.name}:"
        info = infos.get(root.name)
        files = (
            (f"{root.name}:{rel}", rel, p)
            for rel, p in iter_runbook_files(root.root)
            if not cfg.excluded(rel)
        )
        urls = [*opts.repo_urls, *([cfg.repo_url] if cfg.repo_url else [])]
        if info is not None and info.url:
            urls.append(info.url)
        trees.append(_Tree(cfg, files, urls, info.subdir if info else ""))
    return _run(trees, opts, list)


def _config_for(root: Path, opts: LintOptions, start: Path) -> LintConfig:
    path = opts.config or (find_config(start) if opts.use_config else None)
    return load_config(path) if path is not None else LintConfig(root)


def _run(trees: list[_Tree], opts: LintOptions, skipped) -> LintReport:
    report = LintReport()
    named: dict[str, list[tuple[str, int, str]]] = {}
    for tree in trees:
        if tree.cfg.file is not None:
            report.configs.append(tree.cfg.file)
        stale = opts.stale_days or tree.cfg.stale_days or DEFAULT_STALE_DAYS
        jobs = [
            (tree.cfg, shown, rel, str(path), stale, opts.today) for shown, rel, path in tree.files
        ]
        for shown, found, alerts, runbook in _map(_lint_file, jobs, opts.jobs):
            report.files += 1
            report.not_runbooks += not runbook
            report.findings.extend(g for f in found if (g := tree.cfg.apply(f)) is not None)
            for name, line in alerts:
                named.setdefault(name.lower(), []).append((shown, line, name))
    if not trees:
        return report
    main = report.config = trees[0].cfg  # rules, skipped paths, baseline: the first tree's
    extra = [_skipped_finding(item) for item in skipped()]
    rule_paths = opts.rules or [str(main.root / r) for r in main.rules]
    if rule_paths:
        extra += _rule_findings(trees, rule_paths, named, report)
    report.findings.extend(g for f in extra if (g := main.apply(f)) is not None)
    if opts.baseline is not None:
        report.findings, report.baseline_held = apply_baseline(
            report.findings, read_baseline(opts.baseline), main
        )
    return report


PARALLEL_MIN_FILES = 200  # below this, starting worker processes costs more than it saves
_OWNERS: dict[Path, OwnersLookup] = {}  # per process: one lookup per repository root


def _map(fn, jobs: list, workers: int | None):
    """fn over jobs in order; in worker processes when there are many and cores to spare."""
    _OWNERS.clear()  # owners files may have changed since the last run in this process
    if workers is None:
        try:
            workers = len(os.sched_getaffinity(0))
        except AttributeError:  # not Linux
            workers = os.cpu_count() or 1
        workers = min(workers, 8)
    if workers <= 1 or len(jobs) < PARALLEL_MIN_FILES:
        return [fn(job) for job in jobs]
    import multiprocessing
    import threading
    from concurrent.futures import ProcessPoolExecutor

    # fork is cheap and safe while this process runs one thread (the CLI); else spawn.
    method = "fork" if sys.platform == "linux" and threading.active_count() == 1 else "spawn"
    ctx = multiprocessing.get_context(method)
    with ProcessPoolExecutor(workers, mp_context=ctx) as pool:
        return list(pool.map(fn, jobs, chunksize=max(8, len(jobs) // (workers * 8))))


def _lint_file(job) -> tuple[str, list[LintFinding], list[tuple[str, int]], bool]:
    """(shown, findings before the config, (alert, line) the page names, is a runbook)."""
    cfg, shown, rel, path, stale, today = job
    rb = parse_file(path, shown, stale_days=stale, today=today)
    problems = rb.problems
    runbook = is_runbook_page(rel, rb) or cfg.forced_runbook(rel)
    if not runbook:
        problems = [p for p in problems if p.code not in RUNBOOK_CHECKLIST]
    elif any(p.code == "RB201" for p in problems):
        owners = _OWNERS.get(cfg.root) or _OWNERS.setdefault(cfg.root, OwnersLookup(cfg.root))
        if owners(rel) is not None:
            problems = [p for p in problems if p.code != "RB201"]
    rules = suppressions(rb.source)
    lines = {s.anchor: s.line for s in rb.sections}
    found = [
        LintFinding(shown, p.line, p.code, p.severity, p.message)
        for p in problems
        if not suppressed(p.code, p.line, rules)
    ]
    return shown, found, [(a.name, lines.get(a.anchor, 1)) for a in rb.alerts], runbook


def _rule_findings(trees, rule_paths, named, report) -> list[LintFinding]:
    from rbdesk.core.usecases.alertrules import iter_rule_paths, read_rule_file
    from rbdesk.core.usecases.rulecheck import LinkChecker, Repo, check_rules

    files = []
    out: list[LintFinding] = []
    for shown, path, explicit in iter_rule_paths(rule_paths):
        if not path.exists():
            out.append(finding(shown, 0, "RB405", "rule file not found: check --rules / rules"))
            continue
        rf = read_rule_file(path, shown)
        if not rf.is_rule_file and not rf.error:
            if explicit:
                rf.error = "holds no alerting rule groups (groups:, PrometheusRule): not read"
            else:
                out.append(finding(shown, 0, "RB406", "not a rule file (no groups:): not read"))
                continue
        files.append(rf)
        report.rule_files += 1
        report.rules += len(rf.rules)
    repos = [Repo(t.cfg.root, t.urls, t.subdir) for t in trees]
    out.extend(check_rules(files, LinkChecker(repos), named))
    return out
