"""Tokenising for search: the same functions build index terms and query terms.

Pure Python (no Whoosh) so that index building can run it in worker
processes and the query side can reuse it without an analyzer chain.

* ``split_identifier("KubePodCrashLooping")`` -> ``["kube", "pod", "crash", "looping"]``;
  ``etcd_mvcc_db_total_size`` and ``NodeRAIDDiskFailure`` split the same way.
* Body text (:func:`text_terms`) yields each word lower-cased; a word that is an
  identifier (camelCase, snake_case) yields its whole form *and* its parts.
* Name-like fields (titles, alert names, headings, paths) additionally get
  the joins ending at the last part ("crashlooping", "podcrashlooping") and stems, so
  that ``crash looping``, ``crashlooping`` and ``KubePodCrashLooping`` all meet.
* Commands (:func:`command_terms`) keep ``-``, ``_``, ``/`` and ``.`` inside
  tokens (``--all-namespaces`` -> ``all-namespaces``) besides the plain words.
"""

from __future__ import annotations

import re
from bisect import bisect_left
from collections.abc import Iterable, Iterator
from functools import lru_cache

# A "word": a run of letters/digits/underscores (\w), as in most runbook text.
WORD_RE = re.compile(r"\w+")
# A command-line token: words glued with - _ / . : @ = ~ (no spaces).
COMMAND_TOKEN_RE = re.compile(r"[\w\-./:@=~+]+")
_CAMEL_RE = re.compile(r"[A-Z]+(?=[A-Z][a-z])|[A-Z]?[a-z]+|[A-Z]+|\d+|[^\W\d_A-Za-z]+")
_PUNCT_STRIP = "-./:@=~+_"

# English function words: never searched for when a query has other words
# (and never indexed as acronym long-form words' initials).
STOP_WORDS = frozenset(
    """a an and are as at be by can for from have if in is it may not of on or
    that the this to us we when will with yet you your i me my do does did how
    what why where which who whom there their then than so am was were been has
    had should would could into about over our its""".split()
)
# Words of a question ("how do I …", "what counts as …", "what does X mean")
# that say nothing about the runbook wanted: dropped like STOP_WORDS.
QUESTION_WORDS = frozenset(
    """happens happened happen mean means meant counts count counted anyone
    someone something get getting got go going need needs want wants tell
    please there's what's whats how's it's i'm can't cannot won't don't
    doesn't isn't aren't""".split()
)
# Only dropped when they start a query or follow a question word.
_QUESTION_LEAD = frozenset(
    "how what why where which who when is are do does did can should".split()
)

# What on-call engineers type vs what runbooks say: a query word also matches
# these words (at a lower weight). Single index terms only; kept small and
# obvious so that ranking stays predictable.
SYNONYMS: dict[str, tuple[str, ...]] = {
    "disk": ("filesystem", "volume", "storage"),
    "disks": ("filesystem", "volume", "storage"),
    "fs": ("filesystem",),
    "full": ("filling", "exhausted", "exhaustion"),
    "oom": ("memory", "oomkilled"),
    "oomkilled": ("memory", "oom"),
    "mem": ("memory",),
    "cert": ("certificate",),
    "certs": ("certificate", "certificates"),
    "ssl": ("certificate", "tls"),
    "tls": ("certificate", "ssl"),
    "pvc": ("persistentvolumeclaim", "persistent", "volume"),
    "pv": ("persistentvolume", "persistent", "volume"),
    "hpa": ("horizontalpodautoscaler", "autoscaler"),
    "k8s": ("kubernetes",),
    "db": ("database",),
    "crashloop": ("crashlooping", "crash"),
    "crashing": ("crashlooping", "crash"),
    "restarting": ("crashlooping", "restarts"),
    "slow": ("latency", "slowness"),
    "latency": ("slow",),
    "down": ("unavailable", "unreachable"),
    "unreachable": ("down", "unavailable"),
    "5xx": ("errors", "error"),
    "lag": ("behind", "delay"),
    "ntp": ("clock", "timesync"),
    "inodes": ("files",),
    "conn": ("connection", "connections"),
    "quorum": ("leader", "members"),
}

