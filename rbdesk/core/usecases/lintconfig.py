"""What a repository says about its own lint: ``.rbdesk.toml``, inline suppressions, baselines.

``.rbdesk.toml`` at the repository root (found from the linted path upwards,
stopping at the folder holding ``.git``)::

    [lint]
    select = ["RB1", "RB2", "RB3", "RB4"]   # code prefixes to report (default: all)
    ignore = ["RB202"]                      # code prefixes never reported
    exclude = ["drafts/**", "vendor/"]      # paths not linted (CODEOWNERS-style patterns)
    rules = ["rules/", "alerts/*.yaml"]     # rule files / folders (as --rules)
    repo_url = "https://gitlab.com/acme/runbooks"   # as --repo-url
    stale_days = 365
    runbook_pages = ["docs/*/README.md"]    # index/meta pages to lint as runbooks anyway

    [lint.severity]                         # per-code severity: error, warning, info
    RB201 = "warning"

    [lint.per-path-ignores]
    "docs/legacy/**" = ["RB2"]

Inline, in a runbook: ``<!-- rbdesk-lint: ignore-file RB201 RB205 -->`` (the
whole file) and ``<!-- rbdesk-lint: ignore RB301 -->`` (its own line and the
next non-blank line).

A baseline (``--write-baseline FILE`` / ``--baseline FILE``) stores findings
without line numbers (path relative to the repository, code, alert, message
with every number masked), so an edit above a finding, or the age in an
RB203 message, does not bring it back; counts are kept per key.
"""

from __future__ import annotations

import json
import os
import re
from collections import Counter
from dataclasses import dataclass, field, replace
from pathlib import Path

from rbdesk.core.errors import ConfigError
from rbdesk.core.usecases.lintfindings import CODES, LintFinding

CONFIG_NAME = ".rbdesk.toml"
MAX_CONFIG_BYTES = 256 * 1024
MAX_BASELINE_BYTES = 32 * 1024 * 1024
BASELINE_VERSION = 1
SEVERITIES = ("error", "warning", "info")
_KEYS = {
    "select",
    "ignore",
    "exclude",
    "rules",
    "repo_url",
    "stale_days",
    "runbook_pages",
    "severity",
    "per-path-ignores",
}
_SUPPRESS_RE = re.compile(r"<!--\s*rbdesk-lint:\s*(ignore-file|ignore)\s+([A-Za-z0-9 ,]+?)\s*-->")


@dataclass
class LintConfig:
    root: Path  # the repository root: config paths and baseline paths are relative to it
    file: Path | None = None
    select: tuple[str, ...] = ()
    ignore: tuple[str, ...] = ()
    exclude: tuple[str, ...] = ()
    rules: tuple[str, ...] = ()
    repo_url: str = ""
    stale_days: int | None = None
    runbook_pages: tuple[str, ...] = ()
    severity: dict[str, str] = field(default_factory=dict)
    per_path_ignores: tuple[tuple[str, tuple[str, ...]], ...] = ()
    prefix: str = ""  # "source:" when findings name synced files as source:relpath

    def relpath(self, shown: str) -> str:
        """A finding's path relative to the repository root (POSIX)."""
        if self.prefix and shown.startswith(self.prefix):
            return shown[len(self.prefix) :]
        rel = os.path.relpath(os.path.abspath(shown), self.root)
        return rel.replace(os.sep, "/")

    def excluded(self, relpath: str) -> bool:
        return _matches(self.exclude, relpath)

    def forced_runbook(self, relpath: str) -> bool:
        return _matches(self.runbook_pages, relpath)

    def apply(self, f: LintFinding) -> LintFinding | None:
        """The finding as configured (severity changed), or None when it is not reported."""
        if self.select and not f.code.startswith(self.select):
            return None
        if self.ignore and f.code.startswith(self.ignore):
            return None
        if self.per_path_ignores:
            rel = self.relpath(f.path)
            for pattern, codes in self.per_path_ignores:
                if f.code.startswith(codes) and _matches((pattern,), rel):
                    return None
        sev = self.severity.get(f.code)
        return replace(f, severity=sev) if sev and sev != f.severity else f


