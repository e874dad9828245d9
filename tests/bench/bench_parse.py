"""Parser benchmark (run by hand): python tests/bench/bench_parse.py

Prints parse times for the bundled samples (per 8 KiB), a dense synthetic
~8 KiB runbook (a table, a list and a code block every ~300 bytes), a ~1 MiB
runbook and the shared
corpus, each as a ratio to a bare markdown-it parse of the same text measured
in the same run (the floor any parser built on it pays). Target: 8 KiB < 5 ms.
"""

from __future__ import annotations

import random
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from rbdesk.core.library.roots import iter_runbook_files
from rbdesk.core.runbook.markdown import markdown_parser
from rbdesk.core.runbook.parser import parse_file, parse_text

SECTION = """\
## Step {n}: Check {word} health

**Owner:** Platform Team

Check that `{word}` answers. See [the {word} runbook](../{word}.md#step-{n}) and RUN-{n:03d}.

```bash
$ kubectl -n ${{NAMESPACE}} get pods -l app={word} -o wide
NAME READY STATUS
{word}-1 1/1 Running
$ curl -s https://<{word}-host>/health
```

| Level | Contact | Method | When to Contact |
|-------|---------|--------|-----------------|
| L{n} | {word} lead | +1 555 01{n:02d} | After {n} min |

- [ ] {word} pods Running
- [x] dashboards green
"""

WORDS = "redis kafka nginx orders checkout payments catalog search email edge".split()


def make_runbook(target_bytes: int, seed: int = 7) -> str:
    rnd = random.Random(seed)
    parts = ["---\ntitle: Synthetic\nowner: SRE\nlast_tested: 2026-10-01\n---\n# Synthetic\n"]
    n = 0
    while sum(map(len, parts)) < target_bytes:
        n += 1
        parts.append(SECTION.format(n=n % 100, word=rnd.choice(WORDS)))
    return "\n".join(parts)


def timed(fn, repeat: int) -> float:
    samples = []
    for _ in range(repeat):
        t = time.perf_counter()
        fn()
        samples.append(time.perf_counter() - t)
    return statistics.median(samples)


def report(name: str, text: str, repeat: int) -> None:
    md = markdown_parser()
    base = timed(lambda: md.parse(text), repeat)
    ours = timed(lambda: parse_text(text, "synthetic.md"), repeat)
    print(
        f"{name:<10} {len(text) / 1024:8.0f} KiB  parse {ours * 1000:8.2f} ms  "
        f"markdown-it alone {base * 1000:8.2f} ms  ratio {ours / base:5.2f}x"
    )


def samples_per_8k() -> None:
    """The bundled samples (real house styles), normalised to 8 KiB of Markdown."""
    samples = Path(__file__).resolve().parents[2] / "sample-runbooks"
    md = markdown_parser()
    texts = [p.read_text("utf-8", "replace") for _, p in iter_runbook_files(samples)]
    kib = sum(len(t) for t in texts) / 1024
    ours = sum(timed(lambda t=t: parse_text(t, "s.md"), 60) for t in texts)
    base = sum(timed(lambda t=t: md.parse(t), 60) for t in texts)
    print(
        f"samples    {len(texts):5d} files  parse {ours / kib * 8 * 1000:8.2f} ms per 8 KiB  "
        f"markdown-it alone {base / kib * 8 * 1000:8.2f} ms  ratio {ours / base:5.2f}x"
    )


def main() -> None:
    parse_text("# warm up\n", "w.md")
    samples_per_8k()
    report("8 KiB", make_runbook(8 * 1024), 200)
    report("1 MiB", make_runbook(1024 * 1024), 5)
    corpus = Path(__file__).resolve().parents[3] / "shared" / "corpora"
    if corpus.is_dir():
        files = [p for _, p in iter_runbook_files(corpus)]
        md = markdown_parser()
        texts = [p.read_text("utf-8", "replace") for p in files]
        base = timed(lambda: [md.parse(t) for t in texts], 3)
        ours = timed(lambda: [parse_file(p) for p in files], 3)
        print(
            f"corpus     {len(files):5d} files  parse {ours * 1000:8.1f} ms  "
            f"markdown-it alone {base * 1000:8.1f} ms  ratio {ours / base:5.2f}x"
        )
    else:
        print("corpus: ../shared absent, skipped")


if __name__ == "__main__":
    main()