MAX_NAME_PARTS = 8  # joins of neighbouring parts are built for at most this many

# Words people write apart or together ("switch over" / "switchover"): a body
# that writes a listed pair also gets the joined term, so the joined query
# word finds it. Names (titles, headings, file names) also join any word with
# a particle after it (see :func:`name_terms`), and the query joins
# neighbouring words when the library uses the joined word (learned from the
# index's own vocabulary).
COMPOUNDS: frozenset[tuple[str, str]] = frozenset(
    tuple(p.split("+"))  # type: ignore[misc]
    for p in """set+up log+in log+out sign+in sign+up shut+down back+up time+out
    fail+over fail+back hot+fix hot+patch roll+back roll+out check+out start+up
    clean+up look+up stand+by switch+over take+over hand+over hand+off back+off
    crash+loop work+around break+down tear+down down+time up+time on+call
    run+book dead+lock name+space host+name file+system time+stamp web+hook
    end+point pipe+line health+check life+cycle key+store trust+store
    hot+spot read+only""".split()
)
_FIRSTS = frozenset(a for a, _ in COMPOUNDS)


def is_compound(a: str, b: str) -> bool:
    """A listed pair, the second word maybe plural ("host names")."""
    return (a, b) in COMPOUNDS or (b.endswith("s") and (a, b[:-1]) in COMPOUNDS)


# A name word followed by one of these is also joined ("fail over", "log in").
PARTICLES = frozenset("up down in out on off over by back".split())
# A host, domain or dashed/dotted name: status.example.io, status-example-io,
# status_example_io all also give "statusexampleio".
JOINED_RE = re.compile(r"\b[A-Za-z0-9]+(?:[._-][A-Za-z0-9]+)+")
MAX_JOINED_PARTS = 6


@lru_cache(maxsize=65536)
def split_identifier(word: str) -> tuple[str, ...]:
    """Lower-cased parts of a camelCase / snake_case / kebab identifier."""
    parts: list[str] = []
    for chunk in re.split(r"[_\W]+", word):
        if not chunk:
            continue
        if chunk.islower() or chunk.isdigit():
            parts.append(chunk)
        else:
            parts.extend(p.lower() for p in _CAMEL_RE.findall(chunk))
    return tuple(parts)


@lru_cache(maxsize=262144)
def word_terms(word: str) -> tuple[str, ...]:
    """Index terms for one \\w+ word: the whole (lower case) plus its parts."""
    if word.islower() and "_" not in word:
        return (word,)
    low = word.lower()
    parts = split_identifier(word)
    if len(parts) <= 1:
        return (low,) if not parts or parts[0] == low else (low, *parts)
    return (low, *parts)


# Forms Porter leaves apart that on-call text uses for the same thing.
_STEM_FIX = {
    "sent": "send",
    "broke": "break",
    "broken": "break",
    "ran": "run",
    "lost": "lose",
    "failur": "fail",
    "hung": "hang",
    "stuck": "stick",
}


@lru_cache(maxsize=262144)
def stem(word: str) -> str:
    """Porter stem of a lower-case word (cached; digits stay as they are)."""
    if len(word) < 3 or not word.isalpha():
        return word
    if word in _STEM_FIX:
        return _STEM_FIX[word]
    if len(word) < 4:
        return word
    from whoosh.lang.porter import stem as porter

    s = porter(word)
    return _STEM_FIX.get(s, s)


def words(text: str) -> list[str]:
    return WORD_RE.findall(text)


def is_question(ws: list[str]) -> bool:
    return bool(ws) and ws[0].lower() in _QUESTION_LEAD


def is_function_word(word: str, question: bool) -> bool:
    w = word.lower()
    return w in STOP_WORDS or (question and w in QUESTION_WORDS)


