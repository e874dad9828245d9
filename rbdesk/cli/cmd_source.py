"""rbdesk source add|list|move|remove: manage the git repositories and folders followed.

The order of the sources is their precedence: when two sources hold a runbook
for the same alert name, id or URL, the higher-ranked one opens (see
``core/usecases/refs.py``). ``source move`` changes it.
"""

from __future__ import annotations

from rbdesk.cli.common import echo

HELP = "add, list, change, rank or remove runbook sources (git repositories or folders)"


def configure(p) -> None:
    sub = p.add_subparsers(dest="source_command", metavar="ACTION", required=True)
    add = sub.add_parser("add", help="follow a git repository or a local folder")
    add.add_argument("name", help="a short name, e.g. ops")
    add.add_argument(
        "url",
        help="https://, ssh://, git@host:path, git://, file://, a local repository or folder",
    )
    add.add_argument("--branch", help="branch to follow (default: the remote's HEAD)")
    add.add_argument("--subdir", help="only this folder of the repository (partial clone)")
    add.add_argument(
        "--docs-url",
        metavar="URL",
        help="the site the runbooks are published at, when the repository does not declare "
        "it (Hugo baseURL / MkDocs site_url are read by themselves); alert links to it "
        "open the local copy",
    )
    _signer_options(add)
    _configure_set(sub)
    lst = sub.add_parser("list", help="list the sources")
    lst.add_argument("--json", action="store_true", help="print JSON")
    rm = sub.add_parser("remove", help="forget a source and delete its local copies")
    rm.add_argument("name")
    mv = sub.add_parser(
        "move",
        help="change a source's rank (the higher one wins when two sources hold a runbook "
        "for the same alert, id or URL); without --before/--after: to the top",
    )
    mv.add_argument("name")
    where = mv.add_mutually_exclusive_group()
    where.add_argument("--before", metavar="OTHER", help="rank it just above source OTHER")
    where.add_argument("--after", metavar="OTHER", help="rank it just below source OTHER")


def _signer_options(p, off: bool = False) -> None:
    """--allowed-signers / --gpg-keys / --verify (source add and source set)."""
    p.add_argument(
        "--allowed-signers",
        metavar="FILE",
        help="ssh allowed_signers file (PRINCIPAL KEYTYPE KEY per line, as git's "
        "gpg.ssh.allowedSignersFile); copied into rbdesk's data dir",
    )
    p.add_argument(
        "--gpg-keys",
        metavar="FILE",
        help="armored gpg public keys of the allowed signers; imported into a private "
        "keyring of this source",
    )
    p.add_argument(
        "--verify",
        choices=("require", "warn", "off") if off else ("require", "warn"),
        help="require (default with signers): refuse a tip not signed by an allowed signer; "
        "warn: publish it and show it as unsigned" + ("; off: stop verifying" if off else ""),
    )


def _configure_set(sub) -> None:
    st = sub.add_parser("set", help="change a source's allowed signers, gpg keys or verify mode")
    st.add_argument("name")
    _signer_options(st, off=True)


def _run_set(args, manager) -> int:
    if not (args.allowed_signers or args.gpg_keys or args.verify):
        from rbdesk.core.errors import RbdeskError

        raise RbdeskError(
            "nothing to change", hint="give --allowed-signers FILE, --gpg-keys FILE or --verify"
        )
    source = manager.set_signers(
        args.name,
        allowed_signers=args.allowed_signers,
        gpg_keys=args.gpg_keys,
        verify=args.verify,
    )
    echo(f"source {source.name!r}: verify={source.policy}{_signer_extra(source)}")
    if source.verify:
        echo(f"run `rbdesk sync {source.name}` to verify its tip now")
    return 0


def _signer_extra(source) -> str:
    return "".join(
        f", {label} {value}"
        for label, value in (
            ("allowed signers from", source.allowed_signers),
            ("gpg keys from", source.gpg_keys),
        )
        if value and source.verify
    )


def run(args) -> int:
    from rbdesk.cli.common import library, print_json
    from rbdesk.core.sync.store import added_line
    from rbdesk.core.sync.urls import redact

    manager = library(args).sync
    if args.source_command == "add":
        source = manager.add_source(
            args.name,
            args.url,
            branch=args.branch,
            subdir=args.subdir,
            docs_url=args.docs_url,
            allowed_signers=args.allowed_signers,
            gpg_keys=args.gpg_keys,
            verify=args.verify,
        )
        echo(added_line(source))
        echo(f"run `rbdesk sync {source.name}` to fetch it")
        return 0
    if args.source_command == "set":
        return _run_set(args, manager)
    if args.source_command == "remove":
        manager.remove_source(args.name)
        echo(f"removed source {args.name!r} and its local copies")
        return 0
    if args.source_command == "move":
        order = manager.move_source(args.name, before=args.before, after=args.after)
        echo("precedence now: " + ", ".join(f"{i}. {n}" for i, n in enumerate(order, start=1)))
        return 0
    sources = manager.sources()
    rows = [
        {**s.to_dict(), "url": redact(s.url), "rank": rank}
        for rank, s in enumerate(sources, start=1)
    ]
    if args.json:
        print_json({"sources": rows})
        return 0
    if not rows:
        echo("no sources configured; add one with: rbdesk source add NAME URL")
        return 0
    width = max(len(r["name"]) for r in rows)
    for r in rows:
        extra = "".join(
            f"  {label}={r[label]}"
            for label in ("branch", "subdir", "docs_url", "verify")
            if r.get(label)
        )
        echo(f"{r['rank']}. {r['name']:<{width}}  {r['kind']:<6}  {r['url']}{extra}")
    return 0
