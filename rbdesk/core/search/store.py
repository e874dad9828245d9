"""Where indexes live, how they are built, updated and opened.

* An index is a directory with Whoosh files plus ``rbdesk-index.json`` (the
  marker: format version, source, document count). A directory without a
  marker of the current :data:`~.schema.FORMAT_VERSION` is never opened (Whoosh
  unpickles its schema, so only indexes rbdesk wrote are trusted).
* Builds happen in a sibling temp directory that is renamed into place, so a
  reader sees the old index or the new one, never half of one.
* Incremental builds (a new snapshot after a sync) hard-link the previous
  index's files (Whoosh never rewrites a segment file), then delete and add
  only the documents whose content digest changed.
* Parsing and analysis of many files runs in worker processes; the single
  Whoosh writer in this process only writes postings.
"""

from __future__ import annotations

import contextlib
import functools
import hashlib
import json
import os
import shutil
import time
import uuid
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from rbdesk.core.dataload import load_json
from rbdesk.core.library.roots import iter_runbook_files
from rbdesk.core.search.mkdocs import MKDOCS_FILES, nav_titles
from rbdesk.core.search.schema import FORMAT_VERSION, build_schema

MARKER = "rbdesk-index.json"
INDEX_NAME = "MAIN"
PARALLEL_MIN_FILES = 200  # below this, parsing in-process is faster than spawning
HEARTBEAT_S = 2.0  # progress while the parallel writer's workers finish
MAX_SEGMENTS = 8  # more than this after an incremental update: rebuild in full
STALE_TEMP_SECONDS = 3600

# (done, total, message)
BuildProgress = Callable[[int, int, str], None]


class IndexUnavailable(Exception):
    """The directory holds no usable rbdesk index (missing, foreign, old or corrupt)."""


@dataclass(frozen=True, slots=True)
class BuildStats:
    documents: int
    added: int
    removed: int
    incremental: bool
    seconds: float
    # "path (why)" of indexed files a guard kept from being read completely
    # (readfaults.is_read_fault): named by sync and `rbdesk status`, never fatal.
    unreadable: list[str] = field(default_factory=list)


@functools.cache
def parser_version() -> str:
    """Hash of the parser's sources: a new parser means re-indexing."""
    h = hashlib.sha1(usedforsecurity=False)
    for path in parser_sources():
        with contextlib.suppress(OSError):
            h.update(path.name.encode() + b"\0" + path.read_bytes())
    return h.hexdigest()[:12]


def parser_sources() -> list[Path]:
    """Every module of the runbook layer (model, parser and its helpers)."""
    runbook = Path(__file__).resolve().parent.parent / "runbook"
    return sorted(runbook.glob("*.py"))


def read_marker(index_dir: Path) -> dict[str, Any] | None:
    try:
        data = load_json((Path(index_dir) / MARKER).read_text("utf-8"))
    except (OSError, ValueError):
        return None
    return data if isinstance(data, dict) else None


def is_current(index_dir: Path) -> bool:
    marker = read_marker(index_dir)
    return (
        bool(marker)
        and marker.get("format") == FORMAT_VERSION
        and marker.get("parser") == parser_version()
    )


def open_index(index_dir: Path, light: bool = False):
    """Open an rbdesk index of the current format, or raise IndexUnavailable.

    light: read the segment files where they lie instead of copying their term and
    posting tables into memory (Whoosh copies them out of its memory map: about 3 KB
    per runbook). For a few lookups (``lookup.py``), not for ranking queries.
    """
    marker = read_marker(index_dir)
    if not marker:
        raise IndexUnavailable(f"no rbdesk index in {index_dir}")
    if not is_current(index_dir):
        raise IndexUnavailable(f"index in {index_dir} has another format or parser version")
    from whoosh import index
    from whoosh.filedb.filestore import FileStorage

    try:
        if light:
            storage = FileStorage(str(index_dir), readonly=True)
            storage.supports_mmap = False  # compound segments are then read as sub-files
            return storage.open_index(INDEX_NAME)
        return index.open_dir(str(index_dir), indexname=INDEX_NAME)
    except Exception as exc:  # any unpickling/IO error means "corrupt"
        raise IndexUnavailable(f"cannot open the index in {index_dir}: {exc}") from exc


def root_fingerprint(root: Path) -> str:
    """Hash of the runbook file list with mtimes and sizes (and mkdocs.yml)."""
    h = hashlib.sha1(usedforsecurity=False)
    root = Path(root)
    for rel, p in iter_runbook_files(root):
        with contextlib.suppress(OSError):
            st = p.stat()
            h.update(f"{rel}\0{st.st_mtime_ns}\0{st.st_size}\n".encode())
    for name in MKDOCS_FILES:
        with contextlib.suppress(OSError):
            st = (root / name).stat()
            h.update(f"{name}\0{st.st_mtime_ns}\0{st.st_size}\n".encode())
    return h.hexdigest()[:16]


def _file_digests(files: list[tuple[str, Path]]) -> dict[str, str]:
    from rbdesk.core.search.documents import digest_bytes

    out = {}
    for rel, p in files:
        try:
            out[rel] = digest_bytes(p.read_bytes())
        except OSError:
            continue
    return out


