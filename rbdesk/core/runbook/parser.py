"""The runbook parser: one file → :class:`rbdesk.core.runbook.model.Runbook`.

Built on markdown-it-py's token stream, walked once as a ``SyntaxTreeNode``
tree. Each node type has a ``_visit_<type>`` method; extraction helpers live in
``meta`` (header fields), ``commands`` (code blocks), ``contacts`` and the
quality checks in ``checks``. Never raises on bad input: what cannot be read is
reported in ``Runbook.problems``.
"""

from __future__ import annotations

import datetime as _dt
import re
from pathlib import Path
from typing import Any

from rbdesk.core.runbook import commands as cmd
from rbdesk.core.runbook import contacts as ct
from rbdesk.core.runbook.checks import Facts, quality_problems
from rbdesk.core.runbook.markdown import (
    FrontMatterError,
    decode,
    load_front_matter,
    load_safe_yaml,
    markdown_parser,
    repair_fences,
    split_toml_front_matter,
)
from rbdesk.core.runbook.meta import (
    ID_TITLE_RE,
    MetaBuilder,
    header_pairs,
    is_placeholder,
    split_list,
)
from rbdesk.core.runbook.model import (
    WARNING,
    Alert,
    ChecklistItem,
    Command,
    Link,
    Problem,
    Runbook,
    Section,
    Step,
)
from rbdesk.core.runbook.readfaults import fault_problem, is_lfs_pointer, lfs_banner, lfs_problem
from rbdesk.core.runbook.safety import (
    PIPE_TO_SHELL_REASON,
    destructive_reasons,
    has_warning_words,
    hidden_characters,
    long_blank_runs,
)
from rbdesk.core.runbook.tree import build_tree, inline_plain

_PROCEDURE_RE = re.compile(
    r"procedure|steps\b|resolution|mitigat|remediat|recover|rollback|roll back|runbook|"
    r"deploy|immediate actions?|emergency|failover|restore|instructions|how to|actions\b|"
    r"response|playbook|fix\b|workaround",
    re.IGNORECASE,
)
_STEP_HEADING_RE = re.compile(r"^step\s*#?(\d{1,3})\b\s*[:.)\-–—]?\s*(.*)$", re.IGNORECASE)
_NUMBERED_RE = re.compile(r"^(\d{1,3})[.)]\s+(.+)$")
_VERIFY_RE = re.compile(
    r"verif|success criteria|validat|expected (?:output|result)|confirm|check that|health ?check",
    re.IGNORECASE,
)
_ESCALATION_RE = re.compile(r"escalat", re.IGNORECASE)
# Prose just before a block that says the block is output ("Expected output:").
_OUTPUT_LABEL_RE = re.compile(
    r"\b(?:expected|example|sample|typical)\s+(?:output|result|response)s?\b[^\n]*:?\s*$"
    r"|\boutput\s+(?:looks|should\s+look)\s+like\b[^\n]*$|\byou should see\b[^\n]*:\s*$",
    re.IGNORECASE,
)
_ALERT_LABEL_RE = re.compile(
    r"(?:^|[\s*_|-])alert(?:\s*name)?s?\s*(?:\*\*|__)?\s*:\s*(?:\*\*|__)?(?P<rest>.*)$",
    re.IGNORECASE,
)
_BACKTICK_RE = re.compile(r"`([^`\n]+)`")
_ID_RE = re.compile(r"\b(?:RUN|MON|DEP|RISK|INC)-\d+\b")
_SCHEME_RE = re.compile(r"^[a-zA-Z][a-zA-Z0-9+.-]*:")
_ALERT_FILE_RE = re.compile(r"^[A-Za-z][A-Za-z0-9]*$")
_ALERT_NAME_RE = re.compile(r"^[A-Za-z_:][\w:.-]*$")