@lru_cache(maxsize=262144)
def body_term(term: str) -> str:
    """The indexed form of a lower-case body word: its Porter stem."""
    return stem(term)


def body_terms(text: str) -> Iterator[tuple[str, int]]:
    """(stemmed term, position) for body text (see :func:`text_terms`), plus a
    listed compound written apart joined ("switch over" -> switchover) and
    host-like names joined (:func:`host_terms`)."""
    prev = ""
    for t, pos in text_terms(text):
        yield body_term(t), pos
        if prev in _FIRSTS and is_compound(prev, t):
            yield body_term(prev + t), pos
        prev = t
    for t in host_terms(text):
        yield body_term(t), 0


def host_terms(text: str) -> Iterator[str]:
    """Host/dotted/dashed/underscored names joined: "status.example.io",
    "status-example-io", "status_example_io" -> statusexampleio."""
    for m in JOINED_RE.finditer(text):
        j = _joined(m.group(0))
        if j:
            yield j


def _joined(token: str) -> str | None:
    """A host-like token joined (status.example.io -> statusexampleio), or None
    for a number (1.2.3) or a long dotted chain."""
    if sum(token.count(c) for c in "._-") >= MAX_JOINED_PARTS:
        return None
    j = compact(token)
    return None if j.isdigit() else j


# "Recovery Time Objective (RTO)" and "RTO (recovery time objective)".
_ACRO_AFTER_RE = re.compile(r"\(([A-Z][A-Za-z0-9]{1,7})\)")
_ACRO_BEFORE_RE = re.compile(r"\b([A-Z][A-Z0-9]{1,7}s?)\s*\(([^()\n]{3,80})\)")
_SMALL = frozenset("of and the for to a an in on with by at de".split())


def _acronym_letters(acr: str) -> str | None:
    up = sum(c.isupper() for c in acr)
    if up < 2 or not acr[0].isalpha():
        return None
    a = acr[:-1] if acr.endswith("s") and acr[:-1].isupper() else acr
    return "".join(c for c in a.lower() if c.isalpha()) or None


def _acronym_key(acr: str) -> str:
    """ "PRs" -> "pr", "KEP" -> "kep"."""
    return acr[:-1].lower() if acr.endswith("s") and acr[:-1].isupper() else acr.lower()


def _long_form(letters: str, ws: list[str]) -> list[str] | None:
    """The shortest tail of ws whose significant words' initials spell letters."""
    n = len(letters)
    for k in range(n, min(len(ws), n + 3) + 1):
        tail = ws[-k:]
        if tail[0].lower() in _SMALL:
            continue
        sig = [w for w in tail if w.lower() not in _SMALL]
        if len(sig) == n and "".join(w[0].lower() for w in sig) == letters:
            return [w.lower() for w in tail]
    return None


def acronyms(text: str, limit: int = 50) -> list[tuple[str, str]]:
    """(acronym, long form) pairs defined in text, lower case, first of each."""
    found: dict[str, str] = {}
    for m in _ACRO_AFTER_RE.finditer(text):
        letters = _acronym_letters(m.group(1))
        if not letters or _acronym_key(m.group(1)) in found:
            continue
        before = WORD_RE.findall(text[max(0, m.start() - 120) : m.start()])
        lf = _long_form(letters, before)
        if lf:
            found[_acronym_key(m.group(1))] = " ".join(lf)
        if len(found) >= limit:
            break
    for m in _ACRO_BEFORE_RE.finditer(text):
        acr = m.group(1)
        letters = _acronym_letters(acr)
        key = _acronym_key(acr)
        if not letters or key in found:
            continue
        inner = WORD_RE.findall(m.group(2))
        if not inner or inner[0][0].lower() != letters[0]:
            continue
        # the long form must start the parenthesis
        for k in range(len(letters), min(len(inner), len(letters) + 3) + 1):
            head = inner[:k]
            sig = [w for w in head if w.lower() not in _SMALL]
            if len(sig) == len(letters) and "".join(w[0].lower() for w in sig) == letters:
                found[key] = " ".join(w.lower() for w in head)
                break
        if len(found) >= limit:
            break
    return sorted(found.items())


