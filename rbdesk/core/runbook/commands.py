"""Code blocks as commands: kind, clean copy text, placeholders.

``clean`` is what a Copy button puts on the clipboard: prompts (``$ ``, ``% ``,
``PS> ``) removed — never a leading ``# `` —, output lines of console
transcripts dropped, non-breaking spaces and smart quotes made plain, no
trailing newline.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import replace
from typing import TYPE_CHECKING, Protocol

if TYPE_CHECKING:
    from rbdesk.core.runbook.model import Command

# Fences labelled as diagram source: shown as such, never numbered as commands.
DIAGRAM_LANGS = frozenset(
    ("mermaid", "plantuml", "puml", "dot", "graphviz", "ascii", "diagram", "ditaa", "svgbob", "d2")
)

KIND_BY_LANG = {
    **dict.fromkeys(
        ("sql", "psql", "pgsql", "postgresql", "postgres", "mysql", "plsql", "tsql", "sqlite"),
        "sql",
    ),
    **dict.fromkeys(
        (
            "bash",
            "sh",
            "shell",
            "zsh",
            "ksh",
            "fish",
            "console",
            "shell-session",
            "shellsession",
            "terminal",
            "powershell",
            "ps1",
            "pwsh",
            "ps",
            "cmd",
            "bat",
            "batch",
            "doscon",
            "sh-session",
            "shellscript",
            "posh",
        ),
        "shell",
    ),
    **dict.fromkeys(
        (
            "yaml",
            "yml",
            "json",
            "jsonc",
            "json5",
            "toml",
            "ini",
            "cfg",
            "conf",
            "hcl",
            "terraform",
            "tf",
            "xml",
            "nginx",
            "properties",
            "env",
            "dotenv",
            "dockerfile",
            "apache",
            "systemd",
            "caddyfile",
            "helm",
        ),
        "config",
    ),
    **dict.fromkeys(
        ("text", "txt", "output", "log", "logs", "plaintext", "plain", "stdout"), "output"
    ),
    **dict.fromkeys(DIAGRAM_LANGS, "diagram"),
    **dict.fromkeys(
        (
            "promql",
            "logql",
            "metricsql",
            "traceql",
            "kql",
            "kusto",
            "spl",
            "splunk",
            "lucene",
            "flux",
            "influxql",
            "nrql",
            "esql",
            "eql",
            "sumo",
            "datadog",
        ),
        "query",
    ),
}
TRANSCRIPT_LANGS = frozenset(
    {"console", "shell-session", "shellsession", "terminal", "doscon", "sh-session"}
)

_SHELL_WORDS = frozenset(
    [
        "kubectl",
        "curl",
        "wget",
        "git",
        "aws",
        "gcloud",
        "az",
        "docker",
        "podman",
        "helm",
        "terraform",
        "systemctl",
        "journalctl",
        "psql",
        "mysql",
        "redis-cli",
        "ssh",
        "scp",
        "sudo",
        "cd",
        "ls",
        "cat",
        "grep",
        "egrep",
        "tail",
        "head",
        "echo",
        "export",
        "source",
        "kill",
        "pkill",
        "ps",
        "top",
        "htop",
        "df",
        "du",
        "free",
        "find",
        "rm",
        "mv",
        "cp",
        "mkdir",
        "chmod",
        "chown",
        "tar",
        "gzip",
        "openssl",
        "dig",
        "nslookup",
        "ping",
        "traceroute",
        "nc",
        "netstat",
        "ss",
        "iptables",
        "ip",
        "make",
        "npm",
        "npx",
        "yarn",
        "pip",
        "python",
        "python3",
        "go",
        "cargo",
        "java",
        "mvn",
        "vault",
        "consul",
        "nomad",
        "etcdctl",
        "ansible",
        "ansible-playbook",
        "watch",
        "xargs",
        "awk",
        "sed",
        "jq",
        "yq",
        "k9s",
        "kubectx",
        "kubens",
        "oc",
        "istioctl",
        "linkerd",
        "argocd",
        "flux",
        "eksctl",
        "az",
        "certbot",
        "nginx",
        "service",
        "mongo",
        "mongosh",
        "pg_dump",
        "pg_restore",
        "rsync",
        "crontab",
        "env",
        "set",
        "unset",
        "for",
        "while",
        "if",
        "tee",
        "sort",
        "uniq",
        "wc",
        "cut",
        "tr",
        "date",
        "sleep",
        "time",
        "touch",
        "ln",
        "apt",
        "apt-get",
        "yum",
        "dnf",
        "brew",
        "snap",
        "nohup",
        "screen",
        "tmux",
        "less",
        "more",
        "vi",
        "vim",
        "nano",
    ]
)
_SQL_START_RE = re.compile(
    r"^\s*(select|insert|update|delete|with|create|alter|drop|truncate|vacuum|reindex|"
    r"explain|analyze|grant|revoke|begin|commit|rollback|show|set|call|copy)\b",
    re.IGNORECASE,
)
_PROMQL_RE = re.compile(
    r"(\b(rate|irate|increase|sum|avg|max|min|count|histogram_quantile|topk|bottomk|"
    r"absent|delta|deriv|predict_linear|avg_over_time|max_over_time|sum_over_time|"
    r"count_over_time|quantile_over_time|label_replace)\s*(\(|by\b|without\b))|"
    r"\b[a-zA-Z_:][a-zA-Z0-9_:]*\{[^}]*[=~][^}]*\}|\[\d+[smhdw]\]|\|=\s*\"|\|~\s*\""
)
_BOX_CHARS = set("─│┌┐└┘├┤┬┴┼═║╔╗╚╝▶◀▲▼→←↑↓")
# A host's prompt before the command: `db-01 $ `, `workstation        $ `, `sh-5.1$ `,
# `host:~$ `, `/prometheus $ `, `[user@host dir]$ `, `(venv) $ ` — a first word (no quotes,
# no `=`) then `$ ` and the command; `echo "cost: $ 5"` and `awk '{print $ 1}'` never match.
_HOST = r"(?:\[[^\]\n]+\]|[\w.@~/:-]+)"
_HOST_PROMPT = rf"(?P<host>\([\w.-]+\) ?{_HOST}?|{_HOST}) *\$(?= +\S)"
PROMPT_RE = re.compile(
    r"^(?P<lead>\s*)(?:"
    + _HOST_PROMPT
    + r"|\$(?=\s|$)|%(?=\s|$)|PS(?: [^>\n]*)?>|>>>|[\w.-]+@[\w.-]+[^$#\n]*\$)\s?"
)
_PROMPT_RE = PROMPT_RE


def language_of(info: str) -> str:
    """The fence's language from its info string (``{bash}``, ``.sh title="x"``)."""
    word = info.strip().split(None, 1)[0] if info.strip() else ""
    return word.strip("{}.").lower().split(",")[0]


