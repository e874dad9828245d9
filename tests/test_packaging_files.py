"""packaging/: the .desktop file, AppStream metainfo, icons, PyInstaller spec and scripts.

The system validators (desktop-file-validate, appstreamcli) run when installed
(`apt-get install desktop-file-utils appstream`); the structural checks always run.
A built app in dist/rbdesk/ (packaging/build-linux.sh) is smoke-tested when present.
"""

from __future__ import annotations

import ast
import configparser
import importlib.util
import json
import os
import re
import shutil
import struct
import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from rbdesk import __version__
from rbdesk.core import paths

ROOT = Path(__file__).resolve().parent.parent
PACKAGING = ROOT / "packaging"
APP_ID = "io.github.rbdesk.Rbdesk"
DESKTOP = PACKAGING / "linux" / f"{APP_ID}.desktop"
METAINFO = PACKAGING / "linux" / f"{APP_ID}.metainfo.xml"
INSTALLER = PACKAGING / "linux" / "install-desktop-entry.sh"
SPEC = PACKAGING / "rbdesk.spec"
PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"


def _load_make_icons():
    # Loaded by path: a `packaging` import would find the PyPI library of that name.
    spec = importlib.util.spec_from_file_location("rbdesk_make_icons", PACKAGING / "make_icons.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


make_icons = _load_make_icons()


def _png_size(data: bytes) -> tuple[int, int]:
    assert data[:8] == PNG_SIGNATURE, "not a PNG"
    assert data[12:16] == b"IHDR"
    return struct.unpack(">II", data[16:24])


def _desktop_entry(path: Path) -> dict[str, str]:
    parser = configparser.ConfigParser(interpolation=None, strict=True)
    parser.optionxform = str  # keys are case-sensitive
    parser.read(path, encoding="utf-8")
    return dict(parser["Desktop Entry"])


def _run_validator(argv: list[str]) -> subprocess.CompletedProcess[str]:
    if shutil.which(argv[0]) is None:
        pytest.skip(f"{argv[0]} is not installed")
    return subprocess.run(argv, capture_output=True, text=True, timeout=60)


# --- the .desktop file ---------------------------------------------------------------


def test_desktop_file_passes_desktop_file_validate():
    out = _run_validator(["desktop-file-validate", str(DESKTOP)])
    assert out.returncode == 0, out.stdout + out.stderr
    assert "error:" not in out.stdout + out.stderr


def test_desktop_file_names_the_app_its_icon_and_window_class():
    entry = _desktop_entry(DESKTOP)
    assert entry["Type"] == "Application"
    assert entry["Name"] == "rbdesk"
    assert entry["Exec"].split()[:2] == ["rbdesk", "gui"]
    assert entry["Icon"] == APP_ID
    # Qt sets WM_CLASS's class to the application name set in rbdesk.ui.app.
    assert entry["StartupWMClass"] == "rbdesk"
    assert 'setApplicationName("rbdesk")' in (ROOT / "rbdesk/ui/app.py").read_text()
    assert entry["Categories"].endswith(";") and "System" in entry["Categories"].split(";")
    assert "runbook" in entry["Keywords"].split(";")
    assert entry["Terminal"] == "false"


# --- AppStream metainfo -------------------------------------------------------------


def test_metainfo_passes_appstreamcli_validate():
    out = _run_validator(["appstreamcli", "validate", "--no-net", str(METAINFO)])
    assert out.returncode == 0, out.stdout + out.stderr


def test_metainfo_has_the_required_tags_and_matches_the_project():
    root = ET.parse(METAINFO).getroot()
    assert root.tag == "component" and root.get("type") == "desktop-application"
    text = {tag: (root.findtext(tag) or "").strip() for tag in ("id", "name", "summary")}
    assert text["id"] == APP_ID
    assert text["name"] == "rbdesk"
    assert 10 < len(text["summary"]) <= 60
    assert root.findtext("metadata_license") == "CC0-1.0"
    assert root.findtext("project_license") == "MIT"
    assert root.find("description/p") is not None
    launchable = root.find("launchable")
    assert launchable.get("type") == "desktop-id" and launchable.text == DESKTOP.name
    assert root.find("content_rating").get("type", "").startswith("oars-")
    releases = root.findall("releases/release")
    assert releases and releases[0].get("version") == __version__
    assert re.fullmatch(r"\d{4}-\d{2}-\d{2}", releases[0].get("date", ""))


def test_metainfo_screenshots_are_files_in_the_repository():
    root = ET.parse(METAINFO).getroot()
    images = [img.text.strip() for img in root.iter("image")]
    assert images
    for url in images:
        rel = url.split("/docs/", 1)[1]
        shot = ROOT / "docs" / rel
        assert shot.is_file(), f"{url} names {shot}, which does not exist"
        img = root.find(f".//image[.='{url}']")
        assert _png_size(shot.read_bytes()) == (int(img.get("width")), int(img.get("height")))


# --- icons ---------------------------------------------------------------------------


@pytest.mark.parametrize("size", make_icons.SIZES)
def test_png_icon_exists_at_its_size(size):
    data = make_icons.icon_path(size).read_bytes()
    assert _png_size(data) == (size, size)


def test_ico_holds_one_png_per_size():
    data = make_icons.ICO_FILE.read_bytes()
    reserved, kind, count = struct.unpack("<HHH", data[:6])
    assert (reserved, kind, count) == (0, 1, len(make_icons.ICO_SIZES))
    sizes = []
    for i in range(count):
        w, h, _, _, _, _, length, offset = struct.unpack(
            "<BBBBHHII", data[6 + 16 * i : 22 + 16 * i]
        )
        png = data[offset : offset + length]
        assert _png_size(png) == (w or 256, h or 256)
        sizes.append(w or 256)
    assert sizes == sorted(make_icons.ICO_SIZES)


def test_icns_elements_are_pngs_of_the_declared_sizes():
    data = make_icons.ICNS_FILE.read_bytes()
    assert data[:4] == b"icns" and struct.unpack(">I", data[4:8])[0] == len(data)
    pos, seen = 8, []
    while pos < len(data):
        kind, length = data[pos : pos + 4], struct.unpack(">I", data[pos + 4 : pos + 8])[0]
        seen.append((kind, _png_size(data[pos + 8 : pos + length])[0]))
        pos += length
    assert pos == len(data)
    assert seen == list(make_icons.ICNS_TYPES)


def test_ico_and_icns_writers_round_trip():
    fake = {16: PNG_SIGNATURE + b"\0\0\0\rIHDR" + struct.pack(">II", 16, 16) + b"x" * 9}
    ico = make_icons.ico_bytes(fake)
    assert struct.unpack("<HHH", ico[:6]) == (0, 1, 1)
    assert ico.endswith(fake[16])
    icns = make_icons.icns_bytes([(b"icp4", fake[16])])
    assert struct.unpack(">I", icns[4:8])[0] == len(icns) == 16 + len(fake[16])


# --- PyInstaller spec and build script ----------------------------------------------


def _spec_assignment(name: str):
    tree = ast.parse(SPEC.read_text(encoding="utf-8"))
    for node in tree.body:
        if isinstance(node, ast.Assign) and any(
            isinstance(t, ast.Name) and t.id == name for t in node.targets
        ):
            return ast.literal_eval(node.value)
    raise AssertionError(f"{name} is not assigned in {SPEC.name}")


def test_spec_references_files_that_exist():
    text = SPEC.read_text(encoding="utf-8")
    referenced = re.findall(r'PACKAGING\s*/\s*"([^"]+)"(?:\s*/\s*"([^"]+)")?', text)
    assert referenced, "the spec should name its files relative to packaging/"
    for parts in referenced:
        path = PACKAGING.joinpath(*[p for p in parts if p])
        assert path.exists(), f"{SPEC.name} references {path}, which does not exist"
    # Data files come from the installed package, where paths.py looks for them.
    assert "paths.samples_dir()" in text and "paths.resources_dir()" in text
    assert '"rbdesk/sample-runbooks"' in text and '"rbdesk/resources"' in text
    assert any(paths.samples_dir().rglob("*.md"))
    assert (paths.resources_dir() / "rbdesk.svg").is_file()


def _imported_modules(path: Path) -> set[str]:
    names = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module)
            names.update(f"{node.module}.{alias.name}" for alias in node.names)
    return names