def _matches(patterns: tuple[str, ...], relpath: str) -> bool:
    from rbdesk.core.library.owners import path_pattern

    for p in patterns:
        rx = path_pattern(p)
        if rx is not None and rx.match(relpath):
            return True
    return False


def find_config(start: Path) -> Path | None:
    """``.rbdesk.toml`` in start or a folder above it, not above the repository root."""
    here = start.resolve()
    if here.is_file():
        here = here.parent
    for folder in (here, *here.parents):
        cand = folder / CONFIG_NAME
        if cand.is_file():
            return cand
        if (folder / ".git").exists():
            return None
    return None


def repository_root(start: Path) -> Path:
    """The folder holding ``.rbdesk.toml`` or ``.git`` at or above start (else start)."""
    here = start.resolve()
    if here.is_file():
        here = here.parent
    for folder in (here, *here.parents):
        if (folder / CONFIG_NAME).is_file() or (folder / ".git").exists():
            return folder
    return here


def load_config(path: Path) -> LintConfig:
    """Read ``.rbdesk.toml``; ConfigError (file, line, what to do) when it is wrong."""
    import tomllib

    try:
        data = path.read_bytes()
    except OSError as exc:
        raise ConfigError(f"{path}: cannot be read ({exc.strerror})") from None
    if len(data) > MAX_CONFIG_BYTES:
        raise ConfigError(f"{path}: larger than {MAX_CONFIG_BYTES // 1024} KiB")
    try:
        doc = tomllib.loads(data.decode("utf-8"))
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise ConfigError(
            f"{path}: not valid TOML ({exc})", hint="see README, 'Runbooks in CI'"
        ) from None
    lint = doc.get("lint", {})
    if not isinstance(lint, dict):
        raise ConfigError(f"{path}: 'lint' must be a table ([lint])")
    unknown = sorted(set(lint) - _KEYS)
    if unknown:
        raise ConfigError(
            f"{path}: unknown key {unknown[0]!r} in [lint]",
            hint=f"known keys: {', '.join(sorted(_KEYS))}",
        )
    cfg = LintConfig(path.parent.resolve(), path)
    for key in ("select", "ignore", "exclude", "rules", "runbook_pages"):
        if key in lint:
            setattr(cfg, key, _strings(path, key, lint[key]))
    for key in ("select", "ignore"):
        for code in getattr(cfg, key):
            if not any(c.startswith(code.upper()) for c in CODES):
                raise ConfigError(f"{path}: {key} names {code!r}, which is no rbdesk lint code")
        setattr(cfg, key, tuple(c.upper() for c in getattr(cfg, key)))
    if "repo_url" in lint:
        if not isinstance(lint["repo_url"], str):
            raise ConfigError(f"{path}: repo_url must be a string (a URL)")
        cfg.repo_url = lint["repo_url"]
    if "stale_days" in lint:
        days = lint["stale_days"]
        if not isinstance(days, int) or isinstance(days, bool) or days < 1:
            raise ConfigError(f"{path}: stale_days must be a whole number of days (≥ 1)")
        cfg.stale_days = days
    sev = lint.get("severity", {})
    if not isinstance(sev, dict):
        raise ConfigError(f'{path}: [lint.severity] must be a table of CODE = "error"…')
    for code, level in sev.items():
        if code.upper() not in CODES or level not in SEVERITIES:
            raise ConfigError(
                f"{path}: [lint.severity] {code} = {level!r}",
                hint=f"a code like RB201 and one of {', '.join(SEVERITIES)}",
            )
        cfg.severity[code.upper()] = level
    ppi = lint.get("per-path-ignores", {})
    if not isinstance(ppi, dict):
        raise ConfigError(f"{path}: [lint.per-path-ignores] must be a table of PATTERN = [codes]")
    cfg.per_path_ignores = tuple(
        (pattern, tuple(c.upper() for c in _strings(path, f"per-path-ignores {pattern}", codes)))
        for pattern, codes in ppi.items()
    )
    return cfg


