"""The wheel carries the sample library and resources, and works from any folder."""

import json
import os
import subprocess
import sys
import zipfile

import pytest

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def wheel(repo_root, tmp_path_factory):
    pytest.importorskip("hatchling")
    out = tmp_path_factory.mktemp("wheel")
    subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "wheel",
            "--no-deps",
            "--no-build-isolation",
            "-q",
            "-w",
            str(out),
            str(repo_root),
        ],
        check=True,
        capture_output=True,
        text=True,
    )
    (whl,) = out.glob("rbdesk-*.whl")
    return whl


def test_wheel_contains_samples_and_resources(wheel, repo_root):
    names = set(zipfile.ZipFile(wheel).namelist())
    samples = [
        p.relative_to(repo_root).as_posix() for p in (repo_root / "sample-runbooks").rglob("*.md")
    ]
    assert samples, "sample-runbooks/ must not be empty"
    for rel in samples:
        assert "rbdesk/" + rel in names
    assert any(n.startswith("rbdesk/resources/") for n in names)
    assert "rbdesk/cli/main.py" in names


def test_installed_wheel_runs_from_another_folder(wheel, tmp_path):
    site = tmp_path / "site"
    zipfile.ZipFile(wheel).extractall(site)
    code = (
        "import json; from rbdesk.core import paths; from rbdesk.core.facade import Library;"
        "lib = Library(); files = list(lib.files());"
        "print(json.dumps([str(paths.samples_dir()), len(files)]))"
    )
    env = dict(os.environ, PYTHONPATH=str(site), RBDESK_DATA_DIR=str(tmp_path / "data"))
    out = subprocess.run(
        [sys.executable, "-c", code],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        check=True,
    )
    samples, count = json.loads(out.stdout)
    assert samples.startswith(str(site))
    assert count > 0