def text_terms(text: str) -> Iterator[tuple[str, int]]:
    """(term, position) for body text: whole identifiers share the first part's slot."""
    pos = 0
    for w in WORD_RE.findall(text):
        terms = word_terms(w)
        if len(terms) == 1:
            yield terms[0], pos
            pos += 1
            continue
        yield terms[0], pos
        for t in terms[1:]:
            yield t, pos
            pos += 1


@lru_cache(maxsize=65536)
def _name_word_terms(word: str) -> tuple[tuple[str, int], ...]:
    """(term, offset): the whole word and the joins ending at the last part at
    offset 0, each part (and its stem) at its own offset."""
    parts = split_identifier(word)[:MAX_NAME_PARTS] or (word.lower(),)
    out: list[tuple[str, int]] = [(word.lower(), 0)]
    n = len(parts)
    for i, part in enumerate(parts):
        out.append((part, i))
        s = stem(part)
        if s != part:
            out.append((s, i))
        if 0 < i < n - 1:
            join = "".join(parts[i:])  # "crashlooping", "podcrashlooping"
            out.append((join, i))
            if stem(join) != join:
                out.append((stem(join), i))
    return tuple(dict.fromkeys(out))


def name_terms(text: str) -> Iterator[tuple[str, int]]:
    """(term, position) for titles, alert names, headings and paths.

    Besides each word's terms: a word and the particle after it joined
    ("Switch over" -> switchover, "Log in" -> login, "Roll back"), as are
    listed :data:`COMPOUNDS`, and each host-like name joined
    (``status-example-io`` -> statusexampleio), at the first word's position,
    so a query writing them the other way meets them.
    """
    pos = 0
    prev: tuple[str, int] | None = None
    starts: list[tuple[int, int]] = []  # (offset in text, position) of each word
    for m in WORD_RE.finditer(text):
        w = m.group(0)
        starts.append((m.start(), pos))
        width = 0
        for t, off in _name_word_terms(w):
            yield t, pos + off
            width = max(width, off + 1)
        low = w.lower()
        if prev is not None and (low in PARTICLES or is_compound(prev[0], low)):
            joined = prev[0] + low
            yield joined, prev[1]
            s = stem(joined)
            if s != joined:
                yield s, prev[1]
        ok = low.isalpha() and len(low) > 1 and low not in STOP_WORDS
        ok = ok and len(split_identifier(w)) == 1  # not an identifier (KubePodCrash)
        prev = (low, pos) if ok else None
        pos += width
    for m in JOINED_RE.finditer(text):
        j = _joined(m.group(0))
        if j:
            i = bisect_left(starts, (m.start(), -1))
            yield j, starts[min(i, len(starts) - 1)][1]


def _strip_punct(token: str) -> str:
    return token.strip(_PUNCT_STRIP).lower()


def command_token(chunk: str) -> str | None:
    """The whole command-style token of a chunk, if it has inner punctuation."""
    t = _strip_punct(chunk)
    if t and not WORD_RE.fullmatch(t) and COMMAND_TOKEN_RE.fullmatch(t):
        return t
    return None


def command_terms(text: str) -> Iterator[str]:
    """Terms for command blocks: tokens keeping - _ / . plus their words."""
    for tok in COMMAND_TOKEN_RE.findall(text):
        whole = command_token(tok)
        if whole:
            yield whole
        for w in WORD_RE.findall(tok):
            yield from word_terms(w)


def keyword(value: str) -> str:
    """A filter value as stored: lower case, inner spaces as '-'."""
    return re.sub(r"\s+", "-", value.strip().lower())


def compact(value: str) -> str:
    """Case/format-insensitive key: lower case letters and digits only."""
    return re.sub(r"[\W_]+", "", value.lower())


def unique(items: Iterable[str]) -> list[str]:
    return list(dict.fromkeys(i for i in items if i))
