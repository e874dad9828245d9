"""Where a full index build's time goes, per file, against the stack's own floor.

Run by hand (not collected by pytest)::

    python tests/bench/bench_build_floor.py            # 1,000 random files of a real 10k library
    python tests/bench/bench_build_floor.py --files 300

Builds the realistic library of ``bench_search.py`` (``scale_library.py`` over
the shared corpora, read in place, written to a temp dir), then times in one
process, on the same random sample of files:

* a bare ``MarkdownIt("commonmark")`` parse (no plugins): the baseline,
* markdown-it-py with rbdesk's plugins,
* rbdesk's ``parse_file`` (that parse plus the walk over the tree),
* index preparation (terms, digest),
* Whoosh ``add_document`` + ``commit`` of the prepared documents,

and prints each as ms per file and as a ratio to the bare parse, plus two
extrapolations to 10,000 files on the machine's cores with perfect
parallelism: the stack alone (bare parse + Whoosh writing, no rbdesk code) and
rbdesk's whole pipeline. The real build (``bench_search.py``'s ``build_s``)
is slower than the second by MpWriter's overhead.
"""

from __future__ import annotations

import argparse
import os
import random
import shutil
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from bench_search import REPO, generate_real, shared_dir

sys.path.insert(0, str(REPO))


def per_file_ms(fn, items) -> float:
    started = time.perf_counter()
    for item in items:
        fn(item)
    return (time.perf_counter() - started) / len(items) * 1000


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--files", type=int, default=1000, help="sample size (default 1000)")
    ap.add_argument("--library", type=int, default=10000, help="library size (default 10000)")
    args = ap.parse_args(argv)
    shared = shared_dir()
    if shared is None:
        print("no shared corpora (set RBDESK_SHARED): nothing to measure", file=sys.stderr)
        return 2

    from markdown_it import MarkdownIt
    from whoosh import index

    from rbdesk.core.runbook.markdown import markdown_parser
    from rbdesk.core.runbook.parser import parse_file
    from rbdesk.core.search import store
    from rbdesk.core.search.documents import digest_bytes, prepare
    from rbdesk.core.search.schema import build_schema

    work = Path(tempfile.mkdtemp(prefix="rbdesk-floor-"))
    try:
        lib = work / "lib"
        generate_real(lib, args.library, shared)
        files = sorted(lib.rglob("*.md"))
        random.Random(7).shuffle(files)
        files = files[: args.files]
        rels = [f.relative_to(lib).as_posix() for f in files]
        texts = [f.read_text("utf-8", errors="replace") for f in files]

        bare = MarkdownIt("commonmark", {"html": False})
        ours = markdown_parser()
        bare.parse(texts[0]), ours.parse(texts[0])  # warm up
        rows = {"markdown-it-py, bare commonmark parse": per_file_ms(bare.parse, texts)}
        rows["markdown-it-py with rbdesk's plugins"] = per_file_ms(ours.parse, texts)
        runbooks = []
        rows["rbdesk parse_file (parse + walk)"] = per_file_ms(
            lambda i: runbooks.append(parse_file(files[i], relpath=rels[i], checks=False)),
            range(len(files)),
        )
        docs = []
        rows["index preparation (terms, digest)"] = per_file_ms(
            lambda i: docs.append(
                prepare(runbooks[i], rels[i], "s", digest_bytes(files[i].read_bytes()))
            ),
            range(len(files)),
        )
        (work / "ix").mkdir()
        ix = index.create_in(str(work / "ix"), build_schema(), indexname=store.INDEX_NAME)
        started = time.perf_counter()
        writer = ix.writer(limitmb=128)
        for doc in docs:
            writer.add_document(**doc)
        writer.commit()
        rows["Whoosh add_document + commit"] = (time.perf_counter() - started) / len(docs) * 1000
        ix.close()
    finally:
        shutil.rmtree(work, ignore_errors=True)

    base = rows["markdown-it-py, bare commonmark parse"]
    print(f"{len(files)} random files of a real {args.library}-file library, one process")
    for name, ms in rows.items():
        print(f"  {name:<40} {ms:6.2f} ms/file  {ms / base:5.2f}x bare parse")
    cores = os.cpu_count() or 1
    whoosh = rows["Whoosh add_document + commit"]
    stack = (base + whoosh) * 10000 / cores / 1000
    ours_s = (
        rows["rbdesk parse_file (parse + walk)"]
        + rows["index preparation (terms, digest)"]
        + whoosh
    )
    print(
        f"10,000 files on {cores} ideal cores: the stack alone (bare parse + Whoosh) {stack:.0f} s,"
    )
    print(f"  rbdesk's pipeline {ours_s * 10000 / cores / 1000:.0f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
