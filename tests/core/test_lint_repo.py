"""Lint adoptable on a real repository: owners files, pages that are not runbooks, the
config file, inline suppression and baselines; the new-user check on real layouts."""

from __future__ import annotations

import datetime as dt
import textwrap
from pathlib import Path

import pytest

from rbdesk.core.errors import ConfigError
from rbdesk.core.library.owners import owners_for
from rbdesk.core.library.roots import iter_runbook_files
from rbdesk.core.usecases.lint import LintOptions, run_lint
from rbdesk.core.usecases.lintconfig import load_config, write_baseline
from tests.core.test_lint import GOOD

TODAY = dt.date(2026, 11, 26)

# A runbook with every checklist item but an owner.
NO_OWNER = GOOD.replace("**Owner:** Platform Team\n", "")
assert NO_OWNER != GOOD


def write(root: Path, files: dict[str, str]) -> Path:
    for rel, text in files.items():
        p = root / rel
        p.parent.mkdir(parents=True, exist_ok=True)
        p.write_text(textwrap.dedent(text), encoding="utf-8")
    (root / ".git").mkdir(exist_ok=True)
    return root


def lint(root: Path, *paths: str, **kw):
    return run_lint([str(root / p) for p in paths] or [str(root)], LintOptions(today=TODAY, **kw))


def codes_by_file(report) -> dict[str, set[str]]:
    out: dict[str, set[str]] = {}
    for f in report.findings:
        out.setdefault(Path(f.path).name, set()).add(f.code)
    return out


# -- owners ------------------------------------------------------------------------------------
def test_codeowners_github_syntax_last_match_wins(tmp_path):
    write(
        tmp_path,
        {
            ".github/CODEOWNERS": """\
                # comment
                *       @acme/sre
                /docs/db/   @acme/dba   # the database team
                *.md    @acme/writers
                docs/db/legacy.md  @alice alice@example.com
                docs/net/*  @acme/net
                docs/My\\ File.md @acme/spaced
            """,
        },
    )
    assert owners_for(tmp_path, "docs/db/failover.md").names == ("@acme/writers",)
    assert owners_for(tmp_path, "docs/db/legacy.md").names == ("@alice", "alice@example.com")
    assert owners_for(tmp_path, "docs/net/dns.md").names == ("@acme/net",)
    assert owners_for(tmp_path, "docs/net/deep/dns.md").names == ("@acme/writers",)
    assert owners_for(tmp_path, "docs/My File.md").names == ("@acme/spaced",)
    assert owners_for(tmp_path, "rules/x.yml").names == ("@acme/sre",)
    assert owners_for(tmp_path, "docs/db/failover.md").where == ".github/CODEOWNERS:4"


def test_codeowners_gitlab_sections_and_default_owners(tmp_path):
    write(
        tmp_path,
        {
            ".gitlab/CODEOWNERS": """\
                [Runbooks] @gitlab-com/sre
                docs/
                docs/ci/ @gitlab-com/runner

                ^[Docs][2] @tech-writers
                *.md
            """,
        },
    )
    assert owners_for(tmp_path, "docs/patroni/README.md").names == (
        "@gitlab-com/sre",
        "@tech-writers",
    )
    assert owners_for(tmp_path, "docs/ci/runners.md").names == (
        "@gitlab-com/runner",
        "@tech-writers",
    )
    assert owners_for(tmp_path, "scripts/x.sh") is None


def test_owners_files_nearest_folder_up(tmp_path):
    write(
        tmp_path,
        {
            "OWNERS": "approvers:\n- root-approver\n",
            "alerts/dns/OWNERS": "reviewers:\n- dns-reviewer\n",
            "alerts/empty/OWNERS": "approvers: []\n",
        },
    )
    assert owners_for(tmp_path, "alerts/dns/DnsDown.md").names == ("dns-reviewer",)
    assert owners_for(tmp_path, "alerts/dns/DnsDown.md").where == "alerts/dns/OWNERS"
    assert owners_for(tmp_path, "alerts/empty/X.md").names == ("root-approver",)
    assert owners_for(tmp_path, "README.md").names == ("root-approver",)


