"""rbdesk.core and the CLI never import PySide6 (napari-style contract)."""

import os
import subprocess
import sys
import textwrap


def test_core_and_cli_modules_do_not_import_qt(repo_root):
    code = textwrap.dedent(
        """
        import importlib, pkgutil, sys
        import rbdesk.core, rbdesk.cli
        for pkg in (rbdesk.core, rbdesk.cli):
            for m in pkgutil.walk_packages(pkg.__path__, pkg.__name__ + "."):
                importlib.import_module(m.name)
        from rbdesk.cli.main import build_parser
        build_parser()
        bad = sorted(m for m in sys.modules if m.startswith(("PySide6", "shiboken6")))
        print(",".join(bad))
        """
    )
    env = dict(os.environ, PYTHONPATH=str(repo_root))
    out = subprocess.run(
        [sys.executable, "-c", code], env=env, capture_output=True, text=True, check=True
    )
    assert out.stdout.strip() == "", f"Qt imported by core/cli: {out.stdout}"


def test_rbdesk_parse_does_not_import_qt(repo_root, tmp_path):
    f = tmp_path / "r.md"
    f.write_text("# T\n")
    code = (
        "import sys; from rbdesk.cli.main import main; main(['parse', sys.argv[1]]); "
        "print('QT' if any(m.startswith('PySide6') for m in sys.modules) else 'NOQT')"
    )
    env = dict(os.environ, PYTHONPATH=str(repo_root))
    out = subprocess.run(
        [sys.executable, "-c", code, str(f)], env=env, capture_output=True, text=True, check=True
    )
    assert out.stdout.strip().endswith("NOQT")
