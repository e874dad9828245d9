"""``rbdesk lint --format``: findings as text, JSON, GitHub workflow commands,
a GitLab Code Quality report or SARIF 2.1.0.

* ``github``: ``::error file=…,line=…,title=RB201::message`` lines, which a
  GitHub Actions run shows on the pull request's diff (info → ``::notice``);
* ``gitlab``: the Code Quality JSON (``artifacts: reports: codequality``) —
  description, check_name, fingerprint, severity, location.path/lines.begin;
* ``sarif``: SARIF 2.1.0, one run, a rule (id, description, default level)
  for every code in the catalogue, results with ``partialFingerprints`` that
  do not depend on line numbers (GitHub code scanning, GitLab, IDEs).
"""

from __future__ import annotations

import hashlib
import json
from collections import Counter

from rbdesk.core.usecases.lintfindings import CODES, LintFinding

FORMATS = ("text", "json", "github", "gitlab", "sarif")
SARIF_SCHEMA = "https://json.schemastore.org/sarif-2.1.0.json"
HELP_URI = "https://rbdesk.example.org/#problem-codes-rbdesk-lint"  # the metainfo homepage
_GITHUB_LEVEL = {"error": "error", "warning": "warning", "info": "notice"}
_GITLAB_SEVERITY = {"error": "major", "warning": "minor", "info": "info"}
_SARIF_LEVEL = {"error": "error", "warning": "warning", "info": "note"}


def render(findings: list[LintFinding], fmt: str, *, version: str = "") -> str:
    if fmt == "json":
        return json.dumps([f.to_dict() for f in findings], indent=2, ensure_ascii=False)
    if fmt == "github":
        return "\n".join(_github(f) for f in findings)
    if fmt == "gitlab":
        return json.dumps(_gitlab(findings), indent=2, ensure_ascii=False)
    if fmt == "sarif":
        return json.dumps(sarif(findings, version), indent=2, ensure_ascii=False)
    return "\n".join(f.format() for f in findings)


def _uri(path: str) -> str:
    """A POSIX relative path for reports (no leading ./)."""
    p = path.replace("\\", "/")
    while p.startswith("./"):
        p = p[2:]
    return p


def _escape_data(text: str) -> str:
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def _escape_property(text: str) -> str:
    return _escape_data(text).replace(":", "%3A").replace(",", "%2C")


def _github(f: LintFinding) -> str:
    props = [f"file={_escape_property(_uri(f.path))}"]
    if f.line > 0:
        props.append(f"line={f.line}")
    props.append(f"title={_escape_property(f.code)}")
    level = _GITHUB_LEVEL.get(f.severity, "warning")
    return f"::{level} {','.join(props)}::{_escape_data(f.message)}"


def fingerprints(findings: list[LintFinding]) -> list[str]:
    """A stable id per finding: path, code, alert and message (no line), plus the
    occurrence number among equal ones."""
    seen: Counter = Counter()
    out = []
    for f in findings:
        key = f"{_uri(f.path)}\0{f.code}\0{f.alert}\0{f.message}"
        seen[key] += 1
        out.append(hashlib.sha256(f"{key}\0{seen[key]}".encode()).hexdigest())
    return out


def _gitlab(findings: list[LintFinding]) -> list[dict]:
    return [
        {
            "description": f"{f.code} {f.message}",
            "check_name": f.code,
            "fingerprint": fp[:32],
            "severity": _GITLAB_SEVERITY.get(f.severity, "minor"),
            "location": {"path": _uri(f.path), "lines": {"begin": max(f.line, 1)}},
        }
        for f, fp in zip(findings, fingerprints(findings), strict=True)
    ]


def sarif(findings: list[LintFinding], version: str = "") -> dict:
    codes = sorted(set(CODES) | {f.code for f in findings})
    index = {c: i for i, c in enumerate(codes)}
    rules = []
    for code in codes:
        level, text = CODES.get(code, ("warning", code))
        rules.append(
            {
                "id": code,
                "name": code,
                "shortDescription": {"text": text},
                "fullDescription": {"text": f"{code}: {text}"},
                "defaultConfiguration": {"level": _SARIF_LEVEL[level]},
                "helpUri": HELP_URI,
            }
        )
    results = []
    for f, fp in zip(findings, fingerprints(findings), strict=True):
        location: dict = {"artifactLocation": {"uri": _uri(f.path)}}
        if f.line > 0:
            location["region"] = {"startLine": f.line}
        result = {
            "ruleId": f.code,
            "ruleIndex": index[f.code],
            "level": _SARIF_LEVEL.get(f.severity, "warning"),
            "message": {"text": f.message},
            "locations": [{"physicalLocation": location}],
            "partialFingerprints": {"rbdeskFinding/v1": fp},
        }
        if f.alert:
            result["properties"] = {"alert": f.alert}
        results.append(result)
    driver = {"name": "rbdesk", "informationUri": HELP_URI.split("#")[0], "rules": rules}
    if version:
        driver["version"] = version
    return {
        "$schema": SARIF_SCHEMA,
        "version": "2.1.0",
        "runs": [{"tool": {"driver": driver}, "results": results}],
    }
