"""Alert rules against runbooks: rule file forms, link forms, anchor flavours, templates."""

from __future__ import annotations

import datetime as dt
import textwrap
from pathlib import Path

import pytest

from rbdesk.core.usecases.alertrules import AlertRule, expand_template, read_rule_file
from rbdesk.core.usecases.lint import LintOptions, run_lint

TODAY = dt.date(2026, 11, 26)


def write(root: Path, files: dict[str, str]) -> Path:
    for rel, text in files.items():
        p = root / rel
        p.parent.mkdir(parents=True, exist_ok=True)
        p.write_text(textwrap.dedent(text), encoding="utf-8")
    return root


def rule_file(*rules: tuple[str, str | None]) -> str:
    out = ["groups:", "- name: g", "  rules:"]
    for name, link in rules:
        out.append(f"  - alert: {name}")
        out.append("    expr: up == 0")
        if link is not None:
            out.append("    annotations:")
            out.append(f"      runbook_url: {link!r}")
    return "\n".join(out) + "\n"


def rb4(root: Path, rules: list[str], **kw) -> list:
    (root / ".git").mkdir(exist_ok=True)  # the repository root
    opts = LintOptions(today=TODAY, rules=[str(root / r) for r in rules], **kw)
    report = run_lint([str(root)], opts)
    return [f for f in report.findings if f.code.startswith("RB4")]


RUNBOOK = """\
# Api down

## Alert Name: ApiDown

## Check the load balancer {#check-lb}

## Runs -- and -- dashes

<a name="legacy-anchor"></a>

## Café & Ümlauts

## Repeat

## Repeat
"""


@pytest.mark.parametrize(
    ("link", "code"),
    [
        ("docs/api.md", None),
        ("docs/api.md#alert-name-apidown", None),  # GitHub / Hugo slug
        ("docs/api.md#Alert-Name-ApiDown", None),  # anchors compare without case
        ("docs/api.md#check-lb", None),  # {#id}
        ("docs/api.md#runs----and----dashes", None),  # GitHub keeps every dash
        ("docs/api.md#runs-and-dashes", None),  # GitLab squeezes them
        ("docs/api.md#legacy-anchor", None),  # <a name=…>
        ("docs/api.md#café--ümlauts", None),  # GitHub keeps letters
        ("docs/api.md#cafe-umlauts", None),  # MkDocs folds to ASCII
        ("docs/api.md#repeat-1", None),  # the second "Repeat"
        ("docs/api.md#L12", None),  # a line anchor
        ("./docs/api.md#check-lb", None),
        ("/docs/api.md", None),
        ("docs/", None),  # a folder: its README
        ("docs/api.md#no-such-heading", "RB401"),
        ("docs/gone.md", "RB401"),
        ("docs/Api.md", None),  # only the case differs (Hugo lower-cases paths)
        ("https://github.com/acme/runbooks/blob/main/docs/api.md#check-lb", None),
        ("https://github.com/acme/runbooks/blob/release/v2/docs/api.md#check-lb", None),
        ("https://github.com/acme/runbooks/tree/main/docs/api.md#nope", "RB401"),
        ("https://github.com/acme/runbooks/blob/main/docs/gone.md", "RB401"),
        ("https://raw.githubusercontent.com/acme/runbooks/main/docs/api.md", None),
        ("https://github.com/other/repo/blob/main/docs/api.md#nope", "RB404"),
        ("https://wiki.example.com/ApiDown", "RB404"),
    ],
)
def test_link_forms_and_anchor_flavours(tmp_path, link, code):
    write(
        tmp_path,
        {
            "docs/api.md": RUNBOOK,
            "docs/README.md": "# Docs\n",
            "rules/a.yml": rule_file(("ApiDown", link)),
        },
    )
    found = rb4(tmp_path, ["rules"], repo_urls=["git@github.com:acme/runbooks.git"])
    assert [f.code for f in found] == ([code] if code else [])
    for f in found:
        assert f.alert == "ApiDown"
        assert f.path.endswith("rules/a.yml") and f.line == 7  # the annotation's line


def test_gitlab_urls_of_the_repository_from_its_git_remote(tmp_path):
    write(
        tmp_path,
        {
            "docs/api.md": RUNBOOK,
            "rules/a.yml": rule_file(
                ("A", "https://gitlab.com/acme/ops/runbooks/-/blob/master/docs/api.md#check-lb"),
                ("B", "https://gitlab.com/acme/ops/runbooks/-/blob/master/docs/api.md#gone"),
            ),
            ".git/config": '[remote "origin"]\n\turl = https://gitlab.com/acme/ops/runbooks.git\n',
        },
    )
    found = rb4(tmp_path, ["rules"])
    assert [(f.code, f.alert) for f in found] == [("RB401", "B")]
    assert "has no anchor #gone" in found[0].message