def classify(lang: str, text: str) -> str:
    """One of shell, sql, query, config, output, diagram, other."""
    if lang:
        kind = KIND_BY_LANG.get(lang)
        if kind:
            return kind
        if lang in (
            "md",
            "markdown",
            "python",
            "py",
            "go",
            "js",
            "javascript",
            "ts",
            "java",
            "rust",
            "ruby",
            "c",
            "cpp",
            "html",
            "css",
        ):
            return "other"
    return classify_content(text)


def classify_content(text: str) -> str:
    """Kind of an unlabelled block, from what it contains."""
    lines = [ln for ln in text.splitlines() if ln.strip()]
    if not lines:
        return "other"
    if sum(1 for ch in text if ch in _BOX_CHARS) >= 3 or _ascii_art(lines):
        return "diagram"
    if _TABLE_OUTPUT_RE.match(lines[0]):
        return "output"  # `ps` / `top` / `iotop` / `kubectl get` output pasted as is
    code_lines = [ln for ln in lines if not ln.lstrip().startswith(("#", "--", "//"))]
    first = (code_lines or lines)[0].strip()
    if _PROMPT_RE.match(first):
        return "shell"
    if _SQL_START_RE.match(first) and (
        ";" in text or len(lines) == 1 or re.search(r"\bfrom\b", text, re.IGNORECASE)
    ):
        return "sql"
    word = first.split()[0] if first.split() else ""
    if word in _SHELL_WORDS or word.startswith(("./", "/usr/", "/bin/", "~/")):
        return "shell"
    if _PROMQL_RE.search(text) and len(lines) <= 6:
        return "query"
    if first.startswith(("{", "[")) or all(
        re.match(r"^\s*(-\s+)?[\w.\-\"']+\s*[:=]", ln) or ln.strip().startswith(("-", "#"))
        for ln in lines[:10]
    ):
        return "config"
    return "other"


# The header line of tool output pasted without its command (ps, top, iotop, kubectl get).
_TABLE_OUTPUT_RE = re.compile(
    r"^\s*(?:USER\s+PID\b|UID\s+PID\b|PID\s+(?:USER|TTY|PPID)\b|\s*TID\s+PRIO\b|"
    r"Total DISK READ|top - \d|Tasks:\s+\d+ total|NAME\s+READY\s+STATUS\b|"
    r"NAMESPACE\s+NAME\s+READY\b|Filesystem\s+(?:Size|1K-blocks)\b|CONTAINER ID\s+IMAGE\b)"
)


