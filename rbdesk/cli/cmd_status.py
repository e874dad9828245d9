"""rbdesk status: which snapshot each source shows, how fresh it is, last error."""

from __future__ import annotations

HELP = "show each source's synced commit, freshness and last error"

NO_SOURCES = (
    "No sources are configured: showing the bundled sample runbooks.\n"
    "Add one with: rbdesk source add NAME URL   (then: rbdesk sync)"
)


def configure(p) -> None:
    p.add_argument("--json", action="store_true", help='print JSON: {"sources": [...]}')


def run(args) -> int:
    from rbdesk.cli.common import library, print_json, safe
    from rbdesk.core.library.signature import SAMPLES_REASON, Signature

    statuses = library(args).sync.status()
    samples_signature = Signature(reason=SAMPLES_REASON).to_dict()
    if args.json:
        print_json(
            {
                "sources": [s.to_dict() for s in statuses],
                "samples_shown": not statuses,
                **({"samples": {"signature": samples_signature}} if not statuses else {}),
            }
        )
        return 0
    if not statuses:
        print(NO_SOURCES)
        return 0
    for s in statuses:
        rank = f"{s.rank}. " if len(statuses) > 1 else ""  # the precedence between sources
        print(safe(f"{rank}{s.line()}"))
        if s.commit_subject or s.runbooks:
            subject = f" · {s.commit_subject}" if s.commit_subject else ""
            print(safe(f"    {s.runbooks} runbook{'s' if s.runbooks != 1 else ''}{subject}"))
        for problem in s.problems:
            print(safe(f"    ! {problem}"))
    return 0
