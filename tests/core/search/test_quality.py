"""Search quality over real public runbook corpora (../shared; skipped when absent).

Realistic queries an on-call engineer would type: alert names, the same as
lower-case words, symptoms and error text, typos, commands, acronyms and
natural questions, most written from a runbook's content without reading its
title. Over both corpora and the bundled samples together, the expected
runbook must be in the top 3 for at least 97% of the queries and first for
at least 90%.
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
    # symptoms described from the runbook's text, not its title
    ("notifications not delivered to pagerduty", A + "AlertmanagerFailedToSendAlerts.md"),
    ("pods will not fit if a node fails", K + "KubeMemoryOvercommit.md"),
    ("container stuck in waiting state", K + "KubeContainerWaiting.md"),
    ("different kubernetes versions running after an upgrade", K + "KubeVersionMismatch.md"),
    ("api client error rate above one percent", K + "KubeClientErrors.md"),
    ("network card receive errors", N + "NodeNetworkReceiveErrs.md"),
    ("alert notification queue will run full", P + "PrometheusNotificationQueueRunningFull.md"),
    ("how do I inhibit noisy info alerts", G + "InfoInhibitor.md"),
    ("node cannot host new pods", K + "KubeNodeNotReady.md"),
    ("daemonset pods not scheduled", K + "KubeDaemonSetNotScheduled.md"),
    ("which alert is always firing to prove the pipeline works", G + "Watchdog.md"),
    ("pods stuck pending because quota is used up", K + "KubeQuotaFullyUsed.md"),
]

C = ""  # kubernetes-community: contributor and process documentation
KC_QUERIES: list[tuple[str, str]] = [
    ("how do I become a kubernetes member", C + "community-membership.md"),
    ("who can approve my pull request", C + "contributors/guide/owners.md"),
    ("what is a CRI", C + "contributors/devel/sig-node/container-runtime-interface.md"),
    (
        "test fails sometimes but passes on retry",
        C + "contributors/devel/sig-testing/flaky-tests.md",
    ),
    ("backport a fix to a release branch", C + "contributors/devel/sig-release/cherry-picks.md"),
    (
        "turn a new feature off when it breaks",
        C + "contributors/devel/sig-architecture/feature-gates.md",
    ),
    ("how to report a security vulnerability", C + "SECURITY.md"),
    ("sign the contributor license agreement", C + "CLA.md"),
    ("request a new slack channel", C + "communication/slack-guidelines.md"),
    ("zoom meeting host moderation", C + "communication/zoom-guidelines.md"),
    ("pprof cpu profile of the apiserver", C + "contributors/devel/sig-scalability/profiling.md"),
    ("add a field to an existing api", C + "contributors/devel/sig-architecture/api_changes.md"),
    (
        "kubectl apply merge patch of lists",
        C + "contributors/devel/sig-api-machinery/strategic-merge-patch.md",
    ),
    (
        "run integration tests against a local etcd",
        C + "contributors/devel/sig-testing/integration-tests.md",
    ),
    ("good first issue label", C + "contributors/guide/help-wanted.md"),
    ("which changes need a release note", C + "contributors/guide/release-notes.md"),
    ("keep my fork in sync with upstream", C + "contributors/guide/github-workflow.md"),
    ("triage incoming issues", C + "contributors/guide/issue-triage.md"),
    ("what counts as a flake", C + "contributors/devel/sig-testing/flaky-tests.md"),
    (
        "how should components write log messages",
        C + "contributors/devel/sig-instrumentation/logging.md",
    ),
]


def _service(shared_dir, tmp_path_factory, corpus: str, name: str):
    content = shared_dir / "corpora" / corpus / "content"
    if not content.is_dir():
        pytest.skip(f"{corpus} corpus is absent")
    root = LibraryRoot(name=name, root=content, kind="folder")
    return SearchService(FolderLibrary(tmp_path_factory.mktemp("data"), [root]))


@pytest.fixture(scope="module")
def corpus_service(shared_dir, tmp_path_factory):
    svc = _service(shared_dir, tmp_path_factory, "prometheus-operator-runbooks", "prom")
    yield svc
    svc.close()


@pytest.fixture(scope="module")
def community_service(shared_dir, tmp_path_factory):
    svc = _service(shared_dir, tmp_path_factory, "kubernetes-community", "kc")
    yield svc
    svc.close()


@pytest.fixture(scope="module")
def samples_service(tmp_path_factory):
    from rbdesk.core.facade import Library

    lib = Library(tmp_path_factory.mktemp("data"))
    yield lib.search
    lib.search.close()


def test_at_least_60_distinct_queries():
    from .test_quality_samples import QUERIES as SAMPLE_QUERIES

    every = QUERIES + KC_QUERIES + SAMPLE_QUERIES
    assert len({q for q, _ in every}) == len(every) >= 60


def _rank(svc, cases):
    """[(query, expected, rank or None, top 3)] with rank 0 = first."""
    out = []
    for q, expected in cases:
        top = [h.path for h in svc.search(q, limit=3).hits]
        out.append((q, expected, top.index(expected) if expected in top else None, top))
    return out


def test_quality_top_3_and_first(corpus_service, community_service, samples_service):
    from .test_quality_samples import QUERIES as SAMPLE_QUERIES

    ranked = (
        _rank(corpus_service, QUERIES)
        + _rank(community_service, KC_QUERIES)
        + _rank(samples_service, SAMPLE_QUERIES)
    )
    n = len(ranked)
    top3 = sum(r is not None for _, _, r, _ in ranked) / n
    first = sum(r == 0 for _, _, r, _ in ranked) / n
    print(f"\nsearch quality over {n} queries: top-3 {top3:.1%}, first {first:.1%}")
    for q, expected, r, top in ranked:
        if r != 0:
            print(
                f"  {'not first' if r is not None else 'MISS'}: {q!r} expected {expected}, got {top}"
            )
    misses = [(q, e, top) for q, e, r, top in ranked if r is None]
    assert top3 >= 0.97, misses
    assert first >= 0.90


def test_alert_lookup_is_case_and_format_insensitive(corpus_service):
    for name in ("KubePodCrashLooping", "kubepodcrashlooping", "kube-pod-crash-looping"):
        m = corpus_service.find_alert(name)
        assert [h.path for h in m.hits] == [K + "KubePodCrashLooping.md"], name
    m = corpus_service.find_alert("KubePodCrashLoop")
    assert not m.hits and "KubePodCrashLooping" in m.nearest
