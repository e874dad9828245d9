"""Where a placeholder sits in a shell command, and its value made literal there.

A value typed into the Variables panel, given with ``--var`` or taken from an
alert label is data: whatever it holds, the shell that runs the copied command
must see exactly that text as (part of) one word. How to write it depends on
the quoting at the placeholder's spot, so this module scans the command once
with a small POSIX-sh quoting-state scanner and knows, at every spot:

- ``bare`` / ``assignment``: an unquoted word (``NAME=<v>`` at a command's
  start is an assignment) — the value is single-quoted (``'\\''`` for a
  quote), as :func:`shlex.quote` does;
- ``double``: inside ``"…"`` — a value with ``$ ` " \\ !`` closes the double
  quotes, is single-quoted and reopens them (``"…"'v'"…"``): in an
  interactive bash ``\\!`` inside ``"…"`` keeps its backslash, ``'!'`` is plain;
- ``single``: inside ``'…'`` — each ``'`` becomes ``'\\''``;
- ``ansi-c``: inside ``$'…'`` — backslash escapes;
- ``heredoc`` / ``heredoc-quoted``: a here-document body (``<<EOF``:
  ``\\ $ ``` escaped; ``<<'EOF'``: as is) — refused when a line would become
  the delimiter and end the body early;
- ``comment``: after ``#`` — as is, refused when it holds a newline;
- ``param`` / ``arith``: inside ``${…}`` / ``$((…))`` — only a plain word / a
  number, anything else is refused (arithmetic evaluates names as code);
- inside ``$(…)`` and ``(…)`` the contexts above start again; inside
  backticks the quoted value is escaped once more for the backtick layer;
- a command string that another shell runs — the words after ``ssh HOST``,
  the word after ``sh -c`` / ``bash -c`` / ``su -c``, the arguments of
  ``eval`` and ``watch``, ``gcloud … --command`` — is scanned again as a
  command: the value is quoted for that inner shell, then that text for the
  word that carries it (``ssh h 'ls <d>'`` gets ``'\\''…'\\''``).

Python's :mod:`shlex` (even with ``punctuation_chars``) splits words but does
not tell which quoting a character sits in, and models neither ``$(…)``,
backticks nor here-documents; ``bashlex`` parses bash but is slow and
unmaintained. The scanner here is ~300 lines and is tested by running the
filled commands in bash with stub commands. Pure, no Qt.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

_NEUTRAL = "x"  # what a placeholder reads as while the command is scanned
_MAX_DEPTH = 3  # command strings inside command strings
_SHELLS = frozenset({"sh", "bash", "zsh", "dash", "ksh", "ash", "mksh", "su", "runuser"})
_SSH_ARG_OPTS = frozenset("BbcDEeFIiJLlmOoPpQRSWw")  # ssh options that take a value
_PREFIXES = frozenset({"sudo", "env", "nohup", "exec", "command", "time", "nice"})
_PLAIN_RE = re.compile(r"[\w@%+=:,./-]+", re.ASCII)
_NAME_RE = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
_DQ_SPECIAL = frozenset('$`"\\!')

_WHERE = {
    "bare": "as a bare word",
    "assignment": "in an assignment",
    "double": 'inside "…"',
    "single": "inside '…'",
    "ansi-c": "inside $'…'",
    "heredoc": "in a here-document (<<EOF)",
    "heredoc-quoted": "in a quoted here-document (<<'EOF')",
    "heredoc-word": "in a here-document's delimiter",
    "comment": "in a comment",
    "param": "inside ${…}",
    "arith": "inside $((…))",
    "unknown": "where the shell's quoting could not be told",
}


@dataclass(frozen=True, slots=True)
class Layer:
    """What carries a command string to the shell that parses it."""

    kind: str  # "backtick" or "shell"
    quoting: str  # shell: the carrying word's context kind; backtick: "double" inside "…"
    via: str = ""  # shell: what runs the string (ssh, bash -c, eval, watch)


@dataclass(frozen=True, slots=True)
class Context:
    """The quoting at one spot: the innermost kind and the layers around it, outermost first."""

    kind: str
    layers: tuple[Layer, ...] = ()
    delimiter: str = ""  # here-documents: the delimiter word
    strip_tabs: bool = False  # here-documents: <<- strips leading tabs

    def describe(self) -> str:
        where = _WHERE.get(self.kind, self.kind)
        for layer in reversed(self.layers):
            if layer.kind == "backtick":
                where += " inside `…`"
            else:
                where += f" of a command string that {layer.via} runs"
        return where


class Unquotable(ValueError):
    """A value cannot be made literal at its spot; the message says why."""


# -- quoting ---------------------------------------------------------------------------------


def quote_in(ctx: Context, value: str) -> str:
    """value written so that the shell reads it literally at a spot of context ctx."""
    s = _quote_kind(ctx.kind, value)
    for layer in reversed(ctx.layers):
        if layer.kind == "backtick":
            if layer.quoting == "double" and '"' in s:
                raise Unquotable('a `"` inside `…` inside "…" (shells read it differently)')
            s = s.replace("\\", "\\\\").replace("`", "\\`").replace("$", "\\$")
        else:
            s = _quote_kind(layer.quoting, s)
    return s


def _quote_kind(kind: str, v: str) -> str:
    if kind in ("bare", "assignment"):
        return _single_quoted(v)
    if kind == "double":
        return '"' + _single_quoted(v) + '"' if any(c in _DQ_SPECIAL for c in v) else v
    if kind == "single":
        return v.replace("'", "'\\''")
    if kind == "ansi-c":
        return "".join(_ansi_c_char(c) for c in v)
    if kind == "heredoc":
        return re.sub(r"([\\$`])", r"\\\1", v)
    if kind == "heredoc-quoted":
        return v
    if kind == "comment":
        if "\n" in v:
            raise Unquotable("a newline would end the comment and start a command")
        return v
    if kind == "param":
        if _PLAIN_RE.fullmatch(v):
            return v
        raise Unquotable("only a plain word (letters, digits, . _ - / : @ % + = ,) is data there")
    if kind == "arith":
        if v.isascii() and v.isdigit():
            return v
        raise Unquotable("arithmetic evaluates names as code: only a number is data there")
    if kind == "heredoc-word":
        raise Unquotable("a here-document's delimiter is never filled")
    raise Unquotable("rbdesk could not tell the shell's quoting at that spot")


def _single_quoted(v: str) -> str:
    """As :func:`shlex.quote`, with ``'\\''`` for a quote (shorter when quoted again)."""
    if _PLAIN_RE.fullmatch(v):
        return v
    return "'" + v.replace("'", "'\\''") + "'"


