"""From a parsed alert to its runbook, with the runbook's variables filled from the labels.

    paste = parse_alert_text(text)                  # core/usecases/alerts.py
    opened = open_alert(lib, paste.first, docs_prefixes=settings.docs_prefixes)
    opened.resolved                                  # Resolved | None
    opened.variables                                 # {"NAMESPACE": "payments", ...}
    use_alert(settings, opened)                      # the incident's variables (then save)

The runbook is found from the ``runbook_url`` first (every link form REFs
understand), then from the alert name. A placeholder takes the value of the
label whose name is the same ignoring case, ``-``/``_``/spaces and a
``my-``/``your-`` prefix (``$NAMESPACE``, ``<namespace>``, ``{{pod}}``,
``<my-namespace>`` ← ``namespace``); ``instance`` also fills ``HOST`` and
``NODE`` when it is ``host:port``. Values stay data: nothing here interprets
them; the copy rules quote and sanitise them.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING, Any

from rbdesk.core.errors import NotFoundError
from rbdesk.core.runbook.copyrules import sets_itself, valid_variable_name
from rbdesk.core.usecases.alerts import Alert
from rbdesk.core.usecases.refs import RefResolver, Resolved

if TYPE_CHECKING:
    from rbdesk.core.facade import Library
    from rbdesk.core.runbook.model import Runbook
    from rbdesk.core.settings import Settings

# $NAME tokens in commands that are the shell's, never an incident's.
_SHELL_VARS = frozenset(
    "HOME PATH USER PWD OLDPWD SHELL TERM LANG LC_ALL TMPDIR EDITOR PAGER UID EUID "
    "PPID RANDOM SECONDS LINENO IFS PS1 PS2 HOSTNAME DISPLAY KUBECONFIG".split()
)
_BARE_VAR_RE = re.compile(r"(?<![\w$\\])\$([A-Z][A-Z0-9_]*)(?![\w])")
_HOST_PORT_RE = re.compile(
    r"^(?:\[(?P<v6>[0-9A-Fa-f:.]+)\]|(?P<host>[^:/\s\[\]]+)):(?P<port>\d{1,5})$"
)
_FENCE_RE = re.compile(r"^ {0,3}(`{3,}|~{3,}).*?^ {0,3}\1[ \t]*$", re.M | re.S)
_INLINE_CODE_RE = re.compile(r"(?<!`)`([^`\n]+)`(?!`)")
_PREFIX_RE = re.compile(r"^(?:my|your|the|target)(?=[-_ ])[-_ ]+", re.I)


@dataclass(slots=True)
class OpenedAlert:
    """An alert with the runbook it opens (None when none matched) and filled variables."""

    alert: Alert
    resolved: Resolved | None
    how: str = ""  # "runbook_url", "alertname" or ""
    variables: dict[str, str] = field(default_factory=dict)  # placeholder -> value
    from_label: dict[str, str] = field(default_factory=dict)  # placeholder -> label name
    problem: str = ""  # why the runbook_url (or the name) did not open

    def runbook_dict(self) -> dict[str, object] | None:
        """source, path, anchor, how, fallback and also (the other sources' candidates)."""
        return None if self.resolved is None else self.resolved.to_dict()

    def to_dict(self) -> dict[str, Any]:
        """The ``rbdesk alert - --json`` contract."""
        return {
            "alert": self.alert.name,
            "labels": dict(self.alert.labels),
            "annotations": dict(self.alert.annotations),
            "runbook": self.runbook_dict(),
            "variables": dict(self.variables),
        }


def _norm(name: str) -> str:
    name = _PREFIX_RE.sub("", name.strip())
    return re.sub(r"[-_\s.]", "", name).lower()


def runbook_placeholders(rb: Runbook) -> list[str]:
    """Placeholders a runbook's commands use: the parser's, plus bare UPPER ``$NAME``s;
    one entry per name in any case (``[HOSTNAME]`` and ``[hostname]`` are one variable:
    Copy fills ``<x>``/``[x]``/``${x}``/``{{x}}`` in any case). The UPPER spelling is
    kept when there is one: only it fills a bare ``$NAME`` (exact, as in the shell)."""
    names: dict[str, str] = {}  # casefold -> spelling, in order of first use

    def add(n: str) -> None:
        key = n.casefold()
        if key not in names or (n.isupper() and not names[key].isupper()):
            names[key] = n

    for n in rb.placeholders:
        add(n)
    texts = [c.clean for c in rb.commands if c.kind not in ("diagram", "output")]
    if "$" in rb.source:  # inline `kubectl -n $NAMESPACE …` (the app copies those too)
        texts += _INLINE_CODE_RE.findall(_FENCE_RE.sub("", rb.source))
    for text in texts:
        if "$" not in text:
            continue
        for m in _BARE_VAR_RE.finditer(text):
            n = m.group(1)
            if n not in _SHELL_VARS and not sets_itself(text, n):
                add(n)
    return list(names.values())


def match_labels(placeholders: list[str], labels: dict[str, str]) -> dict[str, tuple[str, str]]:
    """placeholder -> (value, label name) for every placeholder a label fills."""
    by_norm: dict[str, str] = {}
    for label in labels:
        by_norm.setdefault(_norm(label), label)
    out: dict[str, tuple[str, str]] = {}
    for ph in placeholders:
        if not valid_variable_name(ph):
            continue  # "<pod name>" cannot be an incident variable
        key = _norm(ph)
        label = by_norm.get(key)
        if label is None and key.endswith("name") and len(key) > 4:
            label = by_norm.get(key[:-4])  # NODE_NAME ← node, POD_NAME ← pod
        if label is not None and labels[label] != "":
            out[ph] = (labels[label], label)
            continue
        if key in ("host", "node", "hostname", "nodename") and "instance" in labels:
            host = instance_host(labels["instance"])
            if host:
                out[ph] = (host, "instance")
    return out


def instance_host(instance: str) -> str:
    """``10.0.0.5`` of ``10.0.0.5:9100`` (``[::1]:9100`` → ``::1``); "" when not host:port."""
    m = _HOST_PORT_RE.match(instance.strip())
    if not m:
        return ""
    return m.group("v6") or m.group("host") or ""


def open_alert(
    lib: Library, alert: Alert, docs_prefixes: dict[str, str] | None = None
) -> OpenedAlert:
    """Find alert's runbook (runbook_url first, then the name) and fill its variables.

    Both go through the one resolver (``core/usecases/refs.py``: source rank,
    ``also`` for the other sources' candidates); a runbook opened by the name
    because the link did not open is marked as a fallback.
    """
    resolver = RefResolver(lib, docs_prefixes, local_files=False)
    resolved: Resolved | None = None
    how = ""
    problems: list[str] = []
    if alert.runbook_url:
        try:
            resolved = resolver.resolve(alert.runbook_url)
            how = "runbook_url"
        except NotFoundError as exc:
            problems.append(exc.message)
    if alert.name and (resolved is None or resolved.how == "url-name"):
        # A runbook that names the alert beats a guess from the link's page name.
        hit = resolver.by_alert_name(alert.name)
        if hit is not None:
            if alert.runbook_url:
                hit = replace(
                    hit, fallback="its runbook_url did not open that page; opened by the alert name"
                )
            resolved, how = hit, "alertname"
        elif resolved is None:
            near = resolver.nearest(alert.name)
            tail = f"; nearest local runbooks: {', '.join(near)}" if near else ""
            problems.append(f"no runbook for alert {alert.name!r}{tail}")
    opened = OpenedAlert(alert, resolved, how, problem="; ".join(problems))
    if resolved is not None:
        matched = match_labels(runbook_placeholders(lib.load(resolved.file)), alert.labels)
        opened.variables = {k: v for k, (v, _label) in matched.items()}
        opened.from_label = {k: label for k, (_v, label) in matched.items()}
    return opened


# -- the incident's variables ---------------------------------------------------------------
def use_alert(settings: Settings, opened: OpenedAlert) -> list[str]:
    """Store opened's variables as the incident's; returns the names set.

    Values a previous alert set (and nobody edited since) are removed first, so
    that a pod name from the last page never fills this one's commands; values
    the user typed stay.
    """
    previous = settings.alert_context if isinstance(settings.alert_context, dict) else {}
    old_values = previous.get("values") if isinstance(previous.get("values"), dict) else {}
    for name, value in old_values.items():
        if settings.variables.get(name) == value and name not in opened.variables:
            settings.variables.pop(name, None)
    for name, value in opened.variables.items():
        settings.set_variable(name, value)
    settings.alert_context = alert_context(opened)
    return list(opened.variables)


def alert_context(opened: OpenedAlert) -> dict[str, Any]:
    """What the app shows about the alert behind the incident's variables."""
    a = opened.alert
    return {
        "alert": a.name,
        "status": a.status,
        "starts_at": a.starts_at,
        "labels": dict(a.labels),
        "summary": a.summary(),
        "runbook": opened.resolved.label() if opened.resolved else "",
        "values": dict(opened.variables),
        "from_label": dict(opened.from_label),
    }


def variables_from_alert(settings: Settings) -> dict[str, str]:
    """name -> label for incident variables still holding the value the alert gave."""
    ctx = settings.alert_context if isinstance(settings.alert_context, dict) else {}
    values = ctx.get("values") if isinstance(ctx.get("values"), dict) else {}
    labels = ctx.get("from_label") if isinstance(ctx.get("from_label"), dict) else {}
    return {n: str(labels.get(n, n)) for n, v in values.items() if settings.variables.get(n) == v}


MAX_ALERT_LABELS = 4  # labels named in a run's alert line


def incident_alert(settings: Settings, key: str) -> tuple[str, str]:
    """(name, one line) of the alert that opened the runbook key ("source:relpath"),
    from the incident's alert context; ("", "") when another runbook (or none) is its.

    The line is what a run records: 'KubePodCrashLooping (firing since
    2026-12-05T01:02:03Z; namespace=shop, pod=web-1)'.
    """
    ctx = settings.alert_context if isinstance(settings.alert_context, dict) else {}
    if not ctx.get("runbook") or str(ctx["runbook"]).split("#", 1)[0] != key:
        return "", ""
    name = str(ctx.get("alert") or "")
    labels = ctx.get("labels") if isinstance(ctx.get("labels"), dict) else {}
    pairs = [f"{k}={v}" for k, v in labels.items() if k != "alertname"][:MAX_ALERT_LABELS]
    state = str(ctx.get("status") or "")
    since = f" since {ctx['starts_at']}" if ctx.get("starts_at") else ""
    bits = "; ".join(b for b in (f"{state}{since}".strip(), ", ".join(pairs)) if b)
    line = f"{name or '(alert without a name)'}" + (f" ({bits})" if bits else "")
    return name, " ".join(line.split())


def default_run_name(alert_name: str, title: str, local_time: str) -> str:
    """A run started by a tick is named after its alert, else 'title local_time'."""
    return alert_name or f"{title} {local_time}"
