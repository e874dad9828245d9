"""Alert rules against runbooks: RB401 dead runbook link, RB402 no runbook, RB403 orphan alert.

A rule's runbook link (``runbook_url`` / GitLab's ``runbook`` annotation) is
resolved offline against the repositories being linted, in these forms:

* a path relative to the repository (``docs/x.md#anchor``, GitLab's form);
* a GitHub/GitLab/Gitea web URL of that repository (its ``origin`` remote,
  the CI's repository URL, or ``--repo-url``): :func:`refs.forge_relpaths`;
* a page of the docs site the repository declares (Hugo ``baseURL``, MkDocs
  ``site_url``): :mod:`rbdesk.core.library.docsite`;

and the anchor against every anchor the page has on GitHub, GitLab, Hugo or
MkDocs (:mod:`rbdesk.core.runbook.anchors`). Links to other repositories or
sites, and templates whose labels have no value the rule fixes, are RB404
(info): they cannot be checked offline, which is not a defect.
"""

from __future__ import annotations

import configparser
import os
import re
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from urllib.parse import unquote

from rbdesk.core.usecases.alertrules import AlertRule, RuleFile, expand_template, is_template
from rbdesk.core.usecases.lintfindings import LintFinding, finding

# An alert name as rules write it (CamelCase, snake_case): a runbook called "Backups"
# names no alert, although the parser takes a file's one-word title as its alert.
_IDENTIFIER_RE = re.compile(r"[a-z0-9][A-Z]|\w_\w")
_LINE_ANCHOR_RE = re.compile(r"^L\d+(?:-L\d+)?$")
_INDEX_NAMES = ("README.md", "_index.md", "index.md")


@dataclass
class Repo:
    """A repository (or the part of one a folder holds) that rule links may point into."""

    root: Path
    urls: list[str] = field(default_factory=list)  # web/git URLs of the repository
    subdir: str = ""  # the part of the repository root holds ("" = all of it)

    def library_root(self):
        from rbdesk.core.library.roots import LibraryRoot

        return LibraryRoot("lint", self.root, "folder")


def repository_urls(root: Path) -> list[str]:
    """This checkout's own URLs: its ``origin`` remote and the CI's project URL."""
    urls: list[str] = []
    env = os.environ
    if env.get("GITHUB_SERVER_URL") and env.get("GITHUB_REPOSITORY"):
        urls.append(f"{env['GITHUB_SERVER_URL']}/{env['GITHUB_REPOSITORY']}")
    if env.get("CI_PROJECT_URL"):
        urls.append(env["CI_PROJECT_URL"])
    git = root / ".git"
    if git.is_file():  # a worktree or submodule: "gitdir: PATH"
        try:
            line = git.read_text(encoding="utf-8", errors="replace").strip()
        except OSError:
            line = ""
        if line.startswith("gitdir:"):
            git = (root / line[7:].strip()).resolve()
            common = git / "commondir"
            if common.is_file():
                git = (git / common.read_text(encoding="utf-8").strip()).resolve()
    cfg = configparser.ConfigParser(strict=False, interpolation=None)
    try:
        cfg.read(git / "config", encoding="utf-8")
    except (configparser.Error, UnicodeDecodeError):
        return urls
    for section in cfg.sections():
        if section.startswith("remote ") and cfg.has_option(section, "url"):
            urls.append(cfg.get(section, "url"))
    return urls


_TREE_URL_RE = re.compile(r"^(https?://[^/]+/.+?)/(?:-/)?(?:tree|blob)/[^/]+/(.+?)/?$")


def split_repo_url(url: str) -> tuple[str, str]:
    """(repository URL, subdir) of ``--repo-url``: a folder's web URL
    (``…/tree/main/mixin``, GitLab ``…/-/tree/main/docs``) says which part of the
    repository the linted folder is."""
    m = _TREE_URL_RE.match(url.strip())
    return (m.group(1), m.group(2)) if m else (url.strip(), "")