def _prepare_one(args: tuple[Path, str, str, str | None]) -> dict[str, Any] | None:
    from rbdesk.core.search.documents import prepare_file  # the parser: builds only

    path, rel, source, nav = args
    try:
        return prepare_file(path, rel, source, nav)
    except OSError:
        return None  # vanished or unreadable: not indexed


def _parallel_writer(ix, procs: int, limitmb: int):
    """A Whoosh MpWriter whose sub-processes also parse and analyse the files.

    The parent only queues (path, relpath, source, nav title) jobs; each worker
    writes its own segment (``multisegment``: no final merge pass).
    """
    import pickle

    from whoosh.multiproc import MpWriter, SubWriterTask

    class PrepareTask(SubWriterTask):
        def _process_file(self, filename: str, doc_count: int) -> None:
            writer = self.writer
            tempstorage = writer.temp_storage()
            with tempstorage.open_file(filename).raw_file() as f:
                for _ in range(doc_count):
                    _code, args = pickle.load(f)
                    job = args.get("_job")
                    doc = _prepare_one(job) if job is not None else args
                    if doc is not None:
                        writer.add_document(**doc)
            tempstorage.delete_file(filename)

    class PrepareMpWriter(MpWriter):
        def _new_task(self):
            task = PrepareTask(
                self.storage,
                self.indexname,
                self.jobqueue,
                self.resultqueue,
                self.subargs,
                self.multisegment,
            )
            self.tasks.append(task)
            task.start()
            return task

    return PrepareMpWriter(ix, procs=procs, batchsize=32, multisegment=True, limitmb=limitmb)


def _stop_workers(writer) -> None:
    """Terminate a parallel writer's worker processes (none for a plain writer)."""
    for task in getattr(writer, "tasks", []):
        with contextlib.suppress(Exception):
            task.terminate()


def _commit_reporting(writer, merge: bool, say: Callable[[str], None]) -> None:
    """Commit a parallel writer, saying every ``HEARTBEAT_S`` that it still works.

    The commit waits for the worker processes to finish their last files and
    write their segments (tens of seconds at 10,000 runbooks) and Whoosh tells
    nothing meanwhile; a silent progress bar looks like a hang. When ``say``
    raises (a cancelled sync), the workers are stopped and the commit thread
    is waited for before the exception goes on (the temp dir is then removed).
    """
    import threading

    failure: list[BaseException] = []

    def commit() -> None:
        try:
            writer.commit(merge=merge)
        except BaseException as exc:  # handed to the calling thread
            failure.append(exc)

    thread = threading.Thread(target=commit, name="rbdesk-index-commit", daemon=True)
    started = time.monotonic()
    thread.start()
    try:
        while thread.is_alive():
            thread.join(HEARTBEAT_S)
            if thread.is_alive():
                say(f"writing the index ({time.monotonic() - started:.0f} s)")
    except BaseException:
        _stop_workers(writer)
        thread.join(30)
        raise
    if failure:
        raise failure[0]


