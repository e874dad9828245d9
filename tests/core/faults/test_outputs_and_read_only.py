"""Outputs are replaced only by good ones, and a read-only data folder still reads (#20).

Every case: no traceback (the CLI fixture fails the test on any exception), the
old output is kept, a failure exits non-zero with one line saying why.
"""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

import pytest

from tests.core.sync.gitfixtures import Repo

RUNBOOK = (
    "# Disk full\n\nowner: sre\n\n## Checklist\n\n- [ ] free space\n- [ ] check\n\n"
    "## Alerts\n\n```yaml\n- alert: NodeDiskFull\n```\n\n"
    "```bash\ndf -h $MOUNT\n```\n"
)
OLD = b"%PDF-1.4 the previous, good PDF\n%%EOF\n"
# PDFs need Qt: pytest-qt's QApplication (a bare QGuiApplication made here would
# abort the widget tests that run later in the same process)
pytestmark = pytest.mark.usefixtures("qapp")


@pytest.fixture()
def synced(sync_ops) -> Repo:
    return sync_ops({"disk.md": RUNBOOK})


@pytest.fixture()
def qpdf_to_dev_full(monkeypatch):
    """QPdfWriter writing into a full disk: Qt reports nothing, the file stays empty."""
    from rbdesk.ui import printing

    real = printing.pdf_writer
    monkeypatch.setattr(printing, "pdf_writer", lambda path, title="": real("/dev/full", title))


def _one_line(err: str) -> str:
    lines = [ln for ln in err.splitlines() if ln.startswith("rbdesk:")]
    assert len(lines) == 1 and "Traceback" not in err, err
    return lines[0]


@pytest.mark.skipif(not os.path.exists("/dev/full"), reason="needs /dev/full")
def test_pdf_on_a_full_disk_keeps_the_old_pdf(cli, tmp_path, synced, qpdf_to_dev_full):
    out = tmp_path / "drill.pdf"
    out.write_bytes(OLD)
    code, stdout, err = cli("print", "disk.md", "--checklist", "-o", str(out))
    assert code != 0 and "wrote" not in stdout
    assert "not written: it came out empty (is the disk full?)" in _one_line(err)
    assert out.read_bytes() == OLD
    assert [p.name for p in tmp_path.iterdir() if ".rbdesk-tmp-" in p.name] == []