class LinkChecker:
    """Resolves runbook links against a set of repositories (caches per instance)."""

    def __init__(self, repos: list[Repo]) -> None:
        self.repos = repos
        self._sites: dict[int, object] = {}

    def check(self, link: str) -> tuple[str, str]:
        """("ok"|"dead"|"external", why) for one link without a template."""
        target, _, frag = link.strip().partition("#")
        frag = unquote(frag)
        claimed = False
        for repo in self.repos:
            tries = self._candidates(repo, target)
            if tries is None:
                continue
            claimed = True
            for rel in tries:
                path = self._existing(repo, rel)
                if path is None:
                    continue
                if not frag or _LINE_ANCHOR_RE.match(frag):
                    return "ok", ""
                from rbdesk.core.runbook.anchors import page_anchors

                if frag.lower() in page_anchors(path):
                    return "ok", ""
                shown = path.relative_to(repo.root).as_posix()
                return "dead", f"{shown} has no anchor #{frag} (no heading or HTML id makes it)"
        if not claimed:
            return "external", "another repository or site"
        return "dead", f"no such file in {self._where()}"

    def _where(self) -> str:
        return ", ".join(str(r.root) for r in self.repos) or "the linted folders"

    def _candidates(self, repo: Repo, target: str) -> list[str] | None:
        """Repository-relative paths target can mean in repo; None when it is not repo's."""
        if re.match(r"^https?://", target, re.I):
            return self._url_candidates(repo, target)
        if re.match(r"^[a-z][a-z0-9+.-]*:", target, re.I):
            return None  # mailto:, file:, …
        rel = unquote(target).lstrip("/")
        while rel.startswith("./"):
            rel = rel[2:]
        if repo.subdir:
            sub = repo.subdir.strip("/") + "/"
            if not rel.lower().startswith(sub.lower()):
                return None
            rel = rel[len(sub) :]
        return [rel]

    def _url_candidates(self, repo: Repo, url: str) -> list[str] | None:
        from rbdesk.core.usecases.refs import forge_relpaths

        out: list[str] | None = None
        site = self._site(repo)
        rest = site.rest_of(url) if site is not None else None
        if rest is not None:
            out = self._site_candidates(repo, site, rest)
        for repo_url in repo.urls:
            found = forge_relpaths(url, repo_url, repo.subdir)
            if found:  # [] : the repository's, but outside the part linted
                out = (out or []) + found
        return out

    def _site(self, repo: Repo):
        from rbdesk.core.library.docsite import docsite_for

        key = id(repo)
        if key not in self._sites:
            self._sites[key] = docsite_for(repo.library_root())
        return self._sites[key]

    @staticmethod
    def _site_candidates(repo: Repo, site, rest: str) -> list[str]:
        from rbdesk.core.library.docsite import hugo_page_urls, page_key, site_candidates

        tries = [rest] if rest.lower().endswith((".md", ".markdown")) else []
        tries += site_candidates(site, rest)
        if site.kind == "hugo":  # front matter url / slug / aliases move a page
            moved = hugo_page_urls(repo.library_root(), site).get(page_key(rest))
            if moved is not None:
                tries.append(moved)
        return tries

    @staticmethod
    def _existing(repo: Repo, rel: str) -> Path | None:
        """The runbook file rel names in repo (a folder: its index page), any case."""
        from rbdesk.core.library.docsite import find_nocase
        from rbdesk.core.library.roots import is_runbook_name

        root = repo.root.resolve()
        path = (root / rel).resolve() if rel else root
        if not path.is_relative_to(root):
            return None
        if path.is_dir():
            for name in _INDEX_NAMES:
                if (path / name).is_file():
                    return path / name
            return None
        if path.is_file() and is_runbook_name(path.name):
            return path
        found = find_nocase(repo.library_root(), PurePosixPath(rel).as_posix())
        return root / found if found else None


def check_rules(
    rule_files: list[RuleFile],
    checker: LinkChecker,
    named_alerts: dict[str, list[tuple[str, int, str]]],
) -> list[LintFinding]:
    """RB401/RB402/RB404/RB405 for the rules, RB403 for runbook alerts no rule defines.

    named_alerts: lower-cased alert name → (runbook path, line) of the runbooks
    that name it.
    """
    out: list[LintFinding] = []
    defined: set[str] = set()
    for rf in rule_files:
        if rf.error:
            out.append(finding(rf.shown, rf.error_line, "RB405", f"rule file {rf.error}"))
            continue
        for rule in rf.rules:
            defined.add(rule.name.lower())
            out.extend(_check_rule(rule, checker, named_alerts))
    for name, places in sorted(named_alerts.items()):
        if name in defined or not any(_IDENTIFIER_RE.search(a) for _p, _l, a in places):
            continue
        for path, line, alert in places:
            out.append(
                finding(
                    path,
                    line,
                    "RB403",
                    f"names alert {alert}, which no rule file defines "
                    "(renamed or removed alert, or its rules were not given with --rules)",
                    alert=alert,
                )
            )
    return out


def _check_rule(
    rule: AlertRule, checker: LinkChecker, named: dict[str, list[tuple[str, int, str]]]
) -> list[LintFinding]:
    where, line = rule.file, rule.runbook_line or rule.line
    if not rule.runbook:
        if rule.name.lower() in named:
            return []
        return [
            finding(
                where,
                rule.line,
                "RB402",
                f"alert {rule.name} has no runbook: add a runbook_url annotation, or "
                f"name the alert in a runbook (a file {rule.name}.md, or 'Alert: {rule.name}')",
                alert=rule.name,
            )
        ]
    links = [rule.runbook]
    if is_template(rule.runbook):
        expanded = expand_template(rule)
        if expanded is None:
            return [
                finding(
                    where,
                    line,
                    "RB404",
                    f"alert {rule.name}: runbook link {rule.runbook!r} is built from labels "
                    "the rule does not fix; not checked offline",
                    alert=rule.name,
                )
            ]
        links = expanded
    out: list[LintFinding] = []
    for link in links:
        status, why = checker.check(link)
        if status == "dead":
            out.append(
                finding(
                    where,
                    line,
                    "RB401",
                    f"alert {rule.name}: runbook link {link} is dead: {why}",
                    alert=rule.name,
                )
            )
        elif status == "external":
            out.append(
                finding(
                    where,
                    line,
                    "RB404",
                    f"alert {rule.name}: runbook link {link} points to {why}; "
                    "not checked offline (--repo-url names this repository's web address)",
                    alert=rule.name,
                )
            )
    return out
