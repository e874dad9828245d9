"""Read a pasted alert notification: who fired, with which labels, and its runbook link.

Pure text in, :class:`AlertPaste` out (no Library, no I/O). Understood:

* an Alertmanager webhook payload (``"version": "4"``, one or several
  ``alerts``; Grafana's webhook has the same shape);
* ``amtool alert query -o json`` / the ``/api/v2/alerts`` list (a JSON array
  of alerts with ``labels``, ``annotations``, ``startsAt``, ``status.state``);
* one alert object (``{"labels": {...}, "annotations": {...}}``);
* the text of a Slack / Mattermost notification from the usual Alertmanager
  templates: ``[FIRING:2] AlertName (value value…)`` title, ``• *label:* `value```
  detail lines, ``*Alert:*`` / ``*Description:*`` / ``*Runbook:*`` lines,
  ``<url|text>`` and ``[text](url)`` links;
* an e-mail / PagerDuty body from the default templates: ``Labels:`` and
  ``Annotations:`` blocks of `` - name = value`` lines, ``alertname=X`` or
  ``{alertname="X", namespace="y"}`` label sets;
* a bare ``runbook_url`` (a single URL, or ``runbook_url: URL``).

Values stay data: they are kept exactly as pasted (the copy rules quote and
sanitise them later); :meth:`Alert.hidden` names labels that carry control,
bidi or zero-width characters so callers can flag them. Anything else raises
:class:`AlertParseError` (exit code 2) with a one-line reason.

Why here: parsing is pure, but its only users are the alert use case, the
CLI and the app; placing it in ``core/usecases`` keeps the layer contract
as it is (a new foundation module would need a new contract entry).
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from typing import Any

from rbdesk.core.dataload import DataError, check_depth
from rbdesk.core.errors import RbdeskError
from rbdesk.core.runbook.safety import hidden_kind, terminal_safe

MAX_PASTE_BYTES = 1024 * 1024  # a webhook payload of a few hundred alerts fits easily
MAX_ALERTS = 500
MAX_VALUE_CHARS = 8192
MAX_LINE_CHARS = 8192  # a text line is cut here before any pattern sees it
RUNBOOK_KEYS = ("runbook_url", "runbook", "runbookurl", "runbook_link", "playbook", "runbookURL")


class AlertParseError(RbdeskError):
    """The paste is not an alert rbdesk understands (one-line reason)."""

    exit_code = 2


@dataclass(frozen=True, slots=True)
class Alert:
    """One alert as the notification carried it."""

    name: str  # alertname ("" when only a runbook URL was pasted)
    labels: dict[str, str] = field(default_factory=dict)
    annotations: dict[str, str] = field(default_factory=dict)
    status: str = ""  # "firing", "resolved", "" when unknown
    starts_at: str = ""  # as given (ISO 8601 from JSON, free text from chat)
    generator_url: str = ""
    runbook_url: str = ""

    def summary(self) -> str:
        return self.annotations.get("summary") or self.annotations.get("description") or ""

    def hidden(self) -> list[str]:
        """Label and annotation names whose values hold hidden characters."""
        out = []
        for kind, values in (("label", self.labels), ("annotation", self.annotations)):
            for k, v in values.items():
                if _has_hidden(v):
                    out.append(f"{kind} {k}")
        return out

    def to_dict(self) -> dict[str, Any]:
        return {
            "alert": self.name,
            "status": self.status,
            "starts_at": self.starts_at,
            "labels": dict(self.labels),
            "annotations": dict(self.annotations),
            "runbook_url": self.runbook_url,
            "generator_url": self.generator_url,
        }


@dataclass(frozen=True, slots=True)
class AlertPaste:
    """Everything one paste held."""

    # "alertmanager-webhook", "amtool-json", "alert-json", "chat" (Slack/Mattermost), "text", "url"
    format: str
    alerts: list[Alert]
    total: int = 0  # alerts the paste holds (``alerts`` keeps the first MAX_ALERTS)

    @property
    def dropped(self) -> int:
        return max(0, self.total - len(self.alerts))

    def count_line(self) -> str:
        """'the paste holds 20,000 alerts; showing the first 500' (or 'holds 3 alerts')."""
        total = max(self.total, len(self.alerts))
        line = f"the paste holds {total:,} alert{'s' if total != 1 else ''}"
        if self.dropped:
            line += f"; showing the first {len(self.alerts):,}"
        return line

    @property
    def first(self) -> Alert:
        return self.alerts[0]


def _has_hidden(text: str) -> bool:
    return any(hidden_kind(ch) is not None for ch in text if ch not in "\n\t")


def _clip(value: Any) -> str:
    text = value if isinstance(value, str) else json.dumps(value, ensure_ascii=False)
    return text[:MAX_VALUE_CHARS]


def visible(text: str) -> str:
    """One line of alert text for display: the terminal-safe rule of ``rbdesk show``
    (ESC as ``␛``, other hidden characters as ``⟦U+XXXX⟧``), newlines and tabs too."""
    return terminal_safe(text).replace("\n", "⟦U+000A⟧").replace("\t", "⟦U+0009⟧")


def looks_like_alert(text: str) -> bool:
    """Whether a paste into the open-by box is an alert notification rather than a REF."""
    t = text.strip()
    if not t:
        return False
    if "\n" in t or t[0] == "{" or "alertname" in t:
        return True
    return bool(_SLACK_TITLE_RE.match(t)) or (t[0] == "[" and t[-1] == "]")


# -- entry point ---------------------------------------------------------------------------
def parse_alert_text(data: str | bytes) -> AlertPaste:
    """Parse one paste; AlertParseError when it is not an alert."""
    if isinstance(data, bytes):
        if len(data) > MAX_PASTE_BYTES:
            raise _too_big(len(data))
        data = data.decode("utf-8", errors="replace")
    if len(data) > MAX_PASTE_BYTES or len(data.encode("utf-8", "surrogatepass")) > MAX_PASTE_BYTES:
        raise _too_big(len(data.encode("utf-8", "surrogatepass")))
    text = data.lstrip("\ufeff").strip()
    if not text:
        raise AlertParseError("empty paste: nothing to read an alert from")
    if "\x00" in text:
        raise AlertParseError("not an alert: the paste holds NUL bytes (binary data?)")
    if text[0] in "{[":
        try:
            obj = json.loads(text)
        except json.JSONDecodeError as exc:
            first = text.split("\n", 1)[0].strip()
            if not (_SLACK_TITLE_RE.match(first) or _LABEL_SET_RE.match(first)):
                raise AlertParseError(
                    f"invalid JSON at line {exc.lineno} column {exc.colno}: {exc.msg}"
                ) from None
        except RecursionError:
            raise AlertParseError("invalid JSON: nested too deeply") from None
        except ValueError as exc:  # an integer past Python's digit limit, …
            raise AlertParseError(f"invalid JSON: {str(exc).split(';')[0]}") from None
        else:
            try:  # values are shown and copied as text: no nesting str() cannot print
                check_depth(obj)
            except DataError:
                raise AlertParseError("invalid JSON: nested too deeply") from None
            return _from_json(obj)
    return _from_text(text)


def _too_big(n: int) -> AlertParseError:
    return AlertParseError(
        f"paste too large: more than {MAX_PASTE_BYTES // 1024 // 1024} MB "
        "(paste one notification, not a log)"
    )


# -- JSON ----------------------------------------------------------------------------------
def _from_json(obj: Any) -> AlertPaste:
    if isinstance(obj, dict) and isinstance(obj.get("alerts"), list):
        fmt = "alertmanager-webhook"
        items = obj["alerts"]
        common = (
            obj.get("commonAnnotations") if isinstance(obj.get("commonAnnotations"), dict) else {}
        )
    elif isinstance(obj, list):
        fmt, items, common = "amtool-json", obj, {}
    elif isinstance(obj, dict) and isinstance(obj.get("labels"), dict):
        fmt, items, common = "alert-json", [obj], {}
    else:
        raise AlertParseError(
            "not an alert: JSON without `alerts` (webhook payload) or `labels` (alert)"
        )
    alerts = []
    for i, item in enumerate(items[:MAX_ALERTS]):
        if not isinstance(item, dict) or not isinstance(item.get("labels"), dict):
            raise AlertParseError(f"not an alert: item #{i + 1} has no `labels` object")
        alerts.append(_alert_from_json(item, common))
    if not alerts:
        raise AlertParseError("not an alert: the payload lists no alerts")
    return AlertPaste(fmt, alerts, total=len(items))


def _alert_from_json(item: dict[str, Any], common: dict[str, Any]) -> Alert:
    labels = {str(k): _clip(v) for k, v in item["labels"].items()}
    raw_ann = item.get("annotations") if isinstance(item.get("annotations"), dict) else {}
    annotations = {str(k): _clip(v) for k, v in {**common, **raw_ann}.items()}
    status = item.get("status")
    if isinstance(status, dict):  # API v2 / amtool: {"state": "active", ...}
        status = status.get("state")
    starts = item.get("startsAt") or item.get("activeAt") or ""
    return Alert(
        name=labels.get("alertname", ""),
        labels=labels,
        annotations=annotations,
        status=str(status or ""),
        starts_at=_clip(starts),
        generator_url=_clip(item.get("generatorURL") or ""),
        runbook_url=_runbook_of(annotations),
    )


def _runbook_of(annotations: dict[str, str]) -> str:
    lowered = {k.lower(): v for k, v in annotations.items()}
    for key in RUNBOOK_KEYS:
        value = lowered.get(key.lower(), "").strip()
        if value:
            return value
    return ""


# -- text ----------------------------------------------------------------------------------
_SLACK_TITLE_RE = re.compile(
    r"^\W{0,4}\[(?P<status>FIRING|RESOLVED)(?::(?P<count>\d+))?[^\]]*\]\*?\s+(?P<rest>.+)$", re.I
)
# {alertname="KubePodCrashLooping", namespace="payments"} as Prometheus and amtool print it
_LABEL_SET_RE = re.compile(r'^\{\s*[A-Za-z_]\w*\s*(?:=|!=|=~)\s*"')
_URL_RE = re.compile(r"https?://[^\s<>|\"'`)\]]+", re.I)
_SLACK_LINK_RE = re.compile(r"<(https?://[^|>\s]+)(?:\|([^>]*))?>", re.I)
_MD_LINK_RE = re.compile(r"\[([^\[\]]{0,1000})\]\((https?://[^)\s]+)\)", re.I)
# • *namespace:* `payments`   - *pod*: `api-1`   *Severity:* critical
_STARRED_RE = re.compile(
    r"^\s*(?:[•·*\-]\s+)?\*{1,2}\s*(?P<key>[A-Za-z_][\w .-]{0,60}?)\s*"
    r"(?::\*{1,2}|\*{1,2}:)\s*(?P<value>.*)$"
)
# - namespace = payments    (Alertmanager __text_alert_list, e-mail, PagerDuty details)
# (the e-mail HTML template copied as text has no dash: "namespace = payments")
_DASH_PAIR_RE = re.compile(r"^\s*(?:[-•*]\s*)?(?P<key>[A-Za-z_][\w.-]*)\s*=\s*(?P<value>.*)$")
# Chat text copied from the client (rendered, no markup): "• namespace: payments",
# "Description: Pod …", "Runbook: https://…"
_PLAIN_KEY_RE = re.compile(
    r"^\s*(?P<bullet>[•·▪◦]\s*|[-*]\s+)?(?P<key>[A-Za-z_][\w .-]{0,40}?)\s*:\s+(?P<value>\S.*)$"
)
# alertname=KubePodCrashLooping, namespace="payments"  (also inside {…} label sets)
_PAIR_RE = re.compile(
    r"(?<![\w.-])(?P<key>[A-Za-z_][\w]*)\s*=\s*(?:\"(?P<q>(?:[^\"\\]|\\.)*)\"|(?P<v>[^\s,{}\"]+))"
)
_COLON_PAIR_RE = re.compile(
    r"^\s*(?P<key>alertname|runbook_url|runbook)\s*:\s*(?P<value>\S.*)$", re.I
)
_BLOCK_RE = re.compile(
    r"^\s*(?:(?:firing|resolved)\s*:\s*)?\*{0,2}(labels|annotations|details)\*{0,2}\s*:?\s*\*{0,2}\s*$",
    re.I,
)
_STARTED_RE = re.compile(
    r"^\s*\*{0,2}(?:starts?\s*at|started|since|firing since)\*{0,2}\s*:\*{0,2}\s*(?P<value>.+)$",
    re.I,
)

# Words in *Key:* lines of chat templates that are annotations, not labels.
_ANNOTATION_KEYS = {"summary", "description", "message", "title", "alert", "details"}


@dataclass
class _Draft:
    labels: dict[str, str] = field(default_factory=dict)
    annotations: dict[str, str] = field(default_factory=dict)
    starts_at: str = ""
    runbook_url: str = ""
    label_block: bool = False  # a "Labels:" block filled it (the next one is a new alert)

    def empty(self) -> bool:
        return not (self.labels or self.annotations or self.runbook_url)


def _unwrap(value: str) -> str:
    """A chat value without its markup: `x` → x, <url|text> → url, trailing spaces."""
    value = value.strip()
    if len(value) >= 2 and value[0] == value[-1] == "`" and "`" not in value.strip("`"):
        return value.strip("`")
    m = _SLACK_LINK_RE.fullmatch(value)
    if m:
        return m.group(1)
    m = _MD_LINK_RE.fullmatch(value)
    if m:
        return m.group(2)
    if len(value) >= 2 and value[0] == value[-1] and value[0] in "\"'":
        return value[1:-1]
    return value


def _norm_key(key: str) -> str:
    return re.sub(r"\s+", "_", key.strip()).lower()


def _text_lines(text: str) -> list[str]:
    """The paste's lines as the patterns see them: each cut to ``MAX_LINE_CHARS``
    and its runs of blanks made one space, so that no pattern's neighbouring
    ``\\s*`` can share a long run between them (that backtracking was cubic:
    "Labels" and 3,000 spaces took 24 s). Linear in the paste's length."""
    return [" ".join(raw[:MAX_LINE_CHARS].split()) for raw in text.splitlines()]


