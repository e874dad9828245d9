"""`rbdesk parse` and `rbdesk lint` from the command line."""

import json
import os
import subprocess
import sys

from rbdesk.cli.main import main


def write(tmp_path, name, text):
    p = tmp_path / name
    p.parent.mkdir(parents=True, exist_ok=True)
    p.write_text(text)
    return p


def test_parse_json_keys(tmp_path, capsys):
    f = write(tmp_path, "r.md", "# T\n\n**Owner:** Ops\n\n```bash\n$ ls <dir>\n```\n")
    assert main(["parse", str(f), "--json"]) == 0
    d = json.loads(capsys.readouterr().out)
    assert set(d) == {
        "title",
        "meta",
        "sections",
        "steps",
        "commands",
        "placeholders",
        "checklist",
        "contacts",
        "alerts",
        "links",
        "problems",
    }  # exactly the keys of the contract
    assert d["title"] == "T" and d["meta"] == {"owner": "Ops"}
    assert d["commands"][0]["clean"] == "ls <dir>"
    assert d["placeholders"] == ["dir"]


def test_parse_exit_0_even_with_problems(tmp_path, capsys):
    f = write(tmp_path, "broken.md", "```sh\nunterminated\n")
    assert main(["parse", str(f)]) == 0
    assert "RB103" in capsys.readouterr().out


def test_parse_missing_file_is_a_clear_error(tmp_path, capsys):
    assert main(["parse", str(tmp_path / "nope.md")]) == 1
    err = capsys.readouterr().err
    assert "nope.md: no such file" in err


def test_parse_a_folder_says_so(tmp_path, capsys):
    assert main(["parse", str(tmp_path)]) == 1
    assert "is a folder" in capsys.readouterr().err


def test_lint_output_format_and_exit_codes(tmp_path, capsys):
    good = write(tmp_path, "ok.md", "# T\n\n**Owner:** Ops\n")
    assert main(["lint", str(good)]) == 0
    out = capsys.readouterr().out
    assert f"{good}:1: RB202 " in out  # warnings only: exit 0
    bad = write(tmp_path, "bad.md", "# T\n\nno owner\n")
    assert main(["lint", str(bad)]) == 1
    assert f"{bad}:1: RB201 no owner" in capsys.readouterr().out


def test_lint_json_on_a_folder(tmp_path, capsys):
    write(tmp_path, "a/x.md", "# X\n\n**Owner:** o\n\n[y](../b/y.md)\n")
    write(tmp_path, "b/y.md", "# Y\n")
    assert main(["lint", "--json", str(tmp_path)]) == 1  # y.md has no owner
    items = json.loads(capsys.readouterr().out)
    assert all(set(i) == {"path", "line", "code", "severity", "message"} for i in items)
    assert {(os.path.basename(i["path"]), i["code"]) for i in items} >= {
        ("y.md", "RB201"),
        ("x.md", "RB202"),
    }
    assert not any(i["code"] == "RB210" for i in items)


def test_global_data_dir_option_before_command(tmp_path, capsys):
    f = write(tmp_path, "r.md", "# T\n")
    assert main(["--data-dir", str(tmp_path / "d"), "parse", str(f)]) == 0
    assert capsys.readouterr().out.startswith("T\n")


def test_parse_runs_as_a_module_from_any_folder(tmp_path, repo_root):
    f = write(tmp_path, "r.md", "# From subprocess\n")
    env = dict(os.environ, PYTHONPATH=str(repo_root))
    out = subprocess.run(
        [sys.executable, "-m", "rbdesk", "parse", "--json", str(f)],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    assert json.loads(out)["title"] == "From subprocess"
