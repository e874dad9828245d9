"""Editing the list of sources (``sources.json``): add, change signers, remove, rank.

:class:`SourceEditor` is the part of :class:`rbdesk.core.sync.manager.SyncManager`
that only edits the configuration; nothing here runs git or touches a snapshot
(``remove_source`` deletes the source's folder under its lock).
"""

from __future__ import annotations

from pathlib import Path

from rbdesk.core.errors import NotFoundError, RbdeskError
from rbdesk.core.sync import store
from rbdesk.core.sync.urls import (
    validate_branch,
    validate_docs_url,
    validate_name,
    validate_subdir,
    validate_url,
)


def is_git_repository(path: Path) -> bool:
    return (path / ".git").exists() or ((path / "HEAD").is_file() and (path / "objects").is_dir())


class SourceEditor:
    """The configured sources of one data dir, and the edits of them."""

    data_dir: Path

    # -- config ------------------------------------------------------------------
    def config(self) -> store.Config:
        return store.load_config(self.data_dir)

    def sources(self) -> list[store.SourceConfig]:
        return self.config().sources

    def has_sources(self) -> bool:
        return bool(self.sources())

    def add_source(
        self,
        name: str,
        url: str,
        branch: str | None = None,
        subdir: str | None = None,
        docs_url: str | None = None,
        *,
        allowed_signers: str | None = None,
        gpg_keys: str | None = None,
        verify: str | None = None,
    ) -> store.SourceConfig:
        """Validate and store a source; nothing is written when anything is refused.

        allowed_signers / gpg_keys are copied into the source's folder (see
        ``signers``); verify ("require" or "warn") defaults to require with them.
        """
        validate_name(name)
        surl = validate_url(url)
        branch = validate_branch(branch)
        subdir = validate_subdir(subdir)
        docs_url = validate_docs_url(docs_url) if docs_url else None
        kind = "git"
        if surl.transport == "local" and not is_git_repository(Path(surl.url)):
            kind = "folder"
            if branch or subdir:
                raise RbdeskError(
                    f"{surl.url} is a plain folder (not a git repository): "
                    "--branch and --subdir do not apply",
                    hint="add the sub-folder itself as the source URL",
                )
        source = store.SourceConfig(
            name=name, url=surl.url, kind=kind, branch=branch, subdir=subdir, docs_url=docs_url
        )
        with store.editing_config(self.data_dir) as config:
            if config.find(name):
                raise RbdeskError(
                    f"a source named {name!r} already exists",
                    hint=f"pick another name or run `rbdesk source remove {name}` first",
                )
            if allowed_signers or gpg_keys or verify:
                from rbdesk.core.sync.signers import install_policy

                install_policy(
                    self.data_dir, source, allowed_signers, gpg_keys, verify or "require"
                )
            config.sources.append(source)
        return source

    def set_signers(
        self,
        name: str,
        *,
        allowed_signers: str | None = None,
        gpg_keys: str | None = None,
        verify: str | None = None,
    ) -> store.SourceConfig:
        """Replace a source's signer copies and/or its verify mode ("off" turns it off)."""
        paths = store.SourcePaths.of(self.data_dir, name)
        if not self.config().find(name):
            raise self._unknown(name)  # before the lock: no folder for an unknown name
        with store.locked(paths.lock, blocking=False), store.editing_config(self.data_dir) as c:
            source = c.find(name)
            if source is None:
                raise self._unknown(name)
            if verify == "off":
                if allowed_signers or gpg_keys:
                    raise RbdeskError(
                        "--verify off stops verifying: give it without signer files",
                        hint=f"run `rbdesk source set {name} --verify off`",
                    )
                source.verify = None
            else:
                from rbdesk.core.sync.signers import install_policy

                mode = verify or source.verify or "require"
                install_policy(self.data_dir, source, allowed_signers, gpg_keys, mode)
            return source

    def remove_source(self, name: str) -> None:
        """Forget a source and delete its mirror and snapshots."""
        paths = store.SourcePaths.of(self.data_dir, name)
        if not self.config().find(name):
            raise self._unknown(name)
        with store.locked(paths.lock, blocking=False):
            with store.editing_config(self.data_dir) as config:
                config.sources = [s for s in config.sources if s.name != name]
            store.remove_tree(paths.base)

    def move_source(
        self, name: str, before: str | None = None, after: str | None = None
    ) -> list[str]:
        """Re-rank a source (the order of sources.json is the precedence between them):
        just before or after another one; with neither, to the top. Returns the new order."""
        with store.editing_config(self.data_dir) as config:
            source = config.find(name)
            if source is None:
                raise self._unknown(name)
            other = before or after
            if other is not None and config.find(other) is None:
                raise self._unknown(other)
            if other == name:
                raise RbdeskError(
                    f"cannot move {name!r} relative to itself",
                    hint="name another source after --before/--after",
                )
            rest = [s for s in config.sources if s.name != name]
            at = 0
            if other is not None:
                at = next(i for i, s in enumerate(rest) if s.name == other) + (1 if after else 0)
            rest.insert(at, source)
            config.sources = rest
        return [s.name for s in rest]

    def _unknown(self, name: str) -> NotFoundError:
        return NotFoundError(
            f"no source named {name!r}",
            hint="run `rbdesk source list` to see the configured sources",
        )