def test_a_cut_pdf_is_not_published(tmp_path):
    """A PDF the disk cut short (no %%EOF) never replaces the old one."""
    from rbdesk.core import fsutil
    from rbdesk.core.errors import RbdeskError
    from rbdesk.ui import printing

    out = tmp_path / "drill.pdf"
    out.write_bytes(OLD)
    written = {}

    def paint_then_cut(tmp: Path) -> None:
        writer = printing.pdf_writer(tmp)
        printing.paint_parts(writer, [printing.PrintPart("<p>x</p>", "")])
        del writer
        data = tmp.read_bytes()
        tmp.write_bytes(data[: len(data) // 2])  # as if the disk filled mid-way
        written["size"] = len(data)

    with pytest.raises(RbdeskError) as info:
        fsutil.write_output(out, paint_then_cut, printing.pdf_problem)
    assert "the PDF is cut short" in str(info.value) and written["size"] > 100
    assert out.read_bytes() == OLD


def test_a_good_pdf_replaces_the_old_one(cli, tmp_path, synced):
    out = tmp_path / "drill.pdf"
    out.write_bytes(OLD)
    code, stdout, err = cli("print", "disk.md", "--checklist", "-o", str(out))
    assert code == 0 and stdout.startswith(f"wrote {out}"), err
    data = out.read_bytes()
    assert data.startswith(b"%PDF-") and b"%%EOF" in data[-1024:] and data != OLD


@pytest.mark.parametrize("where", ["folder", "under_a_file"])
def test_outputs_onto_a_folder_or_under_a_file_are_one_line(cli, tmp_path, synced, where):
    code, out, _ = cli("runs", "start", "disk.md")
    run_id = out.strip()
    (tmp_path / "plain").write_text("a file")
    (tmp_path / "dir.md").mkdir()
    (tmp_path / "dir.pdf").mkdir()
    md, pdf = {
        "folder": (tmp_path / "dir.md", tmp_path / "dir.pdf"),
        "under_a_file": (tmp_path / "plain/run.md", tmp_path / "plain/x/drill.pdf"),
    }[where]
    want = "is a folder, not a file" if where == "folder" else "is a file, not a folder"
    code, _, err = cli("runs", "export", run_id, "-o", str(md))
    assert code != 0 and want in _one_line(err)
    code, _, err = cli("print", "disk.md", "-o", str(pdf))
    assert code != 0 and want in _one_line(err)
    assert (tmp_path / "plain").read_text() == "a file"


def test_runs_export_on_a_full_disk_keeps_the_old_file(cli, tmp_path, synced):
    from rbdesk.core import fsutil

    code, out, _ = cli("runs", "start", "disk.md")
    target = tmp_path / "run.md"
    target.write_text("old export")

    def full(step: str, path: Path) -> None:
        if step == "write":
            raise fsutil.enospc(path)

    fsutil.FAULT_HOOK = full
    code, _, err = cli("runs", "export", out.strip(), "-o", str(target))
    assert code != 0 and "not written: the disk is full" in _one_line(err)
    assert target.read_text() == "old export"


# -- a read-only data folder ---------------------------------------------------------------


@pytest.fixture()
def read_only_data(tmp_path, cli_factory, tmpfs):
    """A synced data folder with a run and settings, remounted read-only (root only)."""
    mnt = tmpfs("20m")
    cli = cli_factory(mnt / "data")
    repo = Repo(tmp_path / "served" / "ops")
    repo.set_files({"disk.md": RUNBOOK}, "first")
    assert cli("source", "add", "ops", repo.url)[0] == 0
    assert cli("sync")[0] == 0
    assert cli("runs", "start", "disk.md")[0] == 0
    assert cli("runs", "tick", "1", "1")[0] == 0
    assert cli("search", "disk")[0] == 0
    remount = ["mount", "-o", "remount,ro", str(mnt)]
    assert subprocess.run(remount, capture_output=True).returncode == 0
    return cli


def test_read_only_data_folder_reads_and_refuses_writes_in_one_line(
    read_only_data, tmp_path, monkeypatch
):
    import io
    import sys

    cli = read_only_data
    for argv, want in [
        (("search", "disk"), "Disk full"),
        (("show", "disk.md"), "free space"),
        (("copy", "disk.md", "1"), ""),
        (("status",), "ops"),
        (("runs",), "Disk full"),
        (("runs", "show", "1"), "1. [x] free space"),
        (("alert", "NodeDiskFull"), "disk.md"),
    ]:
        code, out, err = cli(*argv)
        assert code == 0 and want in out, (argv, out, err)
        assert "move the file aside" not in err
    code, out, err = cli("runs", "export", "1", "-o", str(tmp_path / "run.md"))
    assert code == 0 and "free space" in (tmp_path / "run.md").read_text()
    for argv, what in [
        (("runs", "start", "disk.md"), "could not save the run to"),
        (("runs", "tick", "1", "2"), "could not save the run to"),
        (("source", "add", "x", str(tmp_path)), "sources.json.lock: Read-only file system"),
        (("sync",), "Read-only file system"),
    ]:
        code, out, err = cli(*argv)
        line = " ".join([out, err])
        assert code != 0 and what in line and "Traceback" not in line, (argv, line)
        assert argv[0] == "sync" or "must write to the data folder" in line
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(b"alertname=NodeDiskFull\n")))
    code, out, err = cli("alert", "-", "--use")
    assert "disk.md" in out  # the runbook is printed before storing fails
    assert code != 0 and "could not save settings to" in _one_line(err)
