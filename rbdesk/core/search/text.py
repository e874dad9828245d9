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
from collections.abc import Iterable, Iterator
from functools import lru_cache

# A "word": a run of letters/digits/underscores (\w), as in most runbook text.
WORD_RE = re.compile(r"\w+")
# A command-line token: words glued with - _ / . : @ = ~ (no spaces).
COMMAND_TOKEN_RE = re.compile(r"[\w\-./:@=~+]+")
_CAMEL_RE = re.compile(r"[A-Z]+(?=[A-Z][a-z])|[A-Z]?[a-z]+|[A-Z]+|\d+|[^\W\d_A-Za-z]+")
_PUNCT_STRIP = "-./:@=~+_"

# English function words: optional in queries (they never have to match).
STOP_WORDS = frozenset(
    """a an and are as at be by can for from have if in is it may not of on or
    that the this to us we when will with yet you your i me my do does did how
    what why where which who whom there their then than so am was were been has
    had should would could into about over our its""".split()
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


@lru_cache(maxsize=262144)
def stem(word: str) -> str:
    """Porter stem of a lower-case word (cached; digits stay as they are)."""
    if len(word) < 4 or not word.isalpha():
        return word
    from whoosh.lang.porter import stem as porter

    return porter(word)


def words(text: str) -> list[str]:
    return WORD_RE.findall(text)


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
            out.append(("".join(parts[i:]), i))  # "crashlooping", "podcrashlooping"
    return tuple(dict.fromkeys(out))


def name_terms(text: str) -> Iterator[tuple[str, int]]:
    """(term, position) for titles, alert names, headings and paths."""
    pos = 0
    for w in WORD_RE.findall(text):
        width = 0
        for t, off in _name_word_terms(w):
            yield t, pos + off
            width = max(width, off + 1)
        pos += width


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
