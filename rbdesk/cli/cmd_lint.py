"""rbdesk lint [PATH...]: check runbooks (and alert rules against them)."""

from __future__ import annotations

from rbdesk.cli.common import echo

HELP = "check runbooks (files or folders) for problems; exit 1 when any error is found"


def configure(p) -> None:
    p.add_argument(
        "paths",
        nargs="*",
        metavar="PATH",
        help="runbook files or folders (default: the synced library)",
    )
    p.add_argument(
        "--rules",
        nargs="+",
        action="extend",
        default=[],
        metavar="FILE_OR_DIR",
        help="alert rule files or folders to check against the runbooks (RB4xx)",
    )
    p.add_argument(
        "--repo-url",
        action="append",
        default=[],
        metavar="URL",
        help="this repository's web URL, for runbook links that use it "
        "(default: the git remote; a …/tree/BRANCH/DIR URL says PATH is DIR of it)",
    )
    p.add_argument(
        "--format",
        choices=("text", "json", "github", "gitlab", "sarif"),
        default=None,
        help="output: text (default), json, github (workflow commands), "
        "gitlab (Code Quality report), sarif (SARIF 2.1.0)",
    )
    p.add_argument("--json", action="store_true", help="same as --format json")
    p.add_argument(
        "--stale-days",
        type=int,
        default=None,
        metavar="N",
        help="last-tested dates older than N days are stale (default 180, or the config's)",
    )
    p.add_argument(
        "--jobs",
        type=int,
        default=None,
        metavar="N",
        help="parse in N worker processes (default: one per core; 1: none)",
    )
    cfg = p.add_mutually_exclusive_group()
    cfg.add_argument("--config", metavar="FILE", help="read this .rbdesk.toml")
    cfg.add_argument("--no-config", action="store_true", help="ignore .rbdesk.toml")
    p.add_argument(
        "--baseline", metavar="FILE", help="report only findings this baseline does not hold"
    )
    p.add_argument(
        "--write-baseline",
        metavar="FILE",
        help="write today's findings to FILE (accept them) and exit 0",
    )


def run(args) -> int:
    import sys
    from pathlib import Path

    from rbdesk import __version__
    from rbdesk.core.errors import NotFoundError
    from rbdesk.core.usecases.lint import LintOptions, lint_library, run_lint
    from rbdesk.core.usecases.lintformats import render

    named = [*args.paths, *args.rules, *([args.config] if args.config else [])]
    missing = [p for p in named if not Path(p).exists()]
    if missing:
        raise NotFoundError(f"{missing[0]}: no such file or folder")
    opts = LintOptions(
        stale_days=args.stale_days,
        rules=list(args.rules),
        repo_urls=list(args.repo_url),
        config=Path(args.config) if args.config else None,
        use_config=not args.no_config,
        baseline=Path(args.baseline) if args.baseline else None,
        jobs=args.jobs,
    )
    if args.paths:
        report = run_lint(list(args.paths), opts)
    else:
        from rbdesk.cli.common import library

        report = lint_library(library(args), opts)
    if args.write_baseline:
        from rbdesk.core.usecases.lintconfig import write_baseline

        n = write_baseline(Path(args.write_baseline), report.findings, report.config)
        echo(f"wrote {n} findings to {args.write_baseline}", file=sys.stderr)
        return 0
    fmt = args.format or ("json" if args.json else "text")
    text = render(report.findings, fmt, version=__version__)
    if text:
        if fmt in ("text", "github"):
            echo(text)
        else:
            sys.stdout.write(text + "\n")
    if fmt == "text":
        echo(_summary(report), file=sys.stderr)
    return 1 if report.errors else 0


def _summary(report) -> str:
    counts = {s: sum(1 for f in report.findings if f.severity == s) for s in ("error", "warning")}
    parts = [f"{report.files} files"]
    if report.not_runbooks:
        parts[0] += f" ({report.not_runbooks} not runbooks: checklist skipped)"
    if report.rule_files:
        parts.append(f"{report.rules} alerting rules in {report.rule_files} rule files")
    line = f"{', '.join(parts)}: {counts['error']} errors, {counts['warning']} warnings"
    if report.baseline_held:
        line += f" ({report.baseline_held} findings held by the baseline)"
    return line