def _from_text(text: str) -> AlertPaste:
    lines = _text_lines(text)
    if len(lines) == 1 and _URL_RE.fullmatch(_unwrap(lines[0].strip())):
        url = _unwrap(lines[0].strip())
        return AlertPaste("url", [Alert("", runbook_url=url)])
    title = _SLACK_TITLE_RE.match(lines[0].strip())
    drafts: list[_Draft] = [_Draft()]
    block = ""
    fmt = "text"
    for raw in lines[1:] if title else lines:
        line = raw.rstrip()
        cur = drafts[-1]
        if not line.strip():
            continue
        b = _BLOCK_RE.match(line)
        if b:
            block = b.group(1).lower()
            if block == "labels":
                if cur.label_block:
                    drafts.append(_Draft())
                    cur = drafts[-1]
                cur.label_block = True
            continue
        m = _DASH_PAIR_RE.match(line)
        if m and block in ("labels", "annotations"):
            key, value = m.group("key"), _clip(_unwrap(m.group("value")))
            if block == "labels":
                if cur.labels.get(key, value) != value:  # same label again: the next alert
                    drafts.append(_Draft(label_block=True))
                    cur = drafts[-1]
                cur.labels[key] = value
            else:
                cur.annotations[key] = value
            continue
        s = _STARTED_RE.match(line)
        if s:
            cur.starts_at = _unwrap(s.group("value"))[:200]
            continue
        m = _STARRED_RE.match(line)
        if m:
            drafts = _keyed(
                drafts, _norm_key(m.group("key")), m.group("value"), block, r"`([^`]+)`"
            )
            fmt = "chat"
            continue
        m = _PLAIN_KEY_RE.match(line)
        if m and not _URL_RE.match(line.strip()):
            key = _norm_key(m.group("key"))
            known = key in _ANNOTATION_KEYS or "runbook" in key or key == "alertname"
            if m.group("bullet") or known or block in ("labels", "annotations"):
                drafts = _keyed(drafts, key, m.group("value"), block, r"(\w+)")
                fmt = "chat" if (m.group("bullet") or "").strip() in ("•", "·") else fmt
                continue
        m = _COLON_PAIR_RE.match(line)
        if m:
            key = m.group("key").lower()
            if key == "alertname":
                cur.labels["alertname"] = _clip(_unwrap(m.group("value")))
            else:
                cur.runbook_url = _first_url(m.group("value")) or cur.runbook_url
            continue
        if "runbook" in line.lower():
            url = _first_url(line)
            if url:
                cur.runbook_url = cur.runbook_url or url
                continue
        pairs = list(_PAIR_RE.finditer(line))
        if any(p.group("key") == "alertname" for p in pairs) or (block == "labels" and pairs):
            if "alertname" in cur.labels and any(p.group("key") == "alertname" for p in pairs):
                drafts.append(_Draft())
                cur = drafts[-1]
            for p in pairs:
                value = p.group("q") if p.group("q") is not None else p.group("v")
                cur.labels.setdefault(p.group("key"), _clip(value.replace('\\"', '"')))
    drafts = [d for d in drafts if not d.empty()]
    title_name, title_status = "", ""
    if title:
        title_status = title.group("status").lower()
        title_name = _title_alertname(title.group("rest"))
    if not drafts and title_name:
        drafts = [_Draft()]
    if not drafts:
        raise AlertParseError(
            "not an alert: no alertname, label lines or runbook link found "
            "(paste a webhook payload, amtool JSON, a Slack/e-mail notification or a URL)"
        )
    alerts = []
    for d in drafts[:MAX_ALERTS]:
        for k in [k for k in d.annotations if k in RUNBOOK_KEYS]:
            d.runbook_url = d.runbook_url or _first_url(d.annotations[k]) or ""
        name = d.labels.get("alertname") or title_name
        if not name and not d.runbook_url:
            continue
        if name and "alertname" not in d.labels:
            d.labels = {"alertname": name, **d.labels}
        alerts.append(
            Alert(
                name=name,
                labels=d.labels,
                annotations=d.annotations,
                status=title_status,
                starts_at=d.starts_at,
                runbook_url=d.runbook_url,
            )
        )
    if not alerts:
        raise AlertParseError("not an alert: label lines without an alertname or runbook link")
    if fmt == "text" and not title and len(alerts) and "alertname" not in alerts[0].labels:
        fmt = "url"
    total = len(alerts) + sum(
        1 for d in drafts[MAX_ALERTS:] if d.labels.get("alertname") or title_name or d.runbook_url
    )
    return AlertPaste(fmt, alerts, total=total)