def test_spec_excludes_nothing_rbdesk_imports():
    excludes = set(_spec_assignment("excludes"))
    assert "tkinter" in excludes
    for source in (ROOT / "rbdesk").rglob("*.py"):
        clash = {
            name
            for name in _imported_modules(source)
            if any(name == ex or name.startswith(ex + ".") for ex in excludes)
        }
        assert not clash, f"{source.relative_to(ROOT)} imports {clash}, excluded by the spec"


@pytest.mark.parametrize(
    "script", ["build-linux.sh", "smoke-gui.sh", "linux/install-desktop-entry.sh"]
)
def test_shell_scripts_parse_and_are_executable(script):
    path = PACKAGING / script
    out = subprocess.run(["bash", "-n", str(path)], capture_output=True, text=True)
    assert out.returncode == 0, out.stderr
    assert os.access(path, os.X_OK), f"chmod +x packaging/{script}"


def test_build_script_copies_existing_files():
    text = (PACKAGING / "build-linux.sh").read_text(encoding="utf-8")
    assert "packaging/rbdesk.spec" in text
    assert "linux-$ARCH.tar.gz" in text
    for rel in re.findall(r'"\$ROOT/([^"$]+)"', text):
        if rel in {"build", "dist", "dist/rbdesk", "build/pyinstaller", "build/venv"}:
            continue  # outputs
        assert list(ROOT.glob(rel.rstrip("/"))), f"build-linux.sh uses {rel}, which is missing"