def _ansi_c_char(c: str) -> str:
    if c in "\\'":
        return "\\" + c
    if c == "\n":
        return "\\n"
    if c == "\t":
        return "\\t"
    if ord(c) < 0x20 or ord(c) == 0x7F:
        return f"\\x{ord(c):02x}"
    return c


# -- filling ------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Span:
    """A placeholder occurrence in the command and the value for it."""

    start: int
    end: int
    name: str
    value: str


@dataclass(frozen=True, slots=True)
class Placed:
    """A filled value in the output text."""

    name: str
    start: int
    end: int
    context: Context


@dataclass(frozen=True, slots=True)
class Filled:
    text: str
    placed: list[Placed]
    refused: list[str]  # "NAME not filled: <reason> (<context>)", one per variable


def fill_spans(text: str, spans: Sequence[Span]) -> Filled:
    """text with each span replaced by its value, literal in its shell context.

    A value that cannot be literal at its spot is not filled (the placeholder
    stays as written) and named in ``refused`` with the reason.
    """
    spans = sorted(spans, key=lambda s: s.start)
    neutral = list(text)
    for s in spans:
        neutral[s.start : s.end] = _NEUTRAL * (s.end - s.start)
    contexts = contexts_at("".join(neutral), [s.start for s in spans])
    refused: dict[int, str] = {}
    for i, s in enumerate(spans):
        try:
            quote_in(contexts[i], s.value)
        except Unquotable as e:
            refused[i] = f"{s.name} not filled: {e} ({contexts[i].describe()})"
    while True:
        out, placed = _assemble(text, spans, contexts, refused)
        broken = _heredoc_breaks(out, placed)
        if not broken:
            break
        for i in broken:
            refused[i] = (
                f"{spans[i].name} not filled: a line would read "
                f"{contexts[i].delimiter!r} and end the here-document early "
                f"({contexts[i].describe()})"
            )
    reasons = list(dict.fromkeys(refused[i] for i in sorted(refused)))
    return Filled(out, [p for _, p in placed], reasons)