def parse_text(
    text: str,
    path: str = "",
    *,
    file_path: Path | None = None,
    today: _dt.date | None = None,
    stale_days: int = 180,
    checks: bool = True,
    _pre_problems: list[Problem] | None = None,
) -> Runbook:
    """Parse Markdown text. ``file_path`` (the file on disk) enables link checks;
    ``checks=False`` skips the quality checks (the search index needs none)."""
    try:
        walker = _Walker(text, path)
    except Exception as exc:  # a fault of this file's text stays this file's finding
        return _unread(text, path, [*(_pre_problems or []), fault_problem(exc)])
    walker.problems.extend(_pre_problems or [])
    try:
        walker.run()
    except RecursionError:
        walker.problems.append(
            Problem(1, "RB109", WARNING, "nesting too deep to read completely: content is cut")
        )
    except Exception as exc:
        walker.problems.append(fault_problem(exc))
    try:
        rb = walker.finish()
    except Exception as exc:
        return _unread(walker.source, path, [*walker.problems, fault_problem(exc)])
    if checks:
        try:
            rb.problems.extend(
                quality_problems(
                    rb, walker.facts, file_path=file_path, today=today, stale_days=stale_days
                )
            )
        except Exception as exc:
            rb.problems.append(fault_problem(exc))
    rb.problems.sort(key=lambda p: (p.line, p.code))
    return rb


def _unread(text: str, path: str, problems: list[Problem]) -> Runbook:
    """The file as plain text with its findings, when even the walk could not start."""
    return Runbook(
        path=path, title=_title_from_path(path), problems=problems, body=text, source=text
    )


def parse_bytes(data: bytes, path: str = "", **kwargs: Any) -> Runbook:
    if is_lfs_pointer(data):  # never indexed as text: body stays empty
        problem = lfs_problem()
        return Runbook(path, _title_from_path(path), problems=[problem], source=lfs_banner())
    try:
        dec = decode(data)
    except Exception as exc:  # a fault of this file's bytes stays this file's finding
        return Runbook(path=path, title=_title_from_path(path), problems=[fault_problem(exc)])
    if dec.binary:
        return Runbook(path=path, title=_title_from_path(path), problems=dec.problems)
    return parse_text(dec.text, path, _pre_problems=dec.problems, **kwargs)


def parse_file(path: str | Path, relpath: str | None = None, **kwargs: Any) -> Runbook:
    """Parse a file on disk; ``relpath`` is how it is named (relative to its source)."""
    p = Path(path)
    from rbdesk.core.runbook.markdown import MAX_FILE_BYTES

    with open(p, "rb") as fh:
        data = fh.read(MAX_FILE_BYTES + 1)
    kwargs.setdefault("file_path", p)
    return parse_bytes(data, relpath or p.name, **kwargs)


def _title_from_path(path: str) -> str:
    p = Path(path or "untitled")
    stem = p.name
    for suffix in (".html.md", ".markdown", ".md"):
        if stem.lower().endswith(suffix):
            stem = stem[: -len(suffix)]
            break
    if stem.lower() in ("index", "_index", "readme") and p.parent.name:
        stem = p.parent.name
    if _ALERT_FILE_RE.match(stem) and re.search(r"[a-z][A-Z]", stem):
        return stem  # CamelCase (an alert name): keep as it is
    words = re.sub(r"[-_]+", " ", stem).strip()
    return (words[:1].upper() + words[1:]) if words else "Untitled"