def _strings(path: Path, key: str, value: object) -> tuple[str, ...]:
    if isinstance(value, str):
        value = [value]
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise ConfigError(f"{path}: {key} must be a list of strings")
    return tuple(value)


# -- inline suppressions ------------------------------------------------------------------------
def suppressions(source: str) -> tuple[set[str], dict[int, set[str]]]:
    """(codes ignored in the whole file, line → codes ignored on that line) from comments."""
    whole: set[str] = set()
    by_line: dict[int, set[str]] = {}
    if "rbdesk-lint" not in source:
        return whole, by_line
    lines = source.split("\n")
    for i, text in enumerate(lines):
        for m in _SUPPRESS_RE.finditer(text):
            codes = {c.upper() for c in re.split(r"[\s,]+", m.group(2)) if c}
            if m.group(1) == "ignore-file":
                whole |= codes
                continue
            by_line.setdefault(i + 1, set()).update(codes)
            nxt = i + 1
            while nxt < len(lines) and not lines[nxt].strip():
                nxt += 1
            by_line.setdefault(nxt + 1, set()).update(codes)
    return whole, by_line


def suppressed(code: str, line: int, rules: tuple[set[str], dict[int, set[str]]]) -> bool:
    whole, by_line = rules
    return any(code.startswith(c) for c in whole | by_line.get(line, set()))


# -- baselines ----------------------------------------------------------------------------------
def baseline_key(f: LintFinding, cfg: LintConfig) -> tuple[str, str, str, str]:
    return (cfg.relpath(f.path), f.code, f.alert, re.sub(r"\d+", "#", f.message))


def write_baseline(path: Path, findings: list[LintFinding], cfg: LintConfig) -> int:
    keys = sorted(baseline_key(f, cfg) for f in findings)
    doc = {
        "rbdesk_lint_baseline": BASELINE_VERSION,
        "findings": [{"path": p, "code": c, "alert": a, "message": m} for p, c, a, m in keys],
    }
    tmp = path.with_name(path.name + ".tmp")
    tmp.write_text(json.dumps(doc, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
    os.replace(tmp, path)
    return len(keys)


def read_baseline(path: Path) -> Counter:
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise ConfigError(
            f"{path}: baseline cannot be read ({exc.strerror})",
            hint="create it with `rbdesk lint … --write-baseline FILE`",
        ) from None
    if len(data) > MAX_BASELINE_BYTES:
        raise ConfigError(f"{path}: baseline larger than 32 MiB")
    try:
        doc = json.loads(data)
    except (json.JSONDecodeError, UnicodeDecodeError) as exc:
        line = getattr(exc, "lineno", 0)
        raise ConfigError(
            f"{path}:{line}: baseline is not valid JSON",
            hint="write it again with `rbdesk lint … --write-baseline FILE`",
        ) from None
    if not isinstance(doc, dict) or doc.get("rbdesk_lint_baseline") != BASELINE_VERSION:
        raise ConfigError(
            f"{path}: not an rbdesk lint baseline (version {BASELINE_VERSION})",
            hint="write it with `rbdesk lint … --write-baseline FILE`",
        )
    items = doc.get("findings")
    if not isinstance(items, list):
        raise ConfigError(f"{path}: baseline has no 'findings' list")
    out: Counter = Counter()
    for item in items:
        if isinstance(item, dict):
            out[
                (
                    str(item.get("path", "")),
                    str(item.get("code", "")),
                    str(item.get("alert", "")),
                    str(item.get("message", "")),
                )
            ] += 1
    return out


def apply_baseline(
    findings: list[LintFinding], known: Counter, cfg: LintConfig
) -> tuple[list[LintFinding], int]:
    """(the findings the baseline does not hold, how many it held)."""
    left = Counter(known)
    out: list[LintFinding] = []
    held = 0
    for f in findings:
        key = baseline_key(f, cfg)
        if left[key] > 0:
            left[key] -= 1
            held += 1
        else:
            out.append(f)
    return out, held
