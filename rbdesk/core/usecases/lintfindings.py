"""One lint finding, and the catalogue of codes (severity and a one-line description).

The catalogue is what SARIF's ``rules`` and ``rbdesk lint --format sarif``
describe; it must list every code the checks produce (a test compares it with
the README's table).
"""

from __future__ import annotations

from dataclasses import dataclass

ERROR, WARNING, INFO = "error", "warning", "info"

CODES: dict[str, tuple[str, str]] = {
    "RB101": (WARNING, "file is not valid UTF-8 (read with a fallback encoding)"),
    "RB102": (WARNING, "code fence closed with an info string"),
    "RB103": (ERROR, "unterminated code fence"),
    "RB104": (ERROR, "binary file, skipped"),
    "RB105": (WARNING, "file larger than 2 MiB, only the first part is read"),
    "RB106": (WARNING, "front matter refused (too large, anchors/aliases, not a mapping)"),
    "RB109": (WARNING, "nesting too deep to read completely"),
    "RB110": (WARNING, "path skipped (name not UTF-8, too deep)"),
    "RB115": (WARNING, "content not downloaded (Git LFS pointer)"),
    "RB116": (WARNING, "part of the file could not be read (an unexpected fault)"),
    "RB201": (ERROR, "no owner (header, front matter, CODEOWNERS or OWNERS)"),
    "RB202": (WARNING, "no last-tested date"),
    "RB203": (WARNING, "last-tested date older than the limit"),
    "RB204": (WARNING, "procedure without verification"),
    "RB205": (WARNING, "no escalation path"),
    "RB206": (WARNING, "no contacts"),
    "RB207": (WARNING, "a header field still holds a template placeholder"),
    "RB208": (WARNING, "a header date rbdesk cannot read"),
    "RB210": (ERROR, "broken relative link (no such file)"),
    "RB211": (ERROR, "broken #anchor"),
    "RB301": (WARNING, "destructive command with no warning near it"),
    "RB302": (WARNING, "hidden characters in a command"),
    "RB303": (WARNING, "a download piped into a shell"),
    "RB304": (WARNING, "a long run of blanks inside a command line"),
    "RB401": (ERROR, "an alert's runbook link is dead (no such file or anchor)"),
    "RB402": (WARNING, "an alerting rule has no runbook"),
    "RB403": (INFO, "a runbook names an alert no rule defines"),
    "RB404": (INFO, "an alert's runbook link cannot be checked offline"),
    "RB405": (WARNING, "a rule file could not be read"),
    "RB406": (INFO, "a YAML file below a rules folder is not a rule file (not read)"),
}


@dataclass(frozen=True, slots=True)
class LintFinding:
    path: str
    line: int
    code: str
    severity: str
    message: str
    alert: str = ""  # RB4xx: the alert the finding is about

    def format(self) -> str:
        return f"{self.path}:{self.line}: {self.code} {self.message}"

    def to_dict(self) -> dict:
        out = {
            "path": self.path,
            "line": self.line,
            "code": self.code,
            "severity": self.severity,
            "message": self.message,
        }
        if self.alert:
            out["alert"] = self.alert
        return out


def finding(path: str, line: int, code: str, message: str, *, alert: str = "") -> LintFinding:
    """A finding with the code's catalogue severity."""
    return LintFinding(path, line, code, CODES[code][0], message, alert)