def test_rb201_counts_owners_files(tmp_path):
    write(tmp_path, {"docs/a.md": NO_OWNER, "other/b.md": NO_OWNER})
    assert codes_by_file(lint(tmp_path))["a.md"] == {"RB201"}
    (tmp_path / "CODEOWNERS").write_text("/docs/ @acme/sre\n")
    got = codes_by_file(lint(tmp_path))
    assert "a.md" not in got and got["b.md"] == {"RB201"}


# -- pages that are not runbooks -----------------------------------------------------------------
def test_templates_are_not_listed(tmp_path):
    write(
        tmp_path,
        {
            "hugo.toml": 'baseURL = "https://x.example/"\n',
            "archetypes/default.md": "# {{ .Name }}\n",
            "layouts/shortcodes/note.md": "x\n",
            "themes/t/layouts/partials/p.md": "x\n",
            "themes/t/archetypes/default.md": "x\n",
            ".gitlab/issue_templates/Incident.md": "# Incident\n",
            ".github/PULL_REQUEST_TEMPLATE.md": "x\n",
            "content/layouts/page-layouts.md": "# Page layouts runbook\n",  # not beside a config
            "content/db.md": "# Db\n",
        },
    )
    listed = [rel for rel, _ in iter_runbook_files(tmp_path)]
    assert listed == ["content/db.md", "content/layouts/page-layouts.md"]


def test_layouts_folder_without_hugo_is_listed(tmp_path):
    write(tmp_path, {"layouts/rack-b.md": "# Rack B\n", "archetypes/x.md": "# X\n"})
    assert [rel for rel, _ in iter_runbook_files(tmp_path)] == [
        "archetypes/x.md",
        "layouts/rack-b.md",
    ]


def test_index_and_meta_pages_skip_the_runbook_checklist(tmp_path):
    write(
        tmp_path,
        {
            "README.md": "# Runbooks\n\n[bad link](nowhere.md)\n",
            "docs/_index.md": "# Docs\n",
            "docs/api/README.md": NO_OWNER,  # a service's runbook in its README: a runbook
            "CONTRIBUTING.md": "# Contributing\n\n```sh\nrm -rf /\n```\n",
            "CHANGELOG.md": "# Changes\n",
        },
    )
    report = lint(tmp_path)
    got = {(f.path.replace(str(tmp_path) + "/", ""), f.code) for f in report.findings}
    assert got == {
        ("README.md", "RB210"),  # links are still checked
        ("CONTRIBUTING.md", "RB301"),  # so is safety
        ("docs/api/README.md", "RB201"),
    }
    assert report.not_runbooks == 4


def test_config_lints_chosen_index_pages_as_runbooks(tmp_path):
    write(
        tmp_path,
        {
            "docs/_index.md": "# Docs\n",
            ".rbdesk.toml": '[lint]\nrunbook_pages = ["docs/_index.md"]\n',
        },
    )
    assert "RB201" in codes_by_file(lint(tmp_path))["_index.md"]


# -- config file ---------------------------------------------------------------------------------
def test_config_select_ignore_severity_per_path_and_exclude(tmp_path):
    write(
        tmp_path,
        {
            "docs/a.md": NO_OWNER.replace("**Last Tested:** 2026-11-01\n", ""),
            "legacy/b.md": NO_OWNER,
            "drafts/c.md": "# C\n",
            ".rbdesk.toml": """\
                [lint]
                ignore = ["RB3"]
                exclude = ["drafts/"]
                [lint.severity]
                RB201 = "warning"
                [lint.per-path-ignores]
                "legacy/**" = ["RB2"]
            """,
        },
    )
    report = lint(tmp_path)
    got = {(Path(f.path).name, f.code, f.severity) for f in report.findings}
    assert got == {("a.md", "RB201", "warning"), ("a.md", "RB202", "warning")}
    assert report.errors == 0
    assert report.configs == [tmp_path / ".rbdesk.toml"]


def test_config_names_rule_files_and_the_repository_url(tmp_path):
    write(
        tmp_path,
        {
            "docs/api.md": "# Api\n",
            "rules/a.yml": "groups:\n- name: g\n  rules:\n  - alert: A\n    expr: x\n"
            "    annotations: {runbook_url: 'https://github.com/acme/rb/blob/main/docs/gone.md'}\n",
            ".rbdesk.toml": '[lint]\nrules = ["rules/"]\nrepo_url = "https://github.com/acme/rb"\n',
        },
    )
    report = lint(tmp_path, "docs")
    assert [(f.code, f.alert) for f in report.findings if f.code.startswith("RB4")] == [
        ("RB401", "A")
    ]


