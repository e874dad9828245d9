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
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from rbdesk.core.library.owners import owners_for
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
        for shown, rel, path in tree.files:
            found = _lint_file(tree.cfg, shown, rel, path, stale, opts, report, named)
            report.findings.extend(g for f in found if (g := tree.cfg.apply(f)) is not None)
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


def _lint_file(cfg, shown, rel, path, stale, opts, report, named) -> list[LintFinding]:
    rb = parse_file(path, shown, stale_days=stale, today=opts.today)
    report.files += 1
    problems = rb.problems
    if not is_runbook_page(rel, rb) and not cfg.forced_runbook(rel):
        report.not_runbooks += 1
        problems = [p for p in problems if p.code not in RUNBOOK_CHECKLIST]
    elif any(p.code == "RB201" for p in problems) and owners_for(cfg.root, rel) is not None:
        problems = [p for p in problems if p.code != "RB201"]
    rules = suppressions(rb.source)
    lines = {s.anchor: s.line for s in rb.sections}
    for a in rb.alerts:
        named.setdefault(a.name.lower(), []).append((shown, lines.get(a.anchor, 1), a.name))
    return [
        LintFinding(shown, p.line, p.code, p.severity, p.message)
        for p in problems
        if not suppressed(p.code, p.line, rules)
    ]


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