def _write(
    ix,
    jobs: list[tuple[Path, str, str, str | None]],
    to_remove: list[str],
    report: BuildProgress,
    merge: bool,
    workers: int | None,
) -> None:
    total = len(jobs)
    procs = workers if workers is not None else min(os.cpu_count() or 1, 4)
    parallel = total >= PARALLEL_MIN_FILES and procs > 1
    writer = _parallel_writer(ix, procs, 128) if parallel else ix.writer(limitmb=128)
    try:
        for rel in to_remove:
            writer.delete_by_term("key", rel)
        step = max(1, total // 100)
        for done, job in enumerate(jobs, 1):
            if parallel:
                writer.add_document(_job=job)
            else:
                doc = _prepare_one(job)
                if doc is not None:
                    writer.add_document(**doc)
            if done % step == 0 or done == total:
                report(done, total, f"indexed {done}/{total} runbooks")
        if parallel:
            report(total, total, "writing the index")
            _commit_reporting(writer, merge, lambda s: report(total, total, s))
        else:
            writer.commit(merge=merge)
    except BaseException:
        _stop_workers(writer)
        with contextlib.suppress(Exception):
            writer.cancel()
        raise


def _new_temp_dir(dest: Path) -> Path:
    dest.parent.mkdir(parents=True, exist_ok=True)
    tmp = dest.parent / f".{dest.name}.tmp-{os.getpid()}-{uuid.uuid4().hex[:8]}"
    tmp.mkdir()
    return tmp


def _hardlink_copy(src: Path, dst: Path) -> None:
    def link(s: str, d: str) -> None:
        try:
            os.link(s, d)
        except OSError:
            shutil.copy2(s, d)

    shutil.copytree(src, dst, copy_function=link, dirs_exist_ok=True)
    with contextlib.suppress(OSError):
        (dst / f"{INDEX_NAME}_WRITELOCK").unlink()


def _replace_dir(tmp: Path, dest: Path) -> None:
    """Rename tmp to dest; an existing dest is renamed away first, then deleted."""
    trash = None
    if dest.exists():
        trash = dest.parent / f".{dest.name}.old-{uuid.uuid4().hex[:8]}"
        os.replace(dest, trash)
    os.replace(tmp, dest)
    if trash is not None:
        shutil.rmtree(trash, ignore_errors=True)


def _write_marker(index_dir: Path, source: str, documents: int, fingerprint: str) -> None:
    marker = {
        "format": FORMAT_VERSION,
        "parser": parser_version(),
        "source": source,
        "documents": documents,
        "fingerprint": fingerprint,
        "built_at": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
    }
    path = index_dir / MARKER
    with open(path, "w", encoding="utf-8") as fh:
        json.dump(marker, fh)
        fh.flush()
        os.fsync(fh.fileno())


def _stored_faults(ix) -> list[str]:
    """'path (first reason)' of every document whose info names read faults."""
    out = []
    with ix.reader() as reader:
        for f in reader.all_stored_fields():
            info = f.get("info")
            if isinstance(info, dict) and info.get("faults"):
                out.append(f"{f.get('key', '?')} ({info['faults'][0]})")
    return sorted(out)


def _stored_digests(ix) -> dict[str, str]:
    with ix.reader() as reader:
        return {
            f["key"]: f["info"].get("digest", "")
            for f in reader.all_stored_fields()
            if "key" in f and isinstance(f.get("info"), dict)
        }


def cleanup_siblings(dest: Path, prefix: str) -> None:
    """Remove older indexes of the same source and stale temp dirs next to dest."""
    parent = dest.parent
    if not parent.is_dir():
        return
    now = time.time()
    for entry in parent.iterdir():
        if entry == dest:
            continue
        name = entry.name
        try:
            if (name.startswith(f".{prefix}") and ".tmp-" in name) or ".old-" in name:
                if now - entry.stat().st_mtime > STALE_TEMP_SECONDS:
                    shutil.rmtree(entry, ignore_errors=True)
            elif prefix and name.startswith(prefix) and entry.is_dir():
                shutil.rmtree(entry, ignore_errors=True)
        except OSError:
            continue


def build(
    root: Path,
    source: str,
    dest: Path,
    previous: Path | None = None,
    progress: BuildProgress | None = None,
    fingerprint: str = "",
    workers: int | None = None,
    only: Iterable[str] | None = None,
) -> BuildStats:
    """Build the index of every runbook below ``root`` into ``dest`` (atomically).

    ``previous``: an index of an older version of the same source; its
    documents whose digest still matches are reused. ``only``: relpaths known
    to have changed (skips digesting the others; used for tests and benches).
    """
    started = time.perf_counter()
    report = progress or (lambda done, total, message: None)
    root = Path(root)
    files = list(iter_runbook_files(root))
    titles = nav_titles(root)
    tmp = _new_temp_dir(dest)
    try:
        ix = None
        if previous is not None and previous != dest and is_current(previous):
            try:
                _hardlink_copy(previous, tmp)
                ix = open_index(tmp)
                if len(ix._segments()) > MAX_SEGMENTS:
                    raise IndexUnavailable("too many segments: rebuilding in full")
            except (IndexUnavailable, OSError):
                ix = None
                shutil.rmtree(tmp, ignore_errors=True)
                tmp.mkdir()
        incremental = ix is not None
        if ix is None:
            from whoosh import index

            ix = index.create_in(str(tmp), build_schema(), indexname=INDEX_NAME)
            to_add = files
            to_remove: list[str] = []
        else:
            old = _stored_digests(ix)
            current = {rel for rel, _ in files}
            if only is not None:
                changed = set(only)
            else:
                new = _file_digests(files)
                changed = {rel for rel, d in new.items() if old.get(rel) != d}
            to_add = [(rel, p) for rel, p in files if rel in changed]
            to_remove = [rel for rel in old if rel not in current or rel in changed]
        total = len(to_add)
        report(0, total, f"indexing {total} runbooks")
        jobs = [(p, rel, source, titles.get(rel)) for rel, p in to_add]
        _write(ix, jobs, to_remove, report, incremental, workers)
        with ix.reader() as reader:
            documents = reader.doc_count()
        unreadable = _stored_faults(ix)
        ix.close()
        _write_marker(tmp, source, documents, fingerprint)
        _replace_dir(tmp, dest)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    return BuildStats(
        documents=documents,
        added=len(to_add),
        removed=len(to_remove),
        incremental=incremental,
        seconds=time.perf_counter() - started,
        unreadable=unreadable,
    )


def update_in_place(root: Path, source: str, index_dir: Path, relpaths: list[str]) -> BuildStats:
    """Re-index some files of root inside an existing index (no copy, no rename)."""
    started = time.perf_counter()
    ix = open_index(index_dir)
    root = Path(root)
    titles = nav_titles(root)
    jobs = []
    for rel in relpaths:
        p = root / rel
        if p.is_file():
            jobs.append((p, rel, source, titles.get(rel)))
    try:
        _write(ix, jobs, list(relpaths), lambda *a: None, True, 1)
        with ix.reader() as reader:
            documents = reader.doc_count()
    finally:
        ix.close()
    return BuildStats(documents, len(jobs), len(relpaths), True, time.perf_counter() - started)