@pytest.mark.parametrize(
    ("text", "says"),
    [
        ("[lint\nselect = 1\n", "not valid TOML"),
        ("[lint]\nselekt = ['RB2']\n", "unknown key 'selekt'"),
        ("[lint]\nselect = 'RB9'\n", "no rbdesk lint code"),
        ("[lint.severity]\nRB201 = 'fatal'\n", "RB201 = 'fatal'"),
        ("[lint]\nstale_days = -3\n", "stale_days"),
        ("[lint]\nexclude = [1]\n", "exclude must be a list of strings"),
    ],
)
def test_bad_config_is_a_clear_error(tmp_path, text, says):
    path = tmp_path / ".rbdesk.toml"
    path.write_text(text)
    with pytest.raises(ConfigError) as exc:
        load_config(path)
    assert says in exc.value.message and str(path) in exc.value.message


def test_config_is_not_looked_for_above_the_repository(tmp_path):
    write(tmp_path, {".rbdesk.toml": "[lint]\nignore = ['RB2']\n"})
    inner = write(tmp_path / "sub", {"a.md": "# A\n"})  # its own .git
    assert "RB201" in codes_by_file(lint(inner))["a.md"]


# -- inline suppression ---------------------------------------------------------------------------
def test_inline_suppression_of_a_file_and_of_a_line(tmp_path):
    body = NO_OWNER.replace(
        "> **Warning:** drops in-flight requests.\n", "<!-- rbdesk-lint: ignore RB301 -->\n"
    )
    write(
        tmp_path,
        {
            "a.md": "<!-- rbdesk-lint: ignore-file RB201 -->\n" + body,
            "b.md": body + "\n```sh\nrm -rf /tmp/x\n```\n",
        },
    )
    got = {(Path(f.path).name, f.code, f.line) for f in lint(tmp_path).findings}
    assert ("a.md", "RB201", 1) not in got and not any(
        c == "RB301" and n == "a.md" for n, c, _ in got
    )
    assert ("b.md", "RB201", 1) in got
    assert [line for n, c, line in got if n == "b.md" and c == "RB301"] == [22]


# -- baselines -----------------------------------------------------------------------------------
def test_baseline_holds_todays_findings_and_reports_new_ones(tmp_path):
    write(tmp_path, {"a.md": NO_OWNER, "b.md": NO_OWNER})
    report = lint(tmp_path)
    base = tmp_path / "lint-baseline.json"
    assert write_baseline(base, report.findings, report.config) == 2
    assert lint(tmp_path, baseline=base).findings == []
    # An edit above the finding moves its line; the age in RB203 changes each day.
    (tmp_path / "a.md").write_text("\n\n" + NO_OWNER)
    later = run_lint(
        [str(tmp_path)], LintOptions(today=TODAY + dt.timedelta(days=9), baseline=base)
    )
    assert later.findings == [] and later.baseline_held == 2
    # A new finding, and a second one of the same kind in the same file, are reported.
    (tmp_path / "c.md").write_text(NO_OWNER)
    (tmp_path / "b.md").write_text(NO_OWNER + "\n[x](gone.md)\n[y](gone.md)\n")
    base_b = tmp_path / "b-baseline.json"
    write_baseline(base_b, lint(tmp_path, "b.md").findings, report.config)
    (tmp_path / "b.md").write_text(NO_OWNER + "\n[x](gone.md)\n[y](gone.md)\n[z](gone.md)\n")
    new = lint(tmp_path, "b.md", baseline=base_b).findings
    assert [(f.code, f.line) for f in new] == [("RB210", 24)]
    assert {Path(f.path).name for f in lint(tmp_path, baseline=base).findings} == {"b.md", "c.md"}


def test_broken_baseline_is_a_clear_error(tmp_path):
    write(tmp_path, {"a.md": NO_OWNER})
    bad = tmp_path / "b.json"
    bad.write_text("{\n  nope")
    with pytest.raises(ConfigError) as exc:
        lint(tmp_path, baseline=bad)
    assert "b.json:2: baseline is not valid JSON" in exc.value.message
    assert "--write-baseline" in exc.value.hint


