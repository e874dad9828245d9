"""Search quality over real public runbook corpora (../shared; skipped when absent).

Realistic queries an on-call engineer would type: alert names, the same as
lower-case words, symptoms and error text, typos, commands, acronyms and
natural questions, most written from a runbook's content without reading its
title. Over both corpora and the bundled samples together, the expected
runbook must be in the top 3 for at least 97% of the queries and first for
at least 92%.
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

OP = "runbooks/prometheus-operator/"
S = "runbooks/kube-state-metrics/"
# Issue 24's shapes, written without reading the runbooks' titles: words written
# apart or together, host/dashed/underscored names, a section's own title, and
# question words around a noun that is everywhere.
SHAPE_QUERIES: list[tuple[str, str]] = [
    ("kubelet pod startup latency", K + "KubeletPodStartUpLatencyHigh.md"),
    ("config reloader side car errors", OP + "ConfigReloaderSidecarErrors.md"),
    ("operator node look up errors", OP + "PrometheusOperatorNodeLookupErrors.md"),
    ("pod in crash loop back off", K + "KubePodCrashLooping.md"),
    ("daemon set roll out stuck", K + "KubeDaemonSetRolloutStuck.md"),
    ("stateful set update not rolled out", K + "KubeStatefulSetUpdateNotRolledOut.md"),
    ("time stamps out of order", P + "PrometheusOutOfOrderTimestamps.md"),
    ("file system almost out of space", N + "NodeFilesystemAlmostOutOfSpace.md"),
    ("alertmanager cluster crash looping", A + "AlertmanagerClusterCrashlooping.md"),
    ("text file collector scrape error", N + "NodeTextFileCollectorScrapeError.md"),
    ("kube-state-metrics list errors", S + "KubeStateMetricsListErrors.md"),
    ("kube_state_metrics shards missing", S + "KubeStateMetricsShardsMissing.md"),
    ("node-role.kubernetes.io label on an unreachable node", K + "KubeNodeUnreachable.md"),
    ("kube-proxy is not running", K + "KubeProxyDown.md"),
    (
        "how do I fix the kube-state-metrics sharding mismatch",
        S + "KubeStateMetricsShardingMismatch.md",
    ),
    (
        "how do I find out why the alertmanager config reload failed",
        A + "AlertmanagerFailedReload.md",
    ),
    ("why are my prometheus targets down", G + "TargetDown.md"),
    (
        "what should I do when the kubelet client certificate is about to expire",
        K + "KubeletClientCertificateExpiration.md",
    ),
    (
        "how do I stop pods from being evicted when a node runs out of memory",
        K + "KubeMemoryOvercommit.md",
    ),
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
KC_SHAPE_QUERIES: list[tuple[str, str]] = [
    ("how do I back up private slack channels", C + "communication/slack-backup/README.md"),
    ("set up the careers slack workflow", C + "communication/slack-careers-workflow-setup.md"),
    ("setup webhook for the cla check", C + "github-management/setting-up-cla-check.md"),
    ("pod start up latency slo", C + "sig-scalability/slos/pod_startup_latency.md"),
    ("sign up for a one on one mentoring hour", C + "mentoring/programs/the1-on-1hour.md"),
    (
        "e2e tests polling and time outs",
        C + "contributors/devel/sig-testing/writing-good-e2e-tests.md",
    ),
    (
        "download release binaries from dl.k8s.io",
        C + "contributors/devel/sig-release/kubernetes-versions.md",
    ),
    (
        "pods cannot reach services by hostname on a local cluster",
        C + "contributors/devel/running-locally.md",
    ),
    ("steering election setup", C + "elections/steering/documentation/README.md"),
    (
        "check out a branch for the contributor workshop",
        C + "mentoring/programs/contributor-workshop/guides/updating-segment.md",
    ),
    (
        "contributor workshop workspace set up",
        C + "mentoring/programs/contributor-workshop/live-workshop/workspace-setup.md",
    ),
    ("clean up stale owners files", C + "contributors/guide/owners.md"),
    ("backup moderators for the mailing lists", C + "communication/moderators.md"),
    (
        "youtube publish automation break down and rebuild",
        C + "communication/youtube/youtube-publish-automation.md",
    ),
    (
        "what happens if a security fix lands during the release cadence",
        C + "contributors/guide/security.md",
    ),
    ("requesting a user group", C + "communication/slack-guidelines.md"),
    ("delegating channel ownership", C + "communication/slack-guidelines.md"),
    ("moderators pro tempore", C + "communication/moderators.md"),
    (
        "kubelet startup flow from api to pod worker",
        C + "contributors/devel/sig-node/kubelet.md",
    ),
    (
        "backup with filesystem snapshots",
        C + "wg-data-protection/data-protection-workflows-white-paper.md",
    ),
    ("request a bot token for slack", C + "communication/slack-guidelines.md"),
    (
        "how do I report a code of conduct violation",
        C + "committee-code-of-conduct/incident-process.md",
    ),
    (
        "who do I ask to get a zoom license for my sig meeting",
        C + "communication/zoom-guidelines.md",
    ),
    ("how do I reach the on call person for sig scalability", C + "sig-scalability/README.md"),
    ("who is the test infra oncall", C + "github-management/opening-a-request.md"),
]
# A query that is a section's title opens that section (issue 24: section evidence).
SECTION_QUERIES: list[tuple[str, str, str]] = [
    ("requesting a user group", "communication/slack-guidelines.md", "Requesting a User Group"),
    (
        "delegating channel ownership",
        "communication/slack-guidelines.md",
        "Delegating Channel Ownership",
    ),
    ("moderators pro tempore", "communication/moderators.md", "Moderators Pro Tempore"),
    (
        "backup with filesystem snapshots",
        "wg-data-protection/data-protection-workflows-white-paper.md",
        "Backup with Filesystem Snapshots",
    ),
    ("setup the webhook", "github-management/setting-up-cla-check.md", "Setup the webhook"),
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

    every = QUERIES + SHAPE_QUERIES + KC_QUERIES + KC_SHAPE_QUERIES + SAMPLE_QUERIES
    assert len({q for q, _ in every}) == len(every) >= 60
    assert len(SHAPE_QUERIES) + len(KC_SHAPE_QUERIES) >= 30


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
        _rank(corpus_service, QUERIES + SHAPE_QUERIES)
        + _rank(community_service, KC_QUERIES + KC_SHAPE_QUERIES)
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
    assert first >= 0.92


def test_a_section_title_query_opens_that_section(community_service):
    for q, path, section in SECTION_QUERIES:
        hit = community_service.search(q, limit=1).hits[0]
        assert (hit.path, hit.section) == (path, section), q


def test_alert_lookup_is_case_and_format_insensitive(corpus_service):
    for name in ("KubePodCrashLooping", "kubepodcrashlooping", "kube-pod-crash-looping"):
        m = corpus_service.find_alert(name)
        assert [h.path for h in m.hits] == [K + "KubePodCrashLooping.md"], name
    m = corpus_service.find_alert("KubePodCrashLoop")
    assert not m.hits and "KubePodCrashLooping" in m.nearest
