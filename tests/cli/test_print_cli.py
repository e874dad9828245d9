"""rbdesk print: runbook, --checklist, --contacts and --tag drill packs to PDF."""

from __future__ import annotations

import os
import re
import subprocess
import sys
import unicodedata

import pytest
from pypdf import PdfReader

from rbdesk.cli.main import main
from rbdesk.core.facade import Library

pytestmark = pytest.mark.gui


def flat_text(path) -> str:
    text = "".join(p.extract_text() or "" for p in PdfReader(str(path)).pages)
    return re.sub(r"\s+", "", unicodedata.normalize("NFKC", text))


@pytest.mark.parametrize(
    ("ref", "flag", "expect"),
    [
        ("RUN-007", [], "PagerDutyaccessforescalation"),
        ("register/RUN-007-orders-db-connection-pool.md", ["--checklist"], "Drillsheet:"),
        ("CheckoutHighLatency", ["--contacts"], "Contacts:CheckoutHighLatency"),
    ],
)
def test_print_one_runbook(qapp, data_dir, tmp_path, capsys, ref, flag, expect):
    out = tmp_path / "x.pdf"
    assert main(["print", ref, *flag, "-o", str(out)]) == 0
    msg = capsys.readouterr().out
    pages = int(re.search(r"(\d+) pages?", msg).group(1))
    assert len(PdfReader(str(out)).pages) == pages
    text = flat_text(out)
    assert expect in text and "Page1of" in text


def test_print_tag_drill_pack(qapp, data_dir, tmp_path, capsys):
    lib = Library(data_dir)
    tagged = [lib.load(f) for f in lib.files() if "kafka" in (lib.load(f).meta.get("tags") or [])]
    out = tmp_path / "pack.pdf"
    assert main(["print", "--tag", "kafka", "-o", str(out)]) == 0
    assert "drill pack 'kafka'" in capsys.readouterr().out
    text = flat_text(out)
    assert tagged and all(re.sub(r"\s+", "", f"Drill sheet: {rb.title}") in text for rb in tagged)


def test_print_errors(qapp, data_dir, tmp_path, capsys):
    assert main(["print", "RUN-007", "-o", str(tmp_path / "x.png")]) == 2
    assert "PDF only" in capsys.readouterr().err
    assert main(["print", "-o", str(tmp_path / "x.pdf")]) == 2
    assert "either a REF or --tag" in capsys.readouterr().err
    assert main(["print", "--tag", "no-such-tag", "-o", str(tmp_path / "x.pdf")]) == 1
    err = capsys.readouterr().err
    assert "no runbook is tagged 'no-such-tag'" in err and "kafka" in err
    assert not (tmp_path / "x.pdf").exists()


def test_print_subprocess_without_display(data_dir, repo_root, tmp_path):
    env = {
        k: v
        for k, v in os.environ.items()
        if k not in ("DISPLAY", "WAYLAND_DISPLAY", "QT_QPA_PLATFORM")
    }
    env.update(PYTHONPATH=str(repo_root), RBDESK_DATA_DIR=str(data_dir))
    out = tmp_path / "sub.pdf"
    proc = subprocess.run(
        [sys.executable, "-m", "rbdesk", "print", "RUN-012", "--checklist", "-o", str(out)],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert proc.returncode == 0, proc.stderr
    text = flat_text(out)
    assert "Drillsheet:" in text and "Page1of" in text and "RUN-012" in text