def _keyed(drafts: list[_Draft], key: str, value: str, block: str, sev_re: str) -> list[_Draft]:
    """Apply one ``Key: value`` line of a chat notification (``*Key:*`` or plain)."""
    cur = drafts[-1]
    if key == "alert" and not cur.empty():  # each "*Alert:*" line starts the next alert
        cur = _Draft()
        drafts.append(cur)
    if "runbook" in key:
        cur.runbook_url = _first_url(value) or cur.runbook_url
    elif key in _ANNOTATION_KEYS or block == "annotations":
        text = _unwrap(value)
        if key == "alert":  # "*Alert:* summary - `severity`" (the common chat template)
            sev = re.search(rf"\s-\s{sev_re}\s*$", value)
            if sev:
                cur.labels.setdefault("severity", sev.group(1))
                text = _unwrap(value[: sev.start()])
            key = "summary"
        cur.annotations[key] = _clip(text)
    else:
        cur.labels[key] = _clip(_unwrap(value))
    return drafts


def _first_url(text: str) -> str:
    m = _SLACK_LINK_RE.search(text)
    if m:
        return m.group(1)
    m = _MD_LINK_RE.search(text)
    if m:
        return m.group(2)
    m = _URL_RE.search(text)
    return m.group(0).rstrip(".,;") if m else ""


def _title_alertname(rest: str) -> str:
    """The alert name in a title's group values (``KubePodCrashLooping (payments api)``)."""
    head = re.split(r"\s\(", rest, maxsplit=1)[0]
    words = [w.strip("*`_") for w in head.split()]
    for w in words:
        if re.fullmatch(r"[A-Za-z][A-Za-z0-9_:]*", w) and re.search(r"[A-Z]", w[1:]):
            return w
    return words[0] if words else ""


ParsedPaste = AlertPaste  # the parsed paste, named apart from the UI's AlertPaste flow