def _assemble(
    text: str, spans: list[Span], contexts: list[Context], refused: dict[int, str]
) -> tuple[str, list[tuple[int, Placed]]]:
    parts: list[str] = []
    placed: list[tuple[int, Placed]] = []
    pos = length = 0
    for i, s in enumerate(spans):
        if i in refused:
            continue
        chunk = text[pos : s.start]
        value = quote_in(contexts[i], s.value)
        parts += [chunk, value]
        length += len(chunk)
        placed.append((i, Placed(s.name, length, length + len(value), contexts[i])))
        length += len(value)
        pos = s.end
    parts.append(text[pos:])
    return "".join(parts), placed


def _heredoc_breaks(out: str, placed: list[tuple[int, Placed]]) -> list[int]:
    broken: list[int] = []
    for i, p in placed:
        ctx = p.context
        if not ctx.kind.startswith("heredoc") or not ctx.delimiter:
            continue
        first = out.rfind("\n", 0, p.start) + 1
        last = out.find("\n", p.end)
        lines = out[first : last if last >= 0 else len(out)].split("\n")
        for ln in lines:
            if (ln.lstrip("\t") if ctx.strip_tabs else ln) == ctx.delimiter:
                broken.append(i)
                break
    return broken


# -- scanning ------------------------------------------------------------------------------------


def contexts_at(text: str, spots: Sequence[int]) -> list[Context]:
    """The context at each spot (an index into text), in the order given."""
    sc = _Scanner(text, set(spots), 0)
    sc.run()
    return [sc.found.get(s, Context("unknown")) for s in spots]


class _Word:
    """The word being read: its literal characters and where each came from."""

    __slots__ = ("assign", "chars", "inner", "raw_at", "start")

    def __init__(self, start: int, inner: str) -> None:
        self.start = start
        self.inner = inner  # what runs this word as a command string ("" when nothing)
        self.chars: list[str] = []
        self.raw_at: list[int] = []
        self.assign = False

    def add(self, ch: str, at: int) -> None:
        self.chars.append(ch)
        self.raw_at.append(at)

    @property
    def value(self) -> str:
        return "".join(self.chars)