class _Walker:
    def __init__(self, text: str, path: str) -> None:
        self.path = path
        self.problems: list[Problem] = []
        self.facts = Facts()
        self.meta = MetaBuilder()
        self.sections: list[Section] = []
        self.steps: list[Step] = []
        self.commands: list[Command] = []
        self.checklist: list[ChecklistItem] = []
        self.contacts: list = []
        self.alerts: list[Alert] = []
        self.links: list[Link] = []
        self.inline_code: list[str] = []
        self.body: list[str] = []
        self.fm_title = ""
        self.h1_title = ""
        self.id_title = ""
        self.stack: list[Section] = []  # enclosing headings
        self.in_header = True  # before the first heading that is not the first H1
        self.prose: list[str] = []  # recent prose of the current section
        self.pending_contact_label = False
        self.list_depth = 0
        text, toml_problems = self._toml_front_matter(text)
        self.problems.extend(toml_problems)
        self.source, fence_problems = repair_fences(text)
        self.problems.extend(fence_problems)

    def _toml_front_matter(self, text: str) -> tuple[str, list[Problem]]:
        data, text, problems = split_toml_front_matter(text)
        if data is not None:
            self._front_matter_mapping(data)
        return text, problems

    # -- driving -------------------------------------------------------------
    def run(self) -> None:
        tokens = markdown_parser().parse(self.source)
        self._visit_children(build_tree(tokens))

    def _visit_children(self, node) -> None:
        for child in node.children:
            getattr(self, f"_visit_{child.type}", self._visit_children)(child)

    @property
    def section(self) -> str:
        return self.stack[-1].title if self.stack else ""

    @property
    def anchor(self) -> str:
        return self.stack[-1].anchor if self.stack else ""

    def _in_contact_section(self) -> bool:
        return any(ct.CONTACT_HEADING_RE.search(s.title) for s in self.stack)

    def _in_procedure(self) -> bool:
        # The H1 names the document ("Runbook: X"), not a procedure.
        return any(_PROCEDURE_RE.search(s.title) for s in self.stack if s.level > 1)

    def _in_step(self) -> bool:
        return bool(self.stack) and bool(
            _STEP_HEADING_RE.match(self.stack[-1].title)
            or (_NUMBERED_RE.match(self.stack[-1].title) and len(self.stack) > 1)
        )

    @staticmethod
    def _line(node) -> int:
        return node.map[0] + 1 if node.map else 1

    # -- blocks ----------------------------------------------------------------
    def _visit_front_matter(self, node) -> None:
        line = self._line(node)
        try:
            data = load_front_matter(node.content, line)
        except FrontMatterError as exc:
            self.problems.append(Problem(exc.line, "RB106", WARNING, str(exc)))
            return
        self._front_matter_mapping(data, line)

    def _front_matter_mapping(self, data: dict, line: int = 1) -> None:
        for key, value in data.items():
            k = str(key)
            low = k.lower()
            if low == "title":
                if isinstance(value, str | int | float) and str(value).strip():
                    self.fm_title = str(value).strip()
                continue
            if low in ("alert", "alerts", "alertname", "alert_name", "alert_names"):
                for name in split_list(value):
                    self._add_alert(name, "", "")
                continue
            if low in (
                "weight",
                "menu",
                "draft",
                "layout",
                "aliases",
                "slug",
                "url",
                "booktoc",
                "bookhidden",
                "bookcollapsesection",
                "bookflatsection",
            ):
                continue  # site-generator settings, not runbook metadata
            self.meta.add(k, value, line)

    def _visit_heading(self, node) -> None:
        level = int(node.tag[1])
        title = inline_plain(node.children[0]).strip() if node.children else ""
        anchor = node.attrs.get("id", "") if node.attrs else ""
        line = self._line(node)
        sec = Section(title=title, level=level, anchor=str(anchor), line=line)
        self.sections.append(sec)
        if level == 1 and not self.h1_title and self.in_header:
            self.h1_title = title
            m = ID_TITLE_RE.match(title)
            if m:
                self.meta.add("id", m.group("id"), line)
        else:
            self.in_header = False
        while self.stack and self.stack[-1].level >= level:
            self.stack.pop()
        self.stack.append(sec)
        self.prose = [title]
        self.pending_contact_label = False
        self.body.append(title)
        if _ESCALATION_RE.search(title):
            self.facts.has_escalation = True
        if _VERIFY_RE.search(title):
            self.facts.has_verification = True
        self._inline(node.children[0], line) if node.children else None
        m = _STEP_HEADING_RE.match(title)
        if m is None and len(self.stack) > 1 and self._in_procedure_parent():
            m = _NUMBERED_RE.match(title)
        if m:
            parent = self.stack[-2].title if len(self.stack) > 1 else ""
            self.steps.append(Step(int(m.group(1)), m.group(2).strip() or title, parent, line))

    def _in_procedure_parent(self) -> bool:
        return any(_PROCEDURE_RE.search(s.title) for s in self.stack[:-1] if s.level > 1)

    def _visit_paragraph(self, node) -> None:
        inline = node.children[0] if node.children else None
        if inline is None:
            return
        line = self._line(node)
        text = self._inline(inline, line)
        self.body.append(text)
        src_lines = inline.content.split("\n")
        if self.in_header and self.list_depth == 0:
            self._header_paragraph(src_lines, line)
        self._alert_labels(src_lines, line)
        bold = self._bold_only(inline)
        if bold is not None:
            label = bold.rstrip(":").strip()
            if _ESCALATION_RE.search(label):
                self.facts.has_escalation = True
            if _VERIFY_RE.search(label):
                self.facts.has_verification = True
            if ct.CONTACT_HEADING_RE.search(label):
                self.pending_contact_label = True
            m = _NUMBERED_RE.match(label) or _STEP_HEADING_RE.match(label)
            if m and self.list_depth == 0:
                title = m.group(2).strip().rstrip(":").strip() or label
                self.steps.append(Step(int(m.group(1)), title, self.section, line))
        else:
            lead = self._bold_lead(inline)
            if lead and _VERIFY_RE.search(lead):
                self.facts.has_verification = True
            if lead and _ESCALATION_RE.search(lead):
                self.facts.has_escalation = True
            if re.match(
                r"^(?:verification|success criteria|expected)", text.strip(), re.IGNORECASE
            ):
                self.facts.has_verification = True
        self.prose = ([*self.prose, text])[-3:]

    def _header_paragraph(self, src_lines: list[str], line: int) -> None:
        first = src_lines[0].strip() if src_lines else ""
        offset = 0
        if not self.h1_title and not self.id_title and not self.sections:
            m = ID_TITLE_RE.match(first)
            if m and not first.startswith(("**", "__")):
                self.id_title = m.group("title").strip()
                self.meta.add("id", m.group("id"), line)
                offset = 1
        pairs = header_pairs(src_lines[offset:]) if len(src_lines) > offset else None
        for off, key, value in pairs or []:
            self.meta.add(key, value, line + offset + off)

    @staticmethod
    def _bold_only(inline) -> str | None:
        """Text of a paragraph that is only a bold label (``**Contacts:**``)."""
        kids = [c for c in inline.children if not (c.type == "text" and not c.content.strip())]
        if len(kids) == 1 and kids[0].type == "strong":
            return inline_plain(kids[0]).strip()
        if (
            len(kids) == 2
            and kids[0].type == "strong"
            and kids[1].type == "text"
            and kids[1].content.strip() == ":"
        ):
            return inline_plain(kids[0]).strip() + ":"
        return None

    @staticmethod
    def _bold_lead(inline) -> str:
        kids = inline.children
        if kids and kids[0].type == "strong":
            return inline_plain(kids[0]).strip()
        return ""

    def _alert_labels(self, src_lines: list[str], line: int) -> None:
        for ln in src_lines:
            if "alert" not in ln.lower() or "`" not in ln:
                continue
            m = _ALERT_LABEL_RE.search(ln)
            if m:
                for name in _BACKTICK_RE.findall(m.group("rest")):
                    self._add_alert(name.strip(), self.section, self.anchor)

    def _visit_blockquote(self, node) -> None:
        self._visit_children(node)

    def _visit_bullet_list(self, node) -> None:
        self._list(node, ordered=False)

    def _visit_ordered_list(self, node) -> None:
        self._list(node, ordered=True)

    def _list(self, node, ordered: bool) -> None:
        contact_mode = self.pending_contact_label or self._in_contact_section()
        self.pending_contact_label = False
        start = int(node.attrs.get("start", 1)) if node.attrs else 1
        step_list = (
            ordered and self.list_depth == 0 and self._in_procedure() and not self._in_step()
        )
        found_contacts = []
        when_text = ""
        self.list_depth += 1
        try:
            for i, item in enumerate(node.children):
                line = self._line(item)
                first = next((c for c in item.children if c.type == "paragraph"), None)
                inline = first.children[0] if first is not None and first.children else None
                text = inline_plain(inline).strip() if inline is not None else ""
                is_task = bool(item.attrs) and "task-list-item" in str(item.attrs.get("class", ""))
                if is_task:
                    checked = any(
                        c.type == "html_inline" and 'checked="checked"' in c.content
                        for c in (inline.children if inline is not None else [])
                    )
                    self.checklist.append(ChecklistItem(text, checked, self.section, line))
                if step_list and text and not _only_link(inline):
                    # The whole first paragraph: a step's title may wrap over source lines.
                    title = " ".join(text.split()).rstrip(":").strip()
                    self.steps.append(Step(start + i, title, self.section, line))
                if contact_mode and inline is not None and not is_task:
                    bold = self._bold_lead(inline)
                    label, rest = ct.split_label(text, bold or None)
                    if label and ct.when_label(label):
                        when_text = rest
                    c = ct.contact_from_text(rest.split("\n", 1)[0], label, self.section)
                    if c is not None:
                        found_contacts.append(c)
                self._visit_children(item)
        finally:
            self.list_depth -= 1
        if when_text:
            from dataclasses import replace

            found_contacts = [c if c.when else replace(c, when=when_text) for c in found_contacts]
        self.contacts.extend(found_contacts)

    def _visit_list_item(self, node) -> None:  # only reached outside _list
        self._visit_children(node)

    def _visit_table(self, node) -> None:
        line = self._line(node)
        headers: list[str] = []
        rows: list[list[str]] = []
        for part in node.children:  # thead, tbody
            for tr in part.children:
                cells = []
                for cell in tr.children:
                    inline = cell.children[0] if cell.children else None
                    cell_line = self._line(tr) if tr.map else line
                    cells.append(self._inline(inline, cell_line).strip() if inline else "")
                if part.type == "thead":
                    headers = cells
                else:
                    rows.append(cells)
        self.body.append("\n".join(" | ".join(r) for r in [headers, *rows]))
        low = [h.lower().strip() for h in headers]
        if self._in_contact_section() or ct.is_contact_table(headers):
            self.contacts.extend(ct.contacts_from_table(headers, rows, self.section))
        alert_col = next(
            (i for i, h in enumerate(low) if h in ("alert", "alert name", "alertname", "alerts")),
            None,
        )
        if alert_col is not None:
            for r in rows:
                if alert_col < len(r):
                    name = r[alert_col].strip().strip("`").strip()
                    if name and not is_placeholder(name):
                        self._add_alert(name, self.section, self.anchor)
        if any(_VERIFY_RE.search(h) for h in low):
            self.facts.has_verification = True

    def _visit_fence(self, node) -> None:
        self._code(node, node.info or "")

    def _visit_code_block(self, node) -> None:
        self._code(node, "")

    def _code(self, node, info: str) -> None:
        line = self._line(node)
        text = node.content[:-1] if node.content.endswith("\n") else node.content
        lang = cmd.language_of(info)
        kind = cmd.classify(lang, text)
        clean = cmd.clean_command(text, lang, kind) if kind != "output" else text.rstrip()
        clean = clean.rstrip("\n") if kind in ("output", "diagram") else clean
        after_output_label = bool(self.prose) and bool(_OUTPUT_LABEL_RE.search(self.prose[-1]))
        placeholders = (
            ()
            if after_output_label
            else tuple(cmd.find_placeholders(cmd.command_text(text, lang, kind)))
        )
        c = Command(lang, kind, text, clean, self.section, line, placeholders)
        self.commands.append(c)
        self.body.append(text)
        if kind in ("shell", "sql", "other", "query"):
            reasons = destructive_reasons(text)
            if PIPE_TO_SHELL_REASON in reasons:  # RB303, reported even with a warning
                self.facts.pipe_to_shell.append(line + 1)
                reasons.remove(PIPE_TO_SHELL_REASON)
            if reasons:
                context = " ".join([*self.prose, self.section]) + "\n" + text
                if not has_warning_words(context):
                    self.facts.destructive_unwarned.append((line, reasons[0]))
        for off, _ch, what in hidden_characters(text)[:1]:
            self.facts.hidden.append((line + 1 + text.count("\n", 0, off), what))
        if kind != "output":
            for n, length in long_blank_runs(text)[:1]:
                self.facts.blank_runs.append((line + n, length))
        if lang in ("yaml", "yml") and "alert" in text:
            self._yaml_alerts(text)
        if kind in ("output",) and _VERIFY_RE.search(" ".join(self.prose[-1:])):
            self.facts.has_verification = True

    def _yaml_alerts(self, text: str) -> None:
        try:
            data = load_safe_yaml(text)
        except Exception:
            for m in re.finditer(r"^\s*-?\s*alert:\s*[\"']?([\w:.-]+)", text, re.MULTILINE):
                self._add_alert(m.group(1), self.section, self.anchor)
            return
        stack = [data]
        seen = 0
        while stack and seen < 10_000:
            seen += 1
            obj = stack.pop(0)
            if isinstance(obj, dict):
                name = obj.get("alert")
                if isinstance(name, str) and name.strip():
                    anchor = str(obj.get("runbook_section") or "").strip().lstrip("#")
                    self._add_alert(name.strip(), self.section, anchor or self.anchor)
                stack.extend(obj.values())
            elif isinstance(obj, list):
                stack.extend(obj)

    def _visit_hr(self, node) -> None:
        return

    # -- inline ------------------------------------------------------------------
    def _inline(self, inline, line: int) -> str:
        """Plain text of an inline node; records links, ids and inline code."""
        out: list[str] = []
        self._inline_walk(inline, line, out)
        text = "".join(out)
        for m in _ID_RE.finditer(text):
            self.links.append(Link(m.group(0), "id", line, m.group(0)))
        return text

    def _inline_walk(self, node, line: int, out: list[str]) -> int:
        for ch in node.children:
            t = ch.type
            if t == "text":
                out.append(ch.content)
            elif t == "code_inline":
                out.append(ch.content)
                self.inline_code.append(ch.content)
            elif t in ("softbreak", "hardbreak"):
                out.append("\n")
                line += 1
            elif t == "link":
                inner: list[str] = []
                self._inline_walk(ch, line, inner)
                label = "".join(inner)
                out.append(label)
                href = str(ch.attrs.get("href", ""))
                self.links.append(Link(href, _link_kind(href), line, label))
            elif t == "image":
                inner = []
                self._inline_walk(ch, line, inner)
                out.append("".join(inner))
            elif t == "html_inline":
                continue
            elif ch.children:
                line = self._inline_walk(ch, line, out)
        return line

    def _add_alert(self, name: str, section: str, anchor: str) -> None:
        name = name.strip()
        if not name or is_placeholder(name) or len(name) > 120:
            return
        for i, a in enumerate(self.alerts):
            if a.name == name:
                if not a.anchor and anchor:
                    self.alerts[i] = Alert(name, section or a.section, anchor)
                return
        self.alerts.append(Alert(name, section, anchor))

    # -- result --------------------------------------------------------------------
    def finish(self) -> Runbook:
        meta = self.meta.meta
        title = self.fm_title or self.h1_title or self.id_title or _title_from_path(self.path)
        stem = _title_from_path(self.path)
        if (
            _ALERT_FILE_RE.match(stem)
            and stem.lower() not in ("readme", "index", "runbook")
            and (re.search(r"[a-z][A-Z]", stem) or stem in (self.h1_title, self.fm_title))
        ):
            self._add_alert(stem, "", "")
        own_id = str(meta.get("id", ""))
        links = [lk for lk in self.links if not (lk.kind == "id" and lk.target == own_id)]
        seen_ids: set[str] = set()
        deduped = []
        for lk in links:
            if lk.kind == "id":
                if lk.target in seen_ids:
                    continue
                seen_ids.add(lk.target)
            deduped.append(lk)
        placeholders: list[str] = []
        for c in self.commands:
            for p in c.placeholders:
                if p not in placeholders:
                    placeholders.append(p)
        for code in self.inline_code:
            for p in cmd.find_placeholders(code):
                if p not in placeholders:
                    placeholders.append(p)
        self.facts.header_placeholders = self.meta.placeholders
        self.facts.bad_dates = self.meta.bad_dates
        if self.checklist and any(_VERIFY_RE.search(i.section) for i in self.checklist):
            self.facts.has_verification = True
        return Runbook(
            path=self.path,
            title=title,
            meta=meta,
            sections=self.sections,
            steps=self.steps,
            commands=self.commands,
            placeholders=placeholders,
            checklist=self.checklist,
            contacts=_dedupe_contacts(self.contacts),
            alerts=self.alerts,
            links=deduped,
            problems=self.problems,
            body="\n".join(b for b in self.body if b),
            source=self.source,
            inline_code=self.inline_code,
        )


def _only_link(inline) -> bool:
    kids = [c for c in inline.children if not (c.type == "text" and not c.content.strip())]
    return len(kids) == 1 and kids[0].type == "link"


def _dedupe_contacts(contacts: list) -> list:
    out = []
    seen = set()
    for c in contacts:
        key = (c.name.lower(), c.role.lower(), c.phone, c.email, c.chat)
        if key not in seen:
            seen.add(key)
            out.append(c)
    return out


def _link_kind(href: str) -> str:
    if href.startswith("#"):
        return "anchor"
    if _SCHEME_RE.match(href) or href.startswith("//"):
        return "external"
    target = href.split("#", 1)[0].split("?", 1)[0]
    if target.lower().endswith((".md", ".markdown")):
        return "runbook"
    return "file"
