"""Alerting rules read from Prometheus-style rule files, with the lines they stand on.

Read: plain rule files (``groups:`` → ``rules:``; Prometheus, Thanos, Mimir,
Loki, VictoriaMetrics), several YAML documents in one file, Kubernetes
``PrometheusRule`` manifests (``spec.groups``) and ``List`` manifests holding
them. Anything else is "not a rule file". YAML is composed (not loaded) with
the safe loader so every rule keeps its line; files are size-capped and YAML
aliases are refused (they could make a small file expand without bound).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

MAX_RULE_FILE_BYTES = 8 * 1024 * 1024
RULE_FILE_SUFFIXES = (".yml", ".yaml")
RUNBOOK_KEYS = ("runbook_url", "runbook", "runbook_link", "runbookurl")
_SKIP_DIRS = frozenset({".git", "node_modules", ".venv", "vendor"})


@dataclass(frozen=True, slots=True)
class AlertRule:
    name: str
    file: str  # the rule file as shown in findings
    line: int  # line of the rule's ``alert:`` key
    runbook: str = ""  # the link as written ("" when the rule has none)
    runbook_line: int = 0  # line of the annotation
    labels: tuple[tuple[str, str], ...] = ()  # static labels of the rule
    expr: str = ""


@dataclass
class RuleFile:
    shown: str
    rules: list[AlertRule] = field(default_factory=list)
    error: str = ""  # why the file could not be read ("" when it was)
    error_line: int = 0
    is_rule_file: bool = True


class _Refused(ValueError):
    def __init__(self, message: str, line: int = 0) -> None:
        super().__init__(message)
        self.line = line


def iter_rule_paths(paths: Iterable[str]) -> Iterator[tuple[str, Path, bool]]:
    """(shown path, file, named explicitly) for every file named or YAML file below a folder."""
    from rbdesk.core.library.roots import walk_files

    for raw in paths:
        p = Path(raw)
        if p.is_dir():
            for rel, f in walk_files(
                p, skip_dirs=_SKIP_DIRS, keep=lambda n: n.lower().endswith(RULE_FILE_SUFFIXES)
            ):
                yield str(Path(raw) / rel), f, False
        else:
            yield raw, p, True


def read_rule_file(path: Path, shown: str) -> RuleFile:
    """The alerting rules of one file; ``error`` says why it could not be read."""
    out = RuleFile(shown)
    try:
        with open(path, "rb") as fh:
            data = fh.read(MAX_RULE_FILE_BYTES + 1)
    except OSError as exc:
        out.error = f"cannot be read ({exc.strerror or exc})"
        return out
    if len(data) > MAX_RULE_FILE_BYTES:
        out.error = f"larger than {MAX_RULE_FILE_BYTES // (1024 * 1024)} MiB: not read"
        return out
    text = data.decode("utf-8", "replace")
    if "groups" not in text:
        out.is_rule_file = False
        return out
    try:
        docs = _compose_all(text)
        found_groups = False
        for doc in docs:
            groups = _groups_of(doc)
            if groups is not None:
                found_groups = True
                for g in groups:
                    out.rules.extend(_group_rules(g, shown))
        out.is_rule_file = found_groups
    except _Refused as exc:
        out.error, out.error_line = str(exc), exc.line
    return out


def _compose_all(text: str) -> list:
    import yaml

    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    try:
        return [d for d in yaml.compose_all(text, Loader=loader) if d is not None]
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        problem = getattr(exc, "problem", None) or "invalid YAML"
        raise _Refused(
            f"not valid YAML ({problem}); a template (Helm, Jsonnet) must be rendered first",
            mark.line + 1 if mark else 0,
        ) from None


# -- walking composed nodes (every node visited once: an alias is refused) -------------------
class _Walk:
    def __init__(self) -> None:
        self.seen: set[int] = set()

    def visit(self, node):
        if id(node) in self.seen:
            raise _Refused(
                "uses YAML anchors/aliases (&name, *name), which rbdesk refuses: "
                "write the values out",
                node.start_mark.line + 1,
            )
        self.seen.add(id(node))
        return node


def _mapping(node) -> dict[str, object]:
    import yaml

    if not isinstance(node, yaml.MappingNode):
        return {}
    out: dict[str, object] = {}
    for k, v in node.value:
        if isinstance(k, yaml.ScalarNode):
            out.setdefault(str(k.value), v)
    return out


def _scalar(node) -> str:
    import yaml

    return str(node.value) if isinstance(node, yaml.ScalarNode) else ""


def _sequence(node) -> list:
    import yaml

    return list(node.value) if isinstance(node, yaml.SequenceNode) else []


def _groups_of(doc) -> list | None:
    """The rule groups of one YAML document; None when it is not a rules document."""
    walk = _Walk()
    top = _mapping(walk.visit(doc))
    kind = _scalar(top.get("kind"))
    if kind == "List":
        found = [_groups_of(item) for item in _sequence(top.get("items"))]
        return None if all(g is None for g in found) else [x for g in found if g for x in g]
    if kind == "PrometheusRule" or (kind and "spec" in top):
        top = _mapping(walk.visit(top["spec"])) if "spec" in top else {}
    groups = top.get("groups")
    return [walk.visit(g) for g in _sequence(walk.visit(groups))] if groups is not None else None


def _group_rules(group, shown: str) -> Iterator[AlertRule]:
    walk = _Walk()
    for node in _sequence(_mapping(group).get("rules")):
        rule = _mapping(walk.visit(node))
        name_node = rule.get("alert")
        if name_node is None:
            continue  # a recording rule
        name = _scalar(name_node).strip()
        annotations = _mapping(walk.visit(rule["annotations"])) if "annotations" in rule else {}
        link, link_line = "", 0
        lowered = {k.lower(): v for k, v in annotations.items()}
        for key in RUNBOOK_KEYS:
            if key in lowered and _scalar(lowered[key]).strip():
                link = _scalar(lowered[key]).strip()
                link_line = lowered[key].start_mark.line + 1
                break
        labels = tuple(
            (k, _scalar(v))
            for k, v in (_mapping(walk.visit(rule["labels"])) if "labels" in rule else {}).items()
        )
        yield AlertRule(
            name,
            shown,
            name_node.start_mark.line + 1,
            link,
            link_line,
            labels,
            _scalar(rule.get("expr")),
        )


# -- templates ({{ $labels.x }}) ---------------------------------------------------------------
_TEMPLATE_RE = re.compile(r"\{\{-?\s*(.*?)\s*-?\}\}", re.S)
_LABEL_REF_RE = re.compile(r"^\$labels\.(\w+)$|^\.Labels\.(\w+)$|^index\s+\$labels\s+\"(\w+)\"$")
_MATCHER_RE = re.compile(r"\b(\w+)\s*(=~|=)\s*\"((?:[^\"\\]|\\.)*)\"")
MAX_EXPANSIONS = 64


def is_template(link: str) -> bool:
    return "{{" in link


def expand_template(rule: AlertRule) -> list[str] | None:
    """The links a templated runbook link can become, from values the rule fixes.

    A label's values come from the rule's static labels, else from ``label="v"``
    (or ``label=~"a|b"`` of plain words) matchers in its expression. None when
    any part of the template has no known values (it cannot be checked offline).
    """
    parts = _TEMPLATE_RE.split(rule.runbook)
    static = dict(rule.labels)
    matched: dict[str, set[str]] = {}
    for label, op, value in _MATCHER_RE.findall(rule.expr):
        if op == "=":
            matched.setdefault(label, set()).add(value)
        elif re.fullmatch(r"[\w.-]+(?:\|[\w.-]+)*", value):
            matched.setdefault(label, set()).update(value.split("|"))
    links = [""]
    for i, part in enumerate(parts):
        if i % 2 == 0:
            links = [s + part for s in links]
            continue
        m = _LABEL_REF_RE.match(part.strip())
        if m is None:
            return None
        label = next(g for g in m.groups() if g)
        if label in static and not is_template(static[label]):
            values = [static[label]]
        elif label in matched:
            values = sorted(matched[label])
        else:
            return None
        links = [s + v for s in links for v in values]
        if len(links) > MAX_EXPANSIONS:
            return None
    return links