class _Scanner:
    """One pass over a command; records the context at each spot it reaches."""

    def __init__(self, text: str, spots: set[int], depth: int) -> None:
        self.t = text
        self.n = len(text)
        self.i = 0
        self.spots = spots
        self.depth = depth
        self.found: dict[int, Context] = {}
        self.layers: list[Layer] = []
        self.pending: list[tuple[str, bool, bool]] = []  # here-documents: word, quoted, <<-

    def run(self) -> None:
        while self.i < self.n:
            self._cmd(None)
            self.i += 1  # an unbalanced closer at the top

    def _mark(self, kind: str, at: int | None = None, doc: tuple[str, bool] = ("", False)) -> None:
        at = self.i if at is None else at
        if at in self.spots and at not in self.found:
            self.found[at] = Context(kind, tuple(self.layers), doc[0], doc[1])

    # -- command text --------------------------------------------------------------------
    def _cmd(self, closer: str | None) -> None:
        """Command text up to closer (``)`` or a backtick; None: the end)."""
        t = self.t
        words: list[str] = []
        word: _Word | None = None
        while self.i < self.n:
            c = t[self.i]
            if c == closer or (closer is None and c == ")"):
                word = self._finish(word, words)
                if closer is not None:
                    self.i += 1
                return
            if c in " \t\n;&|()<>" or (c == "#" and word is None):
                word = self._finish(word, words)
                self._operator(c, words)
                if c in "\n;&|()":
                    words = []
                continue
            if word is None:
                word = _Word(self.i, inner_shell(words) if self.depth < _MAX_DEPTH else "")
            self._mark("assignment" if word.assign else "bare")
            if c == "\\":
                if self.i + 1 < self.n and t[self.i + 1] != "\n":
                    self._mark("assignment" if word.assign else "bare", self.i + 1)
                    word.add(t[self.i + 1], self.i + 1)
                self.i += 2
            elif c == "'":
                self._single(word, "single")
            elif c == '"':
                self._double(word, "double")
            elif c == "$":
                self._dollar(word, in_dq=False)
            elif c == "`":
                self._backtick(word, in_dq=False)
            else:
                if c == "=" and not word.assign and not words and _NAME_RE.fullmatch(word.value):
                    word.assign = True
                word.add(c, self.i)
                self.i += 1
        self._finish(word, words)

    def _operator(self, c: str, words: list[str]) -> None:
        t = self.t
        if c == "#":
            while self.i < self.n and t[self.i] != "\n":
                self._mark("comment")
                self.i += 1
        elif c == "\n":
            self.i += 1
            self._bodies()
        elif c == "(":
            self.i += 1
            self._cmd(")")
        elif c == "<" and t.startswith("<<", self.i) and not t.startswith("<<<", self.i):
            self._heredoc_op()
        else:
            self.i += 1

    def _finish(self, word: _Word | None, words: list[str]) -> None:
        if word is None:
            return None
        words.append(word.value)
        if word.inner:
            self._inner(word)
        return None

    def _inner(self, word: _Word) -> None:
        """Spots in a word that another shell runs: their context in that shell."""
        index = {raw: k for k, raw in enumerate(word.raw_at)}
        mine = {s: index[s] for s in self.spots if word.start <= s < self.i and s in index}
        if not mine:
            return
        sub = _Scanner(word.value, set(mine.values()), self.depth + 1)
        sub.run()
        for s, k in mine.items():
            outer = self.found.get(s)
            inner = sub.found.get(k)
            if outer is None or inner is None:
                continue
            carrier = Layer("shell", outer.kind, word.inner)
            layers = (*outer.layers, carrier, *inner.layers)
            self.found[s] = Context(inner.kind, layers, inner.delimiter, inner.strip_tabs)

    # -- quoting -----------------------------------------------------------------------------
    def _single(self, word: _Word, kind: str) -> None:
        self.i += 1
        while self.i < self.n and self.t[self.i] != "'":
            self._mark(kind)
            word.add(self.t[self.i], self.i)
            self.i += 1
        self.i += 1

    def _double(self, word: _Word, kind: str) -> None:
        t = self.t
        self.i += 1
        while self.i < self.n and t[self.i] != '"':
            c = t[self.i]
            self._mark(kind)
            if c == "\\" and self.i + 1 < self.n:
                nxt = t[self.i + 1]
                if nxt in '$`"\\':
                    self._mark(kind, self.i + 1)
                    word.add(nxt, self.i + 1)
                elif nxt != "\n":
                    word.add(c, self.i)
                    self._mark(kind, self.i + 1)
                    word.add(nxt, self.i + 1)
                self.i += 2
            elif c == "$":
                self._dollar(word, in_dq=True)
            elif c == "`":
                self._backtick(word, in_dq=True)
            else:
                word.add(c, self.i)
                self.i += 1
        self.i += 1

    def _ansi_c(self, word: _Word) -> None:
        t = self.t
        self.i += 2
        while self.i < self.n and t[self.i] != "'":
            self._mark("ansi-c")
            if t[self.i] == "\\":
                self._mark("ansi-c", self.i + 1)
                word.add(_NEUTRAL, self.i)
                self.i += 2
            else:
                word.add(t[self.i], self.i)
                self.i += 1
        self.i += 1

    # -- expansions --------------------------------------------------------------------------
    def _dollar(self, word: _Word, in_dq: bool) -> None:
        t, i = self.t, self.i
        if t.startswith("$((", i):
            self._arith()
        elif t.startswith("$(", i):
            self.i += 2
            self._cmd(")")
        elif t.startswith("${", i):
            self._param()
        elif t.startswith("$'", i) and not in_dq:
            self._ansi_c(word)
            return
        elif t.startswith('$"', i) and not in_dq:
            self.i += 1
            self._double(word, "double")
            return
        else:
            m = _NAME_RE.match(t, i + 1)
            if m:
                self.i = m.end()
            elif i + 1 < self.n and t[i + 1] in "0123456789?$!#*@-":
                self.i += 2
            else:
                word.add("$", i)
                self.i += 1
                return
        word.add(_NEUTRAL, i)  # an expansion: its result is not known here

    def _backtick(self, word: _Word, in_dq: bool) -> None:
        at = self.i
        self.i += 1
        self.layers.append(Layer("backtick", "double" if in_dq else "bare"))
        self._cmd("`")
        self.layers.pop()
        word.add(_NEUTRAL, at)

    def _param(self) -> None:
        t = self.t
        self.i += 2
        depth = 1
        scratch = _Word(self.i, "")
        while self.i < self.n:
            c = t[self.i]
            self._mark("param")
            if c == "}":
                depth -= 1
                self.i += 1
                if depth == 0:
                    return
            elif c == "{":
                depth += 1
                self.i += 1
            elif c == "'":
                self._single(scratch, "param")
            elif c == '"':
                self._double(scratch, "param")
            elif c == "$":
                self._dollar(scratch, in_dq=True)
            elif c == "`":
                self._backtick(scratch, in_dq=True)
            else:
                self.i += 2 if c == "\\" else 1

    def _arith(self) -> None:
        t = self.t
        self.i += 3
        depth = 0
        scratch = _Word(self.i, "")
        while self.i < self.n:
            c = t[self.i]
            self._mark("arith")
            if c == ")" and depth == 0:
                self.i += 2 if t.startswith("))", self.i) else 1
                return
            if c in "()":
                depth += 1 if c == "(" else -1
                self.i += 1
            elif c == "$":
                self._dollar(scratch, in_dq=True)
            elif c == "`":
                self._backtick(scratch, in_dq=True)
            else:
                self.i += 1

    # -- here-documents ------------------------------------------------------------------------
    def _heredoc_op(self) -> None:
        t = self.t
        self.i += 2
        strip = self.i < self.n and t[self.i] == "-"
        self.i += 1 if strip else 0
        while self.i < self.n and t[self.i] in " \t":
            self.i += 1
        start = self.i
        word = _Word(start, "")
        while self.i < self.n and t[self.i] not in " \t\n;&|()<>":
            self._mark("heredoc-word")
            if t[self.i] == "'":
                self._single(word, "heredoc-word")
            elif t[self.i] == '"':
                self._double(word, "heredoc-word")
            elif t[self.i] == "\\":
                self._mark("heredoc-word", self.i + 1)
                word.add(t[self.i + 1] if self.i + 1 < self.n else "", self.i + 1)
                self.i += 2
            else:
                word.add(t[self.i], self.i)
                self.i += 1
        if word.value:
            quoted = any(q in t[start : self.i] for q in "'\"\\")
            self.pending.append((word.value, quoted, strip))

    def _bodies(self) -> None:
        """The bodies of the here-documents started on the line just ended."""
        pending, self.pending = self.pending, []
        t = self.t
        for delim, quoted, strip in pending:
            kind = "heredoc-quoted" if quoted else "heredoc"
            while self.i < self.n:
                end = t.find("\n", self.i)
                end = self.n if end < 0 else end
                line = t[self.i : end]
                if (line.lstrip("\t") if strip else line) == delim:
                    self.i = min(end + 1, self.n)
                    break
                self._body_line(end, kind, (delim, strip), quoted)

    def _body_line(self, end: int, kind: str, doc: tuple[str, bool], quoted: bool) -> None:
        t = self.t
        scratch = _Word(self.i, "")
        while self.i < end:
            self._mark(kind, doc=doc)
            c = t[self.i]
            if quoted:
                self.i += 1
            elif c == "\\":
                self.i += 2
            elif c == "$":
                self._dollar(scratch, in_dq=True)
                if self.i > end:  # a $(…) over several lines
                    nl = t.find("\n", self.i)
                    end = self.n if nl < 0 else nl
            elif c == "`":
                self._backtick(scratch, in_dq=True)
            else:
                self.i += 1
        self.i = end + 1