def _ascii_art(lines: list[str]) -> bool:
    art = sum(1 for ln in lines if re.search(r"[+|][-=]{3,}[+|]|-->|==>|<--|\|\s{2,}\|", ln))
    return art >= 2


def plain_text(text: str) -> str:
    """Non-breaking spaces and smart quotes made plain."""
    return text.translate(_PLAIN)


_PLAIN = str.maketrans(
    {
        "\u00a0": " ",
        "\u202f": " ",
        "\u2007": " ",
        "\u2009": " ",
        "\u2018": "'",
        "\u2019": "'",
        "\u201a": "'",
        "\u201b": "'",
        "\u2032": "'",
        "\u201c": '"',
        "\u201d": '"',
        "\u201e": '"',
        "\u201f": '"',
        "\u2033": '"',
    }
)


def clean_command(text: str, lang: str = "", kind: str = "shell") -> str:
    """What a Copy button puts on the clipboard (see module docstring)."""
    text = plain_text(text)
    lines = text.split("\n")
    if kind == "shell" or lang in TRANSCRIPT_LANGS or kind == "other":
        lines = _strip_prompts(lines)
    out = "\n".join(ln.rstrip() for ln in lines)
    return out.strip("\n").rstrip()


def _strip_prompts(lines: list[str]) -> list[str]:
    """Remove prompts; when any line has one, lines without are output (dropped)."""
    prompted = [bool(_PROMPT_RE.match(ln)) and ln.strip() not in ("$", "%") for ln in lines]
    if not any(prompted):
        return lines
    out: list[str] = []
    continuing = False  # inside a multi-line command (trailing backslash, heredoc)
    heredoc: str | None = None
    for ln, has_prompt in zip(lines, prompted, strict=True):
        if heredoc is not None:
            out.append(ln)
            if ln.strip() == heredoc:
                heredoc = None
            continue
        if has_prompt:
            cmd = _PROMPT_RE.sub("", ln, count=1)
            out.append(cmd)
        elif continuing:
            out.append(ln)
        elif ln.lstrip().startswith("#"):
            out.append(ln)  # a comment (or a root prompt): never stripped, never dropped
        elif not ln.strip():
            out.append(ln) if out and out[-1].strip() else None
            continue
        else:
            continue  # output line of a transcript
        last = out[-1]
        continuing = last.rstrip().endswith(("\\", "|", "&&", "||")) or _open_quote(last)
        m = re.search(r"<<-?\s*['\"]?(\w+)['\"]?", last)
        if m:
            heredoc = m.group(1)
    return out


def prompt_host(line: str) -> str | None:
    """Where a prompted line runs: the prompt's host (``db-01``, ``user@host``), "" for a
    bare ``$ `` / ``% `` / ``PS>``; None when the line has no prompt."""
    m = _PROMPT_RE.match(line)
    if not m:
        return None
    host = (m.group("host") or "").strip()
    host = re.sub(r"^\([\w.-]+\) ?", "", host).strip("[]")  # (venv), [user@host dir]
    return host.split(":", 1)[0].split(" ", 1)[0]


def host_parts(text: str) -> list[str]:
    """A console block whose prompts name different hosts, cut into one part per host
    (a run of lines from one host's prompt to the next other host's prompt): each part is
    a separate command. ``[text]`` when the block runs on one host (or has no prompts)."""
    lines = text.split("\n")
    hosts = [prompt_host(ln) for ln in lines]
    if len({h for h in hosts if h is not None}) < 2:
        return [text]
    parts: list[list[str]] = [[]]
    current: str | None = None  # the host of the part being read (None: no prompt yet)
    for ln, host in zip(lines, hosts, strict=True):
        if host is not None and current is not None and host != current:
            parts.append([])
            while parts[-2] and parts[-2][-1].lstrip().startswith("#"):
                parts[-1].insert(0, parts[-2].pop())  # a comment goes with the next command
        if host is not None:
            current = host
        parts[-1].append(ln)
    return ["\n".join(p).strip("\n") for p in parts if "\n".join(p).strip()]


def command_part(command: Command, text: str) -> Command:
    """The command of one part of a block (see :func:`host_parts`): its own clean text
    and placeholders."""
    lines = command_text(text, command.lang, command.kind)
    return replace(
        command,
        text=text,
        clean=clean_command(text, command.lang, command.kind),
        placeholders=tuple(find_placeholders(lines)),
    )


