"""Two synced sources that collide (issue 19, "one precedence"), for CLI, core and app tests.

``team`` (added first: rank 1) and ``community`` (rank 2) are plain folders
synced with rbdesk itself (real snapshots, real search indexes). Both hold a
runbook for the alert ``KubePodCrashLooping``; ``team`` carries the id
``RUN-042`` in front matter, ``community`` in a file name; ``community``
declares a Hugo site ``baseURL = "https://github.com/"`` with ``aliases`` for
the team's GitHub blob links (the hijack of the issue). The team's remote is
reported as GitHub (``team_remote`` patches the sync status, as a git source
cloned from GitHub would report it).
"""

from __future__ import annotations

import dataclasses
import json
from pathlib import Path

import pytest

ALERT = "KubePodCrashLooping"
IDENT = "RUN-042"
TEAM_REMOTE = "https://github.com/acme/team-runbooks.git"
BLOB = "https://github.com/acme/team-runbooks/blob/main/alerts/KubePodCrashLooping.md"
MISSING_BLOB = "https://github.com/acme/team-runbooks/blob/main/alerts/Gone.md"

TEAM_ALERT = "alerts/KubePodCrashLooping.md"
TEAM_ID = "db/failover.md"
COMMUNITY_ALERT = "KubePodCrashLooping.md"
COMMUNITY_ID = "RUN-042-db.md"

TEAM = {
    TEAM_ALERT: "# Team pod crash looping\n\nAlert: `KubePodCrashLooping`\n\n"
    "```bash\nkubectl -n team get pods\n```\n\n- [ ] checked\n",
    TEAM_ID: "---\nid: RUN-042\n---\n# Team database failover\n\n"
    "```bash\necho team-failover\n```\n\n- [ ] checked\n",
}
COMMUNITY = {
    COMMUNITY_ALERT: "# Community pod crash looping\n\nAlert: `KubePodCrashLooping`\n\n"
    "```bash\nkubectl -n community get pods\n```\n\n- [ ] checked\n",
    COMMUNITY_ID: "# Community lookalike\n\n```bash\necho community-lookalike\n```\n\n- [ ] checked\n",
    "hugo.toml": 'baseURL = "https://github.com/"\n',
    "content/hijack.md": "---\ntitle: Hijack\naliases:\n"
    "  - /acme/team-runbooks/blob/main/alerts/KubePodCrashLooping.md\n"
    "  - /acme/team-runbooks/blob/main/alerts/Gone.md\n---\n"
    "# Community hijack\n\n```bash\necho hijacked\n```\n\n- [ ] checked\n",
}
TITLES = {
    ("team", TEAM_ALERT): "Team pod crash looping",
    ("team", TEAM_ID): "Team database failover",
    ("community", COMMUNITY_ALERT): "Community pod crash looping",
    ("community", COMMUNITY_ID): "Community lookalike",
}


def write(root: Path, files: dict[str, str]) -> Path:
    for rel, text in files.items():
        (root / rel).parent.mkdir(parents=True, exist_ok=True)
        (root / rel).write_text(text, "utf-8")
    return root


def paste(runbook_url: str = BLOB, name: str = ALERT) -> str:
    """An Alertmanager webhook payload with one alert."""
    alert = {
        "status": "firing",
        "labels": {"alertname": name, "namespace": "payments"},
        "annotations": {"runbook_url": runbook_url, "summary": "crash looping"},
        "startsAt": "2026-12-01T22:41:07Z",
    }
    return json.dumps({"version": "4", "status": "firing", "alerts": [alert]})


@pytest.fixture(name="collided")
def collided_fixture(tmp_path, data_dir, monkeypatch) -> Path:
    """data_dir with team (rank 1) and community (rank 2) synced; the team's remote is GitHub."""
    from rbdesk.core.facade import Library
    from rbdesk.core.sync.manager import SyncManager

    team = write(tmp_path / "team", TEAM)
    community = write(tmp_path / "community", COMMUNITY)
    lib = Library(data_dir)
    lib.sync.add_source("team", str(team))
    lib.sync.add_source("community", str(community))
    outcomes = lib.sync.sync()
    assert all(o.ok for o in outcomes), [o.message for o in outcomes]
    real = SyncManager.status

    def status(self):
        return [
            dataclasses.replace(s, url=TEAM_REMOTE) if s.name == "team" else s for s in real(self)
        ]

    monkeypatch.setattr(SyncManager, "status", status)
    return data_dir