def test_hugo_docs_site_urls(tmp_path):
    write(
        tmp_path,
        {
            "config.yaml": "baseURL: https://runbooks.example.dev/\n",
            "content/runbooks/kubernetes/KubePodCrashLooping.md": "# KubePodCrashLooping\n\n## Diagnosis\n",
            "content/runbooks/moved.md": "---\naliases: [/runbooks/old-name/]\n---\n# Moved\n",
            "archetypes/default.md": "# {{ .Name }}\n",
            "rules/a.yaml": rule_file(
                (
                    "KubePodCrashLooping",
                    "https://runbooks.example.dev/runbooks/kubernetes/kubepodcrashlooping/",
                ),
                (
                    "B",
                    "https://runbooks.example.dev/runbooks/kubernetes/kubepodcrashlooping#diagnosis",
                ),
                ("C", "https://runbooks.example.dev/runbooks/kubernetes/nosuchpage/"),
                ("D", "https://runbooks.example.dev/runbooks/old-name/"),
                ("E", "https://runbooks.example.dev/runbooks/kubernetes/kubepodcrashlooping#gone"),
            ),
        },
    )
    found = rb4(tmp_path, ["rules"])
    assert sorted((f.code, f.alert) for f in found) == [("RB401", "C"), ("RB401", "E")]


def test_mkdocs_site_urls(tmp_path):
    write(
        tmp_path,
        {
            "mkdocs.yml": "site_name: x\nsite_url: https://docs.example.org/ops/\n",
            "docs/db/failover.md": "# Failover\n\n## Promote the replica\n",
            "rules/a.yaml": rule_file(
                ("A", "https://docs.example.org/ops/db/failover/#promote-the-replica"),
                ("B", "https://docs.example.org/ops/db/failover/#promote"),
            ),
        },
    )
    assert [(f.code, f.alert) for f in rb4(tmp_path, ["rules"])] == [("RB401", "B")]


def test_a_folder_url_names_the_part_of_the_repository_linted(tmp_path):
    """--repo-url …/tree/main/mixin: the linted folder is mixin/ of that repository."""
    write(
        tmp_path,
        {
            "runbook.md": "# Alerts\n\n## Alert Name: X\n",
            "alerts.yaml": rule_file(
                ("X", "https://github.com/acme/big/tree/main/mixin/runbook.md#alert-name-x"),
                ("Y", "https://github.com/acme/big/tree/main/mixin/runbook.md#alert-name-y"),
                ("Z", "https://github.com/acme/big/tree/main/other/runbook.md"),
            ),
        },
    )
    found = rb4(
        tmp_path, ["alerts.yaml"], repo_urls=["https://github.com/acme/big/tree/main/mixin"]
    )
    assert sorted((f.code, f.alert) for f in found) == [("RB401", "Y"), ("RB404", "Z")]


def test_templates_are_checked_for_the_values_the_rule_fixes(tmp_path):
    write(
        tmp_path,
        {
            "docs/api/README.md": "# Api\n",
            "docs/web/README.md": "# Web\n",
            "rules/a.yml": """\
                groups:
                - name: g
                  rules:
                  - alert: Static
                    expr: up == 0
                    labels: {type: api}
                    annotations: {runbook: 'docs/{{ $labels.type }}/README.md'}
                  - alert: Matchers
                    expr: up{type=~"api|web|db"} == 0
                    annotations: {runbook: 'docs/{{$labels.type}}/README.md'}
                  - alert: Unknown
                    expr: up == 0
                    annotations: {runbook: 'docs/{{ $labels.type }}/README.md'}
                  - alert: Value
                    expr: up == 0
                    annotations: {runbook: 'docs/{{ $value }}.md'}
            """,
        },
    )
    found = rb4(tmp_path, ["rules"])
    got = sorted((f.code, f.alert) for f in found)
    assert got == [("RB401", "Matchers"), ("RB404", "Unknown"), ("RB404", "Value")]
    dead = next(f for f in found if f.code == "RB401")
    assert "docs/db/README.md" in dead.message  # the one value without a page
    unknown = next(f for f in found if f.alert == "Unknown")
    assert "not checked offline" in unknown.message and unknown.severity == "info"


def test_expand_template_static_labels_win_over_matchers():
    rule = AlertRule(
        "X", "r.yml", 1, "docs/{{ .Labels.svc }}/x.md", 2, (("svc", "api"),), 'up{svc="web"}'
    )
    assert expand_template(rule) == ["docs/api/x.md"]


def test_rb402_no_runbook_unless_a_runbook_names_the_alert(tmp_path):
    write(
        tmp_path,
        {
            "alerts/DiskFull.md": "# DiskFull\n\nFree space.\n",
            "docs/cpu.md": "# CPU\n\nAlert: `CpuHot`\n",
            "rules/a.yml": rule_file(("DiskFull", None), ("CpuHot", None), ("Orphan", None)),
        },
    )
    found = rb4(tmp_path, ["rules"])
    assert [(f.code, f.alert, f.line) for f in found] == [("RB402", "Orphan", 8)]
    assert found[0].severity == "warning"


