"""Who signed a snapshot: the provenance that status, the reader and printouts show.

A git source with a signer policy (``rbdesk source add … --allowed-signers`` or
``--gpg-keys``) has its tip verified by git when it is synced; the answer is
stored with the snapshot (``meta.json`` and ``current.json``) so that reading
it costs nothing. States:

- ``good``: a good signature from an allowed signer (``signer`` names them);
- ``unsigned``: the commit carries no signature;
- ``untrusted``: a good signature, but the key is not an allowed one (or it
  expired, was revoked, or cannot be checked);
- ``bad``: the signature does not match the commit (it was changed after signing);
- ``off``: not verified: no signer policy, a plain folder or the bundled
  samples (``reason`` says which).

    sig = Signature.from_dict(pointer.get("signature"))
    sig.phrase          # "signed by alice@example.com", "unsigned", "not verifiable"
    sig.warn            # shown in warning colour (a policy, and not good)
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any, Protocol

STATES = ("good", "unsigned", "untrusted", "bad", "off")
POLICIES = ("require", "warn", "off")
FOLDER_REASON = "plain folder: not verifiable (no commits to sign)"
SAMPLES_REASON = "bundled samples: not verifiable (shipped with rbdesk)"
NO_POLICY_REASON = "no signer policy for this source"
NEVER_SYNCED_REASON = "no snapshot yet"


@dataclass(frozen=True, slots=True)
class Signature:
    """The signature state of one snapshot's commit."""

    state: str = "off"
    signer: str | None = None  # the allowed signer's principal or the key's user id
    commit: str | None = None
    key: str | None = None  # key fingerprint as git reports it (%GK / %GF)
    reason: str = ""  # why it is not good, or why it is off
    policy: str = "off"  # the source's --verify mode when it was checked

    @property
    def phrase(self) -> str:
        """What a person reads: 'signed by alice@example.com', 'unsigned', …"""
        if self.state == "good":
            return f"signed by {self.signer}" if self.signer else "signed"
        if self.state == "unsigned":
            return "unsigned"
        if self.state == "untrusted":
            return "signed by a key that is not allowed"
        if self.state == "bad":
            return "bad signature"
        if self.reason in (FOLDER_REASON, SAMPLES_REASON):
            return "not verifiable"
        return "not verified"

    @property
    def warn(self) -> bool:
        """Shown in warning colour: checked under a policy, and not good."""
        return self.policy != "off" and self.state != "good"

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: Any) -> Signature | None:
        """The signature stored with a snapshot; None when absent or not usable."""
        if not isinstance(data, dict) or data.get("state") not in STATES:
            return None
        text = {k: data.get(k) if isinstance(data.get(k), str) else None for k in _TEXT_FIELDS}
        policy = data.get("policy") if data.get("policy") in POLICIES else "off"
        return cls(
            state=data["state"],
            signer=text["signer"],
            commit=text["commit"],
            key=text["key"],
            reason=text["reason"] or "",
            policy=policy,
        )


_TEXT_FIELDS = ("signer", "commit", "key", "reason")


class _Root(Protocol):
    """What :func:`root_signature` reads of a ``roots.LibraryRoot``."""

    @property
    def kind(self) -> str: ...
    @property
    def commit(self) -> str: ...
    @property
    def signature(self) -> Signature | None: ...


def root_signature(root: _Root) -> Signature:
    """The signature of a root's snapshot (stored at sync time; computed for the rest)."""
    if root.signature is not None:
        return root.signature
    return signature_for(root.kind, root.commit, None)


def signature_for(kind: str, commit: str | None, stored: Any) -> Signature:
    """The signature to show for a root of kind ("git", "folder", "samples")."""
    if kind == "samples":
        return Signature(reason=SAMPLES_REASON)
    if kind == "folder":
        return Signature(reason=FOLDER_REASON)
    if not commit:
        return Signature(reason=NEVER_SYNCED_REASON)
    found = Signature.from_dict(stored)
    return found if found is not None else Signature(commit=commit, reason=NO_POLICY_REASON)