# --- install-desktop-entry.sh -----------------------------------------------------------


@pytest.fixture()
def xdg_home(tmp_path):
    fake = tmp_path / "bin dir" / "rbdesk"
    fake.parent.mkdir()
    fake.write_text("#!/bin/sh\nexit 0\n")
    fake.chmod(0o755)
    env = dict(os.environ, XDG_DATA_HOME=str(tmp_path / "share"), HOME=str(tmp_path))
    return tmp_path / "share", fake, env


def _installer(env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        ["bash", str(INSTALLER), *args], capture_output=True, text=True, env=env, timeout=60
    )


def test_install_desktop_entry_installs_menu_entry_and_icons(xdg_home):
    share, fake, env = xdg_home
    out = _installer(env, "--exec", str(fake))
    assert out.returncode == 0, out.stderr
    desktop = share / "applications" / DESKTOP.name
    entry = _desktop_entry(desktop)
    assert entry["Exec"] == f'"{fake}" gui %u'  # quoted: the path has a space
    assert entry["TryExec"] == str(fake)
    for size in make_icons.SIZES:
        icon = share / f"icons/hicolor/{size}x{size}/apps/{APP_ID}.png"
        assert _png_size(icon.read_bytes()) == (size, size)
    assert (share / f"icons/hicolor/scalable/apps/{APP_ID}.svg").is_file()
    assert (share / "metainfo" / METAINFO.name).is_file()
    if shutil.which("desktop-file-validate"):
        check = subprocess.run(["desktop-file-validate", str(desktop)], capture_output=True)
        assert check.returncode == 0, check.stdout

    out = _installer(env, "--uninstall")
    assert out.returncode == 0, out.stderr
    assert not desktop.exists()
    assert not list((share / "icons").rglob(f"{APP_ID}.*"))


def test_install_desktop_entry_refuses_a_missing_executable(xdg_home):
    share, fake, env = xdg_home
    out = _installer(env, "--exec", str(fake.parent / "nope"))
    assert out.returncode != 0
    assert "nope is not an executable file" in out.stderr
    assert not (share / "applications").exists()


# --- the built app (only after packaging/build-linux.sh) ---------------------------------

BUILT = ROOT / "dist" / "rbdesk" / "rbdesk"