# -- command strings run by another shell ------------------------------------------------------


def inner_shell(words: Sequence[str]) -> str:
    """What runs the next word of a simple command as a shell command string ("" if nothing).

    words are the values of the command's words so far: ``ssh [opts] HOST`` (every
    later word), ``sh``/``bash``/``su`` … ``-c`` (the next word), ``eval`` and
    ``watch`` (their arguments), ``gcloud … --command`` (the next word).
    """
    if not words:
        return ""
    names = [w.rsplit("/", 1)[-1] for w in words]
    last = words[-1]
    if re.fullmatch(r"-[A-Za-z]*c", last):
        shell = next((n for n in names[:-1] if n in _SHELLS), "")
        if shell:
            return f"{shell} -c"
    if last == "--command" and "gcloud" in names:
        return "gcloud --command"
    at = names.index("ssh") if "ssh" in names else -1
    if at >= 0 and _is_command(names, at) and _past_ssh_destination(words[at + 1 :]):
        return "ssh"
    # `knife ssh QUERY 'cmd'`, `tsh ssh HOST cmd`: the rest runs in the hosts' shells
    tool = names[at - 1] if at >= 1 and names[at - 1] in ("knife", "tsh") else ""
    if tool and _is_command(names, at - 1) and _past_ssh_destination(words[at + 1 :]):
        return f"{tool} ssh"
    head = names[0]
    if head == "eval" or (head in _PREFIXES and "eval" in names):
        return "eval"
    if (head == "watch" or (head in _PREFIXES and "watch" in names)) and last not in (
        "-n",
        "--interval",
    ):
        return "" if {"-x", "--exec"} & set(words) else "watch"
    return ""


def _is_command(names: Sequence[str], i: int) -> bool:
    """True when names[i] is the command run (only prefixes such as ``sudo -u x`` or
    ``timeout 10`` before it) — not ``rsync -e ssh`` or ``gcloud compute ssh``."""
    return all(
        n in _PREFIXES or n in ("timeout", "sshpass") or n.startswith("-") or "=" in n
        for n in names[:i]
        if not n.isdigit()
    )


def _past_ssh_destination(args: Sequence[str]) -> bool:
    """True when args (after ``ssh``) already hold the destination."""
    j = 0
    while j < len(args):
        w = args[j]
        if w == "--":
            return j + 1 < len(args)
        if not w.startswith("-") or w == "-":
            return True
        j += 2 if len(w) == 2 and w[1] in _SSH_ARG_OPTS else 1
    return False
