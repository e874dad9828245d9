"""Search quality over a real public runbook corpus (../shared; skipped when absent).

Realistic queries an on-call engineer would type: alert names, the same as
lower-case words, symptoms and error text, typos, commands and questions.
The expected runbook must be in the top 3 for at least 95% of them.
"""

from __future__ import annotations

import pytest

from rbdesk.core.library.roots import LibraryRoot
from rbdesk.core.search import SearchService

from .conftest import FolderLibrary

pytestmark = pytest.mark.shared

K = "runbooks/kubernetes/"
N = "runbooks/node/"
E = "runbooks/etcd/"
P = "runbooks/prometheus/"
A = "runbooks/alertmanager/"
G = "runbooks/general/"

QUERIES: list[tuple[str, str]] = [
    # alert names as they appear in a page
    ("KubePodCrashLooping", K + "KubePodCrashLooping.md"),
    ("etcdNoLeader", E + "etcdNoLeader.md"),
    ("NodeFilesystemSpaceFillingUp", N + "NodeFilesystemSpaceFillingUp.md"),
    ("PrometheusRuleFailures", P + "PrometheusRuleFailures.md"),
    ("AlertmanagerFailedReload", A + "AlertmanagerFailedReload.md"),
    ("KubeletTooManyPods", K + "KubeletTooManyPods.md"),
    ("TargetDown", G + "TargetDown.md"),
    ("CPUThrottlingHigh", K + "CPUThrottlingHigh.md"),
    # the same as lower-case words
    ("kube pod crash looping", K + "KubePodCrashLooping.md"),
    ("etcd no leader", E + "etcdNoLeader.md"),
    ("node raid degraded", N + "NodeRAIDDegraded.md"),
    ("kube hpa maxed out", K + "KubeHpaMaxedOut.md"),
    ("prometheus remote write behind", P + "PrometheusRemoteWriteBehind.md"),
    ("kubelet pleg duration high", K + "KubeletPlegDurationHigh.md"),
    ("node clock skew detected", N + "NodeClockSkewDetected.md"),
    ("alertmanager members inconsistent", A + "AlertmanagerMembersInconsistent.md"),
    ("statefulset replicas mismatch", K + "KubeStatefulSetReplicasMismatch.md"),
    ("kube job failed", K + "KubeJobFailed.md"),
    # symptoms and error text
    ("etcdserver: no leader", E + "etcdNoLeader.md"),
    ("pod keeps restarting crashloop", K + "KubePodCrashLooping.md"),
    ("filesystem running out of inodes", N + "NodeFilesystemAlmostOutOfFiles.md"),
    ("clock not synchronising ntp", N + "NodeClockNotSynchronising.md"),
    ("too many open file descriptors", N + "NodeFileDescriptorLimit.md"),
    ("conntrack table full", N + "NodeHighNumberConntrackEntriesUsed.md"),
    ("persistent volume filling up", K + "KubePersistentVolumeFillingUp.md"),
    ("client certificate expiration", K + "KubeClientCertificateExpiration.md"),
    ("out of order timestamps", P + "PrometheusOutOfOrderTimestamps.md"),
    ("network interface flapping", G + "NodeNetworkInterfaceFlapping.md"),
    ("quota almost full", K + "KubeQuotaAlmostFull.md"),
    ("alerts cannot be sent to alertmanager", P + "PrometheusNotConnectedToAlertmanagers.md"),
    # typos
    ("KubePodCrashLoopin", K + "KubePodCrashLooping.md"),
    ("etcd no leeder", E + "etcdNoLeader.md"),
    ("kubelet too many podss", K + "KubeletTooManyPods.md"),
    ("prometheus tsdb compactions failling", P + "PrometheusTSDBCompactionsFailing.md"),
    ("conntrak entries", N + "NodeHighNumberConntrackEntriesUsed.md"),
    ("watchdog alret", G + "Watchdog.md"),
    # commands
    ("journalctl kubelet", K + "KubeletDown.md"),
    ("etcdctl defrag", E + "etcdBackendQuotaLowSpace.md"),
    ("promtool check rules", P + "PrometheusRuleFailures.md"),
    # questions
    ("why is the kubelet down", K + "KubeletDown.md"),
    ("what does the watchdog alert mean", G + "Watchdog.md"),
    ("how to fix raid disk failure", N + "NodeRAIDDiskFailure.md"),
    ("how do I add a runbook", "docs/add-runbook.md"),
    ("what happens when the kube api is down", K + "KubeAPIDown.md"),
]


@pytest.fixture(scope="module")
def corpus_service(shared_dir, tmp_path_factory):
    content = shared_dir / "corpora" / "prometheus-operator-runbooks" / "content"
    if not content.is_dir():
        pytest.skip("prometheus-operator-runbooks corpus is absent")
    root = LibraryRoot(name="prom", root=content, kind="folder")
    svc = SearchService(FolderLibrary(tmp_path_factory.mktemp("data"), [root]))
    yield svc
    svc.close()


def test_at_least_40_distinct_queries():
    assert len({q for q, _ in QUERIES}) == len(QUERIES) >= 40


def test_expected_runbook_in_top_3(corpus_service):
    misses = []
    for q, expected in QUERIES:
        top = [h.path for h in corpus_service.search(q, limit=3).hits]
        if expected not in top:
            misses.append((q, expected, top))
    rate = 1 - len(misses) / len(QUERIES)
    print(f"\nsearch quality: top-3 hit rate {rate:.1%} over {len(QUERIES)} queries")
    for q, expected, top in misses:
        print(f"  miss: {q!r} expected {expected}, got {top}")
    assert rate >= 0.95, misses


def test_alert_lookup_is_case_and_format_insensitive(corpus_service):
    for name in ("KubePodCrashLooping", "kubepodcrashlooping", "kube-pod-crash-looping"):
        m = corpus_service.find_alert(name)
        assert [h.path for h in m.hits] == [K + "KubePodCrashLooping.md"], name
    m = corpus_service.find_alert("KubePodCrashLoop")
    assert not m.hits and "KubePodCrashLooping" in m.nearest
