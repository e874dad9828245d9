"""Search benchmark: a realistic 10,000-runbook library, and a synthetic one.

Run by hand (not collected by pytest)::

    python tests/bench/bench_search.py                      # real 10k, then synthetic 10k
    python tests/bench/bench_search.py --cases real --sizes 2000 --json

Cases:

* ``real``: real public runbook text (``<shared>/corpora/prometheus-operator-runbooks``
  and ``kubernetes-community``) scaled to N files with
  ``<shared>/tools/scale_library.py`` (read in place, written to a temp dir; later
  copies rename CamelCase identifiers like another team's services would be
  named). Queries are what an on-call engineer types: exact alert names,
  symptoms in plain words, error fragments, commands, acronyms, typos,
  natural questions. ``<shared>`` is ``$RBDESK_SHARED``, else ``<repo>/../shared``,
  else ``<repo>/../../shared``; the case is skipped when absent.
* ``synthetic``: ~8 KiB runbooks of random syllables (almost every word rare:
  flattering for an index; kept as a second, labelled case).

Printed for each case, all measured in the same run: full index build time
(with progress), index size / corpus size, one-file re-index time, p50/p95 of
Enter-style queries (with snippets) and of keystroke prefixes through the
in-process API with the index opened once, ``rg -il`` p50/p95 for the same
queries over the same files (the baseline), and cold ``rbdesk search`` in a
fresh process with and without the resident search server, next to cold
``rg -il`` for the same queries (the CLI runs from compiled bytecode, as an
installed rbdesk does: see ``installed_env``). Ratios are against rg measured
in this run.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import random
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(REPO))

from rbdesk.core.library.roots import LibraryRoot, RunbookFile, iter_runbook_files  # noqa: E402

SEED = 20240611
TARGET_BYTES = 8 * 1024

_COMPONENTS = (
    "Kube Pod Node Etcd Prometheus Alertmanager Postgres Redis Kafka Nginx Ingress "
    "Cert Dns Disk Memory Cpu Api Scheduler Controller Queue Cache Replica Backup "
    "Storage Network Gateway Auth Billing Search Worker Cron Volume Shard Broker"
).split()
_SYMPTOMS = (
    "Down CrashLooping HighLatency ErrorsHigh NotReady FillingUp OutOfMemory "
    "Throttled Degraded Unreachable Flapping LagHigh ReplicationBroken Expiring "
    "QuotaExceeded LeaderLost SlowRequests TooManyConnections DiskPressure Timeout"
).split()
_COMMON = (
    "the a to of and in is for on with check that this if be are it not you by "
    "service cluster pod node error request latency memory disk usage alert "
    "restart logs metrics dashboard config deployment namespace container "
    "replica leader connection timeout network storage volume database query "
    "backup failover traffic upstream downstream threshold percent minutes "
    "verify confirm escalate rollback investigate mitigate impact customer"
).split()
_SECTIONS = (
    "Meaning",
    "Impact",
    "Diagnosis",
    "Mitigation",
    "Escalation",
    "Verification",
    "Rollback",
    "Background",
    "Dashboards",
    "Related alerts",
)
_COMMANDS = (
    "kubectl -n {ns} get pods -o wide",
    "kubectl -n {ns} describe pod {pod}",
    "kubectl -n {ns} logs {pod} --previous --tail=200",
    "journalctl -u {svc} --since '-1h' | grep -i error",
    "df -h /var/lib/{svc}",
    "systemctl restart {svc}.service",
    "psql -h {svc}-db -c 'select count(*) from pg_stat_activity;'",
    "curl -s http://{svc}:9090/metrics | grep {metric}",
    "etcdctl endpoint status --write-out=table",
)


def _vocabulary(rng: random.Random, size: int) -> list[str]:
    syll = [
        "ka",
        "lo",
        "mi",
        "ne",
        "ro",
        "ta",
        "vu",
        "shi",
        "dor",
        "pel",
        "tran",
        "ex",
        "qua",
        "zen",
        "bri",
        "fo",
        "gar",
        "hul",
        "jin",
        "yo",
        "cre",
        "sto",
        "pli",
    ]
    words: set[str] = set()
    while len(words) < size:
        words.add("".join(rng.choice(syll) for _ in range(rng.randint(2, 4))))
    return sorted(words)


def generate(dest: Path, count: int, seed: int = SEED) -> list[dict[str, str]]:
    """Write ``count`` runbooks under dest; return (path, alert, title, symptom) facts."""
    rng = random.Random(seed)
    vocab = _vocabulary(rng, 30000)
    cum: list[float] = []
    acc = 0.0
    for i in range(len(vocab)):
        acc += 1.0 / (i + 1) ** 1.05
        cum.append(acc)
    facts = []
    for i in range(count):
        comp = rng.choice(_COMPONENTS)
        comp2 = rng.choice(_COMPONENTS)
        symptom = rng.choice(_SYMPTOMS)
        alert = f"{comp}{comp2}{symptom}{i}"
        team = rng.choice(["platform", "storage", "payments", "identity", "edge"])
        sev = rng.choice(["critical", "warning", "info"])
        svc = f"{comp.lower()}-{rng.choice(vocab)}"
        lines = [
            "---",
            f"title: {comp} {comp2} {symptom} runbook {i}",
            f"owner: {team}-team",
            f"severity: {sev}",
            f"tags: [{comp.lower()}, {symptom.lower()}, {team}]",
            "last_tested: 2024-05-01",
            "---",
            "",
            f"# {alert}",
            "",
        ]
        size = 0
        for sec in _SECTIONS:
            lines += [f"## {sec}", ""]
            for _ in range(rng.randint(1, 3)):
                n = rng.randint(20, 45)
                ws = rng.choices(vocab, cum_weights=cum, k=n // 2) + rng.choices(
                    _COMMON, k=n - n // 2
                )
                rng.shuffle(ws)
                lines += [" ".join(ws).capitalize() + ".", ""]
            if rng.random() < 0.5:
                cmd = rng.choice(_COMMANDS).format(
                    ns=team,
                    pod=f"{svc}-{rng.randint(0, 9)}",
                    svc=svc,
                    metric=f"{comp.lower()}_{rng.choice(vocab)}_total",
                )
                lines += ["```bash", cmd, "```", ""]
            size = sum(len(x) + 1 for x in lines)
        while size < TARGET_BYTES:
            ws = rng.choices(vocab, cum_weights=cum, k=30) + rng.choices(_COMMON, k=30)
            rng.shuffle(ws)
            para = " ".join(ws).capitalize() + "."
            lines += [para, ""]
            size += len(para) + 2
        rel = f"{comp.lower()}/{alert}.md"
        path = dest / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text("\n".join(lines), "utf-8")
        facts.append(
            {
                "path": rel,
                "alert": alert,
                "title": f"{comp} {comp2} {symptom}",
                "word": rng.choice(vocab[50:2000]),
                "svc": svc,
            }
        )
    return facts


class BenchLibrary:
    """The part of Library that SearchService uses, over one folder."""

    def __init__(self, root: Path, data_dir: Path) -> None:
        self.data_dir = data_dir
        self._root = LibraryRoot(name="bench", root=root, kind="folder", index_dir=None)

    def roots(self) -> list[LibraryRoot]:
        return [self._root]

    def files(self, source: str | None = None):
        for rel, p in iter_runbook_files(self._root.root):
            yield RunbookFile("bench", rel, p)

    def load(self, file: RunbookFile):
        from rbdesk.core.runbook.parser import parse_file

        return parse_file(file.path, relpath=file.relpath)


def shared_dir() -> Path | None:
    """The read-only shared folder (corpora, tools), or None."""
    env = os.environ.get("RBDESK_SHARED")
    cands = [Path(env)] if env else []
    cands += [REPO.parent / "shared", REPO.parent.parent / "shared"]
    for c in cands:
        if (c / "corpora").is_dir() and (c / "tools" / "scale_library.py").is_file():
            return c
    return None


REAL_SOURCES = ("prometheus-operator-runbooks", "kubernetes-community")


def generate_real(dest: Path, count: int, shared: Path) -> None:
    """scale_library.py over the two shared corpora (read in place)."""
    srcs = [str(shared / "corpora" / name / "content") for name in REAL_SOURCES]
    subprocess.run(
        [sys.executable, str(shared / "tools" / "scale_library.py"), str(dest), str(count), *srcs],
        check=True,
        stdout=subprocess.DEVNULL,
    )


# What on-call engineers type into a runbook search, over the real case.
# Copy K>0 of the library renames CamelCase names with a "TK" suffix.
REAL_QUERIES = [
    # exact alert names (original and another team's copy)
    "KubePodCrashLooping",
    "NodeFilesystemSpaceFillingUpT4",
    "PrometheusRuleFailuresT2",
    "etcdNoLeader",
    "KubeletTooManyPodsT7",
    "AlertmanagerFailedReload",
    "TargetDown",
    "CPUThrottlingHigh",
    # symptoms in plain words
    "pod keeps restarting",
    "disk almost full on node",
    "certificate about to expire",
    "alerts are not being sent",
    "clock out of sync",
    "too many open files",
    "prometheus not ingesting samples",
    "api server returning errors",
    "persistent volume filling up",
    "job did not complete",
    # error fragments
    "etcdserver: no leader",
    "context deadline exceeded",
    "x509: certificate has expired",
    "connection refused",
    "out of order timestamps",
    "err-too-many-pods",
    # commands
    "kubectl get pods --all-namespaces",
    "journalctl -u kubelet",
    "etcdctl defrag",
    "promtool check rules",
    "kubectl describe node",
    "git rebase upstream",
    # acronyms
    "KEP",
    "what is a CRI",
    "CSI driver",
    "CNCF",
    "RBAC",
    "LGTM",
    # typos
    "conntrak",
    "kubelet too many podss",
    "certficate expired",
    "alertmanger config",
    "etcd no leeder",
    # natural questions
    "how do I become a kubernetes member",
    "who approves a pull request",
    "what happens when etcd loses quorum",
    "why is my pod not ready",
    "how to add a new sig",
    "how do I run the e2e tests locally",
    "what does the watchdog alert mean",
    "why are alerts not reaching the receiver",
    "which sig owns the scheduler",
]

REAL_COLD = [
    "KubePodCrashLooping",
    "pod keeps restarting",
    "etcdserver: no leader",
    "journalctl -u kubelet",
    "what is a CRI",
    "certficate expired",
    "how do I become a kubernetes member",
    "disk almost full on node",
]


def percentiles(samples: list[float]) -> tuple[float, float]:
    s = sorted(samples)
    p50 = statistics.median(s)
    p95 = s[min(len(s) - 1, round(0.95 * (len(s) - 1)))]
    return round(p50, 1), round(p95, 1)


def make_queries(facts: list[dict[str, str]], rng: random.Random) -> tuple[list[str], list[str]]:
    sample = rng.sample(facts, 40)
    queries = []
    for f in sample[:10]:
        queries.append(f["alert"])
    for f in sample[10:20]:
        queries.append(f["title"].lower())
    for f in sample[20:30]:
        queries.append(f"{f['word']} {f['title'].split()[0].lower()}")
    for f in sample[30:40]:
        queries.append(f"{f['svc']} restart")
    queries += [
        "disk usage",
        "leader connection timeout",
        '"rollback investigate"',
        "kubectl logs previous",
        "replica failover",
        "memory pressure",
        "etcd leader lost",
        "databse backup",
        "netwrk latency",
        "owner:platform-team disk",
    ]
    return queries, prefixes_of(queries[:30])


def prefixes_of(queries: list[str]) -> list[str]:
    """Every keystroke of the last word of each query (the earlier words typed)."""
    prefixes = []
    for q in queries:
        words = q.split()
        last = words[-1]
        for n in range(1, len(last) + 1):
            prefixes.append(" ".join([*words[:-1], last[:n]]))
    return prefixes


def time_rg(root: Path, queries: list[str]) -> list[float]:
    out = []
    for q in queries:
        pattern = q.replace('"', "")
        t = time.perf_counter()
        subprocess.run(
            ["rg", "-il", "--fixed-strings", "--", pattern, str(root)],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            check=False,
        )
        out.append((time.perf_counter() - t) * 1000)
    return out


def synced_library(root: Path, workdir: Path) -> Path:
    """A data dir with `root` added as a plain-folder source and synced (index built)."""
    data = workdir / f"cli-data-{root.name}"
    if not (data / "sources.json").exists():
        for argv in (["source", "add", "bench", str(root)], ["sync", "bench"]):
            subprocess.run(
                [sys.executable, "-m", "rbdesk", "--data-dir", str(data), *argv],
                check=True,
                cwd=REPO,
                stdout=subprocess.DEVNULL,
            )
    return data


def installed_env(env: dict[str, str]) -> dict[str, str]:
    """Run the CLI as an installed rbdesk runs: from compiled bytecode.

    ``pip install .`` (the README's command) byte-compiles the package; a
    checkout run with ``PYTHONDONTWRITEBYTECODE`` set (as on this sandbox)
    would instead compile ~40 modules from source in every process (~150 ms),
    a cost no user pays. So the package is compiled once here and the
    variable is dropped for the timed processes.
    """
    import compileall

    compileall.compile_dir(str(REPO / "rbdesk"), quiet=1)
    env = dict(env)
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    return env


def cold_start(data_dir: Path, queries: list[str], server: bool = False) -> list[float]:
    """`rbdesk search QUERY` in a fresh process per query, as a user runs it.

    server=False: the resident search server is off, every process opens the
    index itself. server=True: a first (uncounted) run starts the server.
    A first uncounted run also warms the OS page cache for the index.
    """
    env = installed_env(dict(os.environ, RBDESK_SEARCH_SERVER="1" if server else "0"))

    def once(q: str) -> float:
        t = time.perf_counter()
        subprocess.run(
            [sys.executable, "-m", "rbdesk", "--data-dir", str(data_dir), "search", q],
            check=False,
            cwd=REPO,
            stdout=subprocess.DEVNULL,
            env=env,
        )
        return (time.perf_counter() - t) * 1000

    once(queries[0])
    if server:
        from rbdesk.core.search import server as srv

        path = srv.socket_path(data_dir)
        deadline = time.monotonic() + 60
        while path is not None and not path.exists() and time.monotonic() < deadline:
            time.sleep(0.2)  # the spawned server listens once its indexes are open
    return [once(q) for q in queries]


def stop_servers(data_dir: Path) -> None:
    """Ask the server this bench started (its socket belongs to data_dir) to exit."""
    from rbdesk.core.search import server

    path = server.socket_path(data_dir)
    if path is None or not path.exists():
        return
    import socket as _socket

    with contextlib.suppress(OSError), _socket.socket(_socket.AF_UNIX) as s:
        s.settimeout(2.0)
        s.connect(str(path))
        s.sendall(json.dumps({"protocol": -1}).encode() + b"\n")  # "other version": exits
        s.recv(4096)


def dir_size(path: Path) -> int:
    return sum(p.stat().st_size for p in path.rglob("*") if p.is_file())


def run_case(
    case: str, count: int, workdir: Path, verbose: bool = True, shared: Path | None = None
) -> dict[str, float | str]:
    from rbdesk.core.search import SearchService

    corpus = workdir / f"{case}-{count}"
    data = workdir / f"data-{case}-{count}"
    t = time.perf_counter()
    if case == "real":
        assert shared is not None
        generate_real(corpus, count, shared)
        files = sorted(rel for rel, _ in iter_runbook_files(corpus))
        victim_rel = files[len(files) // 2]
        queries, cold_queries = list(REAL_QUERIES), list(REAL_COLD)
        prefixes = prefixes_of(queries)
    else:
        facts = generate(corpus, count)
        victim_rel = facts[0]["path"]
        queries, prefixes = make_queries(facts, random.Random(SEED + count))
        cold_queries = queries[:: max(1, len(queries) // 8)][:8]
    gen_s = time.perf_counter() - t
    lib = BenchLibrary(corpus, data)
    service = SearchService(lib)
    root = lib.roots()[0]
    last = [0.0]
    seen = [0]

    def progress(done: int, total: int, message: str) -> None:
        now = time.perf_counter()
        seen[0] += 1
        if verbose and (now - last[0] > 5 or done == total):
            last[0] = now
            print(f"  [{case} {count}] {message}", file=sys.stderr)

    t = time.perf_counter()
    index_dir = service.ensure_index(root, progress=progress)
    build_s = time.perf_counter() - t
    index_bytes = dir_size(index_dir)
    corpus_bytes = dir_size(corpus)

    # One-file re-index: edit one runbook, update a hard-linked copy of the index
    # in place, then put the file back (same mtime: the live index stays valid).
    from rbdesk.core.search.store import _hardlink_copy

    victim = corpus / victim_rel
    original, st = victim.read_bytes(), victim.stat()
    copy = workdir / f"reindex-{case}-{count}"
    _hardlink_copy(index_dir, copy)
    victim.write_bytes(original + b"\nEdited paragraph about zanzibar.\n")
    t = time.perf_counter()
    stats = service.reindex_files(root, copy, [victim_rel])
    reindex_ms = (time.perf_counter() - t) * 1000
    assert stats.added == 1, stats
    victim.write_bytes(original)
    os.utime(victim, ns=(st.st_atime_ns, st.st_mtime_ns))
    shutil.rmtree(copy)

    service.search("warm up", limit=20)
    q_times = []
    short = 0
    for q in queries:
        t = time.perf_counter()
        res = service.search(q, limit=20, snippets=True)
        q_times.append((time.perf_counter() - t) * 1000)
        short += len(res.hits) < 20
    p_times = []
    for p in prefixes:
        t = time.perf_counter()
        service.prefix_search(p, limit=15)
        p_times.append((time.perf_counter() - t) * 1000)
    service.close()
    rg_times = time_rg(corpus, queries)
    cli_data = synced_library(corpus, workdir)
    cold = cold_start(cli_data, cold_queries)
    cold_server = cold_start(cli_data, cold_queries, server=True)
    stop_servers(cli_data)
    time_rg(corpus, cold_queries[:1])  # same warm-up as the rbdesk runs
    cold_rg_times = time_rg(corpus, cold_queries)
    q50, q95 = percentiles(q_times)
    p50, p95 = percentiles(p_times)
    r50, r95 = percentiles(rg_times)
    c50, c95 = percentiles(cold)
    cs50, cs95 = percentiles(cold_server)
    cr50, cr95 = percentiles(cold_rg_times)
    out: dict[str, float | str] = {
        "case": case,
        "runbooks": count,
        "generate_s": round(gen_s, 1),
        "build_s": round(build_s, 1),
        "build_progress_reports": seen[0],
        "corpus_mb": round(corpus_bytes / 1e6, 1),
        "index_mb": round(index_bytes / 1e6, 1),
        "index_ratio": round(index_bytes / corpus_bytes, 2),
        "reindex_one_ms": round(reindex_ms, 1),
        "query_p50_ms": q50,
        "query_p95_ms": q95,
        "queries_under_20_hits": short,
        "prefix_p50_ms": p50,
        "prefix_p95_ms": p95,
        "rg_p50_ms": r50,
        "rg_p95_ms": r95,
        "query_p95_vs_rg_p95": round(q95 / r95, 2),
        "cold_p50_ms": c50,
        "cold_p95_ms": c95,
        "cold_server_p50_ms": cs50,
        "cold_server_p95_ms": cs95,
        "cold_rg_p50_ms": cr50,
        "cold_rg_p95_ms": cr95,
        "cold_p95_vs_rg_p95": round(c95 / cr95, 2),
        "cold_server_p95_vs_rg_p95": round(cs95 / cr95, 2),
        "queries": len(queries),
        "prefixes": len(prefixes),
        "cold_queries": len(cold_queries),
    }
    if case == "synthetic":
        out["alert_top1_of_50"] = sum(
            1
            for f in facts[:50]
            if any(h.path == f["path"] for h in SearchService(lib).search(f["alert"]).hits[:1])
        )
    return out


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--cases", default="real,synthetic")
    ap.add_argument("--sizes", default="10000")
    ap.add_argument("--json", action="store_true")
    ap.add_argument("--keep", metavar="DIR", help="work in DIR and keep it")
    args = ap.parse_args(argv)
    if not shutil.which("rg"):
        print("ripgrep (rg) is required for the baseline", file=sys.stderr)
        return 2
    shared = shared_dir()
    work = Path(args.keep) if args.keep else Path(tempfile.mkdtemp(prefix="rbdesk-bench-"))
    work.mkdir(parents=True, exist_ok=True)
    results = []
    try:
        for case in args.cases.split(","):
            if case == "real" and shared is None:
                print(
                    "skipping the real case: no shared corpora (set RBDESK_SHARED)", file=sys.stderr
                )
                continue
            for size in [int(s) for s in args.sizes.split(",")]:
                print(f"== {case} {size} runbooks (cpus: {os.cpu_count()})", file=sys.stderr)
                r = run_case(case, size, work, shared=shared)
                results.append(r)
                if not args.json:
                    for k, v in r.items():
                        print(f"{k:>26}: {v}")
                    print(flush=True)
    finally:
        if not args.keep:
            shutil.rmtree(work, ignore_errors=True)
    if args.json:
        print(json.dumps(results, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