def test_rb403_runbook_names_an_alert_no_rule_defines(tmp_path):
    write(
        tmp_path,
        {
            "alerts/DiskFull.md": "# DiskFull\n",
            "alerts/OldAlert.md": "# OldAlert\n",
            "docs/backups.md": "# Backups\n",  # a one-word title is no alert name
            "rules/a.yml": rule_file(("DiskFull", "alerts/DiskFull.md")),
        },
    )
    found = rb4(tmp_path, ["rules"])
    assert [(f.code, f.alert, Path(f.path).name) for f in found] == [
        ("RB403", "OldAlert", "OldAlert.md")
    ]
    assert found[0].severity == "info"


def test_no_rules_no_rb4(tmp_path):
    write(tmp_path, {"alerts/OldAlert.md": "# OldAlert\n"})
    assert rb4(tmp_path, []) == []


# -- rule file forms ---------------------------------------------------------------------------
CRD = """\
apiVersion: monitoring.coreos.com/v1
kind: PrometheusRule
metadata: {name: x}
spec:
  groups:
  - name: g
    rules:
    - record: job:up:sum
      expr: sum(up)
    - alert: CrdAlert
      expr: up == 0
      annotations:
        runbook_url: docs/api.md
"""


def test_prometheusrule_multi_document_and_list_files(tmp_path):
    write(
        tmp_path,
        {
            "crd.yaml": CRD,
            "multi.yaml": "---\n"
            + rule_file(("First", "a.md"))
            + "---\n"
            + rule_file(("Second", None)),
            "list.yaml": "apiVersion: v1\nkind: List\nitems:\n"
            + textwrap.indent(CRD, "  ").replace("  apiVersion", "- apiVersion", 1),
            "empty.yml": "groups: []\n",
        },
    )
    crd = read_rule_file(tmp_path / "crd.yaml", "crd.yaml")
    assert [(r.name, r.line, r.runbook, r.runbook_line) for r in crd.rules] == [
        ("CrdAlert", 10, "docs/api.md", 13)
    ]  # the recording rule is not an alert
    multi = read_rule_file(tmp_path / "multi.yaml", "multi.yaml")
    assert [(r.name, r.line) for r in multi.rules] == [("First", 5), ("Second", 13)]
    listed = read_rule_file(tmp_path / "list.yaml", "list.yaml")
    assert [r.name for r in listed.rules] == ["CrdAlert"]
    empty = read_rule_file(tmp_path / "empty.yml", "empty.yml")
    assert empty.is_rule_file and empty.rules == [] and not empty.error


def test_files_that_are_not_rules_are_reported_not_read(tmp_path):
    write(
        tmp_path,
        {
            "rules/deploy.yaml": "apiVersion: apps/v1\nkind: Deployment\n",
            "rules/helm.yaml": "groups:\n{{- range .Values.groups }}\n- name: {{ . }}\n{{- end }}\n",
            "rules/alias.yaml": "groups:\n- &g {name: a, rules: [{alert: A, expr: x}]}\n- *g\n",
            "rules/ok.yaml": rule_file(("A", None)),
            "named.yaml": "foo: 1\n",
            "docs/A.md": "# A\n",
        },
    )
    found = rb4(tmp_path, ["rules", "named.yaml"])
    by_file = {(Path(f.path).name, f.code) for f in found}
    assert by_file == {
        ("deploy.yaml", "RB406"),
        ("helm.yaml", "RB405"),
        ("alias.yaml", "RB405"),
        ("named.yaml", "RB405"),
    }
    helm = next(f for f in found if f.path.endswith("helm.yaml"))
    assert helm.line == 3 and "rendered first" in helm.message
    alias = next(f for f in found if f.path.endswith("alias.yaml"))
    assert "aliases" in alias.message and alias.line == 2  # where the anchor is


# -- a real mixin ----------------------------------------------------------------------------
@pytest.mark.shared
def test_thanos_mixin_every_alert_links_to_a_missing_anchor(shared_dir):
    """The mixin's rules link every alert to runbook.md#alert-name-…; the page has none."""
    corpus = shared_dir / "corpora" / "thanos-mixin"
    if not (corpus / "alerts.yaml").is_file():
        pytest.skip("thanos-mixin corpus absent")
    opts = LintOptions(
        today=TODAY,
        rules=[str(corpus / "alerts.yaml")],
        repo_urls=["https://github.com/thanos-io/thanos/tree/main/mixin"],
        use_config=False,
    )
    report = run_lint([str(corpus)], opts)
    rb401 = [f for f in report.findings if f.code == "RB401"]
    assert report.rules == 48
    assert len(rb401) == 48 and len({f.alert for f in rb401}) == 48
    assert all("has no anchor #alert-name-" in f.message for f in rb401)
    # The anchors its table-of-contents links use do exist: group headings.
    assert not any(f.code == "RB211" for f in report.findings)
    # Without the repository's URL the links are someone else's: info, never an error.
    report = run_lint([str(corpus)], LintOptions(today=TODAY, rules=opts.rules, use_config=False))
    assert {f.code for f in report.findings if f.code.startswith("RB4")} == {"RB404"}