def _run_built(*args: str, cwd: Path, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    out = subprocess.run(
        [str(BUILT), *args], cwd=cwd, env=env, capture_output=True, text=True, timeout=120
    )
    assert out.returncode == 0, out.stderr
    return out


@pytest.mark.slow
@pytest.mark.skipif(not BUILT.is_file(), reason="no dist/rbdesk (run packaging/build-linux.sh)")
def test_built_app_runs_the_cli_from_another_folder(tmp_path, samples_dir):
    sample = samples_dir / "incidents" / "redis-memory-pressure.md"
    env = dict(os.environ, RBDESK_DATA_DIR=str(tmp_path / "data"), RBDESK_SEARCH_SERVER="0")
    parsed = _run_built("parse", str(sample), "--json", cwd=tmp_path, env=env)
    assert json.loads(parsed.stdout)["title"] == "Runbook: Redis Memory Pressure"
    shown = _run_built(
        "show", "incidents/redis-memory-pressure.md", "--color", "never", cwd=tmp_path, env=env
    )
    assert shown.stdout.startswith("samples:incidents/redis-memory-pressure.md")
    found = _run_built("search", "redis", "memory", cwd=tmp_path, env=env)  # whoosh is bundled
    assert "redis-memory-pressure.md" in found.stdout
    # sys.executable is the app: the forms rbdesk's own child processes use work.
    assert _run_built("-m", "rbdesk", "--version", cwd=tmp_path, env=env).stdout.strip() == (
        f"rbdesk {__version__}"
    )
    assert _run_built("-c", "print(6 * 7)", cwd=tmp_path, env=env).stdout.strip() == "42"


# --- the frozen entry script ----------------------------------------------------------


def _load_entry():
    spec = importlib.util.spec_from_file_location(
        "rbdesk_frozen_entry", PACKAGING / "rbdesk_entry.py"
    )
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_entry_runs_dash_c_code_with_python_argv(monkeypatch, capsys):
    entry = _load_entry()
    monkeypatch.setattr("sys.argv", [])
    assert entry.run_python_style(["rbdesk", "-c", "import sys; print(sys.argv)", "x"])
    assert capsys.readouterr().out.strip() == "['-c', 'x']"


def test_entry_runs_rbdesk_modules_with_dash_m(monkeypatch, capsys):
    entry = _load_entry()
    monkeypatch.setattr("sys.argv", [])
    with pytest.raises(SystemExit) as exc:
        entry.run_python_style(["rbdesk", "-m", "rbdesk", "--version"])
    assert exc.value.code == 0
    assert capsys.readouterr().out.strip() == f"rbdesk {__version__}"


def test_entry_refuses_other_modules_and_leaves_cli_arguments_alone():
    entry = _load_entry()
    with pytest.raises(SystemExit, match="only rbdesk's own modules"):
        entry.run_python_style(["rbdesk", "-m", "http.server"])
    assert not entry.run_python_style(["rbdesk", "lint", "-m"])
    assert not entry.run_python_style(["rbdesk"])


def test_search_server_code_stamp_follows_the_frozen_executable(tmp_path, monkeypatch):
    from rbdesk.core.search import server

    exe = tmp_path / "rbdesk"
    exe.write_bytes(b"build 1")
    monkeypatch.setattr(sys, "frozen", True, raising=False)
    monkeypatch.setattr(sys, "executable", str(exe))
    monkeypatch.setattr(server, "_PACKAGE", tmp_path / "no-sources")  # a bundle has no .py
    first = server.code_stamp()
    exe.write_bytes(b"build 2, larger")
    assert server.code_stamp() != first


# --- the pre-commit hook and the lint-only install -------------------------------------------


def test_pre_commit_hook_lints_the_repository():
    import yaml

    (hook,) = yaml.safe_load((ROOT / ".pre-commit-hooks.yaml").read_text(encoding="utf-8"))
    assert hook["id"] == "rbdesk-lint" and hook["language"] == "python"
    assert hook["entry"] == "rbdesk lint" and hook["args"] == ["."]
    assert hook["pass_filenames"] is False  # links reach across files: lint the whole tree
    files = re.compile(hook["files"])
    for name in ("docs/a.md", "rules/x.yaml", "CODEOWNERS", "alerts/OWNERS", ".rbdesk.toml"):
        assert files.search(name), name
    assert not files.search("scripts/run.sh")


def test_qt_is_the_gui_extra_and_the_readme_installs_it():
    import tomllib

    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    assert not any(d.lower().startswith("pyside6") for d in project["dependencies"])
    assert project["optional-dependencies"]["gui"] == ["PySide6-Essentials>=6.6"]
    assert any(d.startswith("PySide6") for d in project["optional-dependencies"]["test"])
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert ".venv/bin/pip install '.[gui]' && .venv/bin/rbdesk" in readme
    assert '"$ROOT[gui]"' in (PACKAGING / "build-linux.sh").read_text(encoding="utf-8")