def _open_quote(line: str) -> bool:
    return line.count("'") % 2 == 1 and "\\'" not in line


# --- placeholders -------------------------------------------------------------

_HTML_TAGS = frozenset(
    [
        "a",
        "b",
        "i",
        "p",
        "br",
        "hr",
        "div",
        "span",
        "html",
        "head",
        "body",
        "ul",
        "ol",
        "li",
        "em",
        "strong",
        "code",
        "pre",
        "table",
        "tr",
        "td",
        "th",
        "img",
        "input",
        "form",
        "script",
        "style",
        "meta",
        "link",
        "title",
        "h1",
        "h2",
        "h3",
        "h4",
        "h5",
        "h6",
        "none",
    ]
)
_PLACEHOLDER_RE = re.compile(
    r"<(?P<angle>[A-Za-z][\w.\-]*(?:[ _][\w.\-]+)*)>"
    r"|\$\{(?P<brace>[A-Za-z_][\w.\-]*)\}"
    r"|\{\{\s*(?P<moustache>[A-Za-z_][\w.\-]*)\s*\}\}"
    r"|(?<![\w\[])\[(?P<square>[A-Za-z][\w./ \-]*?)\](?![\(\[])"
    r"|(?<![\w$])(?P<your>YOUR_[A-Z0-9_]+|[A-Z][A-Z0-9]*(?:_[A-Z0-9]+)*_HERE|CHANGE_?ME)\b"
)
_CHAR_CLASS_RE = re.compile(r"^(?:[A-Za-z0-9]-[A-Za-z0-9])+$")


# A comment line saying that what follows is output, not commands.
_OUTPUT_MARK_RE = re.compile(
    r"^\s*(?:#+|//|--)\s*(?:(?:expected|example|sample|typical)\s+)?"
    r"(?:output|result|response)s?\b\s*(?::.*|\.|looks?\s+like.*|should\b.*|similar\b.*)?$",
    re.IGNORECASE,
)


def command_text(text: str, lang: str = "", kind: str = "shell") -> str:
    """The lines of a code block that are commands — where placeholders come from.

    Output never counts: not a whole output block, not the output lines of a
    console transcript (lines without a prompt when others have one), not
    what follows an ``# Expected output`` comment line. ``ps`` output such as
    ``[kthreadd]`` therefore never becomes a variable.
    """
    if kind in ("output", "diagram"):
        return ""
    lines = plain_text(text).split("\n")
    if kind in ("shell", "other") or lang in TRANSCRIPT_LANGS:
        lines = _strip_prompts(lines)
    out: list[str] = []
    for ln in lines:
        if _OUTPUT_MARK_RE.match(ln):
            break
        out.append(ln)
    return "\n".join(out)


def find_placeholders(text: str) -> list[str]:
    """Bare placeholder names in order of appearance, without duplicates."""
    if (
        not any(c in text for c in "<${[")
        and "YOUR_" not in text
        and "_HERE" not in text
        and "CHANGE" not in text
    ):
        return []
    found: list[str] = []
    for m in _PLACEHOLDER_RE.finditer(text):
        name = next(v for v in m.groupdict().values() if v is not None).strip()
        if m.group("angle") is not None and name.lower() in _HTML_TAGS:
            continue
        if m.group("square") is not None and (
            _CHAR_CLASS_RE.match(name) or name.startswith(":") or len(name) > 40
        ):
            continue
        if name and name not in found:
            found.append(name)
    return found


# -- which command comes next ------------------------------------------------------------------

NON_COMMAND_KINDS = frozenset({"output", "diagram"})  # shown, but never "the next command"


class NumberedBlock(Protocol):
    """A numbered code block as the reader shows it (``render.reader.CodeBlock``)."""

    @property
    def index(self) -> int: ...  # 1-based, document order
    @property
    def lang(self) -> str: ...
    @property
    def clean(self) -> str: ...
    @property
    def step(self) -> int | None: ...


def is_command(lang: str, clean: str) -> bool:
    """A block one would run: not empty, not output or a diagram (by its kind)."""
    return bool(clean.strip()) and classify(language_of(lang), clean) not in NON_COMMAND_KINDS


def next_command(blocks: Sequence[NumberedBlock], step: int | None, start: int) -> int | None:
    """The number of the next command to copy, at or after block number start.

    Within step first (when one is current), then any later command; None
    when no command is left.
    """
    later = [b for b in blocks if b.index >= start and is_command(b.lang, b.clean)]
    in_step = [b for b in later if step is not None and b.step == step]
    chosen = in_step or later
    return chosen[0].index if chosen else None