# -- the new-user check ------------------------------------------------------------------------------
def test_gitlab_shaped_repository_reports_no_error_on_sound_files(tmp_path):
    write(
        tmp_path,
        {
            "README.md": "# Runbooks\n\n* [Patroni](docs/patroni/README.md)\n",
            "CONTRIBUTING.md": "# Contributing\n\nOpen a merge request.\n",
            ".gitlab/CODEOWNERS": "[Runbooks] @gitlab-com/sre\ndocs/\n",
            ".gitlab/issue_templates/Incident.md": "# Incident\n\n**Owner:** [Team/Person]\n",
            "docs/patroni/README.md": "# Patroni\n\n* [Failover](failover.md)\n\n## Alerts\n",
            "docs/patroni/failover.md": NO_OWNER.replace("# Restart api", "# Failover"),
            "docs/{{ $labels.type }}/README.md": "# template folder name\n",
            "rules/patroni.yml": """\
                groups:
                - name: patroni
                  rules:
                  - alert: PatroniDown
                    expr: up{type="patroni"} == 0
                    annotations:
                      runbook: docs/patroni/failover.md#procedure
                  - alert: PatroniSaturation
                    expr: saturation{type="patroni"} > 0.9
                    annotations:
                      runbook: docs/{{ $labels.type }}/README.md#alerts
            """,
            ".rbdesk.toml": '[lint]\nrules = ["rules/"]\n',
        },
    )
    report = lint(tmp_path)
    assert [f for f in report.findings if f.severity == "error"] == []
    assert report.rules == 2


def test_openshift_shaped_repository_reports_no_error_on_sound_files(tmp_path):
    write(
        tmp_path,
        {
            "OWNERS": "approvers:\n- jan--f\n",
            "README.md": "# OpenShift runbooks\n",
            "example.md": "# AlertName\n\n## Meaning\n",
            "alerts/cluster-dns-operator/OWNERS": "approvers:\n- dns-team\n",
            "alerts/cluster-dns-operator/CoreDNSErrorsHigh.md": NO_OWNER.replace(
                "# Restart api", "# CoreDNSErrorsHigh"
            ),
        },
    )
    report = lint(tmp_path)
    errors = [f for f in report.findings if f.severity == "error"]
    assert errors == [] and report.files == 3


def test_many_files_are_parsed_in_worker_processes_with_the_same_answer(tmp_path):
    files = {f"docs/r{i:03}.md": NO_OWNER if i % 3 else "# T\n\n[x](gone.md)\n" for i in range(240)}
    files["CODEOWNERS"] = "/docs/r1* @acme/sre\n"
    write(tmp_path, files)
    one = run_lint([str(tmp_path)], LintOptions(today=TODAY, jobs=1))
    two = run_lint([str(tmp_path)], LintOptions(today=TODAY, jobs=2))
    assert one.files == two.files == 240
    assert one.findings == two.findings and len(one.findings) > 240
    assert sum(1 for f in one.findings if f.code == "RB201") == 240 - 100  # r100-r199 owned


def test_the_library_counts_owners_files_too(tmp_path, monkeypatch):
    """What the app's Problems panel and header card show agrees with `rbdesk lint`."""
    from rbdesk.core.facade import Library
    from rbdesk.core.library.roots import LibraryRoot, RunbookFile

    ops = write(tmp_path / "ops", {"OWNERS": "approvers: [dns-team]\n", "a.md": "# A\n"})
    lib = Library(tmp_path / "data")
    monkeypatch.setattr(lib, "roots", lambda: [LibraryRoot("ops", ops, "folder")])
    rb = lib.load(RunbookFile("ops", "a.md", ops / "a.md"))
    assert "RB201" not in [p.code for p in rb.problems] and "RB202" in [p.code for p in rb.problems]
    other = write(tmp_path / "other", {"b.md": "# B\n"})
    monkeypatch.setattr(lib, "roots", lambda: [LibraryRoot("other", other, "folder")])
    assert "RB201" in [
        p.code for p in lib.load(RunbookFile("other", "b.md", other / "b.md")).problems
    ]
