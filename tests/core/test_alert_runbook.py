"""From a parsed alert to its runbook, variables filled from the labels."""

from __future__ import annotations

import pytest

from rbdesk.core.runbook.copyrules import prepare_copy
from rbdesk.core.runbook.parser import parse_text
from rbdesk.core.settings import Settings, load_settings, save_settings
from rbdesk.core.usecases.alert_runbook import (
    instance_host,
    match_labels,
    open_alert,
    runbook_placeholders,
    use_alert,
    variables_from_alert,
)
from rbdesk.core.usecases.alerts import Alert, parse_alert_text
from tests.core.alertfixtures import CRASH_LOOPING, HUGO_FILES, synced_library
from tests.core.test_alert_paste import EMAIL, am_alert, webhook

CRASH = "content/runbooks/kubernetes/KubePodCrashLooping.md"


@pytest.fixture()
def lib(data_dir, tmp_path):
    return synced_library(data_dir, tmp_path, {"po": HUGO_FILES})


def test_placeholders_include_bare_dollar_names_but_not_the_shells():
    rb = parse_text(
        CRASH_LOOPING + "\n```shell\necho $HOME; for X in a b; do echo $X; done\n```\n",
        path="x.md",
    )
    names = runbook_placeholders(rb)
    # one entry per name in any case (Copy fills <namespace> and $NAMESPACE alike)
    assert {"namespace", "pod", "container", "host"} <= {n.casefold() for n in names}
    assert len(names) == len({n.casefold() for n in names})
    assert "HOME" not in names and "X" not in names


@pytest.mark.parametrize(
    ("placeholder", "label"),
    [
        ("NAMESPACE", "namespace"),
        ("namespace", "namespace"),
        ("Pod", "pod"),
        ("POD_NAME", "pod"),
        ("my-namespace", "namespace"),
        ("YOUR_NAMESPACE", "namespace"),
        ("job-name", "job_name"),
        ("MOUNT_POINT", "mountpoint"),
    ],
)
def test_placeholder_matches_label_ignoring_case_and_separators(placeholder, label):
    labels = {"namespace": "payments", "pod": "api-1", "job_name": "backup", "mountpoint": "/var"}
    assert match_labels([placeholder], labels) == {placeholder: (labels[label], label)}


def test_instance_fills_host_and_node_only_when_it_is_host_port():
    assert match_labels(["HOST", "NODE", "INSTANCE"], {"instance": "10.0.0.5:9100"}) == {
        "HOST": ("10.0.0.5", "instance"),
        "NODE": ("10.0.0.5", "instance"),
        "INSTANCE": ("10.0.0.5:9100", "instance"),
    }
    assert match_labels(["HOST"], {"instance": "https://probe.example.org"}) == {}
    assert match_labels(["NODE"], {"instance": "1.2.3.4:9100", "node": "worker-3"}) == {
        "NODE": ("worker-3", "node")
    }
    assert instance_host("[2001:db8::1]:9100") == "2001:db8::1"
    assert instance_host("db-1.internal:5432") == "db-1.internal"
    assert match_labels(["pod name"], {"pod": "x"}) == {}  # not a variable name
    assert match_labels(["POD"], {"pod": ""}) == {}  # empty labels fill nothing


def test_open_alert_by_runbook_url_fills_variables(lib):
    a = parse_alert_text(webhook(am_alert("api-7d9f-x2", instance="10.1.2.3:8080"))).first
    a = Alert(a.name, a.labels, a.annotations, a.status, a.starts_at, "", HUGO_URL)
    opened = open_alert(lib, a)
    assert (opened.how, opened.resolved.relpath) == ("runbook_url", CRASH)
    assert opened.variables == {  # <namespace> and $NAMESPACE: one variable (issue 23)
        "NAMESPACE": "payments",
        "POD": "api-7d9f-x2",
        "CONTAINER": "api",
        "HOST": "10.1.2.3",
    }
    assert opened.from_label["HOST"] == "instance"
    d = opened.to_dict()
    assert set(d) == {"alert", "labels", "annotations", "runbook", "variables"}
    assert {k: d["runbook"][k] for k in ("source", "path", "anchor")} == {
        "source": "po",
        "path": CRASH,
        "anchor": "",
    }
    assert d["runbook"]["also"] == [] and d["runbook"]["fallback"] == ""


HUGO_URL = "https://runbooks.example.dev/runbooks/kubernetes/kubepodcrashlooping/"


def test_open_alert_falls_back_to_the_name_when_the_url_is_elsewhere(lib):
    a = parse_alert_text(EMAIL.replace("runbooks.example.dev", "down.example.net")).first
    opened = open_alert(lib, a)
    # the page name of an unmapped site is tried first, then the alert name: both open it
    assert opened.resolved.relpath == CRASH
    a2 = Alert("TargetDown", {"alertname": "TargetDown", "namespace": "monitoring"})
    opened2 = open_alert(lib, a2)
    assert (opened2.how, opened2.resolved.relpath) == (
        "alertname",
        "content/runbooks/general/TargetDown.md",
    )
    assert opened2.variables == {"NAMESPACE": "monitoring"}


def test_unknown_alert_has_no_runbook_and_names_the_nearest(lib):
    opened = open_alert(lib, Alert("KubePodCrashLoopingg", {"alertname": "KubePodCrashLoopingg"}))
    assert opened.resolved is None and opened.to_dict()["runbook"] is None
    assert "nearest local runbooks" in opened.problem and CRASH in opened.problem
    assert opened.variables == {}


def test_use_alert_replaces_the_previous_alerts_values_but_keeps_typed_ones(lib, data_dir):
    s = Settings()
    s.set_variable("TICKET", "INC-1")
    first = open_alert(lib, Alert("KubePodCrashLooping", {"namespace": "a", "pod": "p1"}))
    assert set(use_alert(s, first)) == {"NAMESPACE", "POD"}  # <namespace> is NAMESPACE
    s.set_variable("namespace", "edited-by-hand")
    second = open_alert(lib, Alert("TargetDown", {"namespace": "monitoring"}))
    use_alert(s, second)
    assert s.variables == {
        "TICKET": "INC-1",
        "NAMESPACE": "monitoring",
        "namespace": "edited-by-hand",  # edited since: kept
    }  # POD of the first alert is gone
    assert variables_from_alert(s) == {"NAMESPACE": "namespace"}
    save_settings(data_dir, s)
    again = load_settings(data_dir)
    assert again.alert_context["alert"] == "TargetDown"
    assert variables_from_alert(again) == {"NAMESPACE": "namespace"}
    again.clear_variables()
    assert again.alert_context == {}


def test_filled_values_are_quoted_and_hidden_characters_flagged_on_copy(lib):
    evil = "api-1; rm -rf / \x1b[201~\u200b"
    opened = open_alert(lib, Alert("KubePodCrashLooping", {"namespace": "pay", "pod": evil}))
    block = "kubectl -n $NAMESPACE logs $POD -c api"
    res = prepare_copy(block, opened.variables)
    assert res.text == "kubectl -n pay logs 'api-1; rm -rf / ' -c api"
    assert any("hidden characters" in w for w in res.warnings())


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("kubectl -n $NAMESPACE get pod $POD", "kubectl -n pay get pod 'a b'"),
        ("echo $NAMESPACES \\$NAMESPACE $$NAMESPACE", "echo $NAMESPACES \\$NAMESPACE $$NAMESPACE"),
        ("for POD in x y; do echo $POD; done", "for POD in x y; do echo $POD; done"),
        ("POD=$(get) && kubectl logs $POD", "POD=$(get) && kubectl logs $POD"),
        ("read -r POD; echo $POD", "read -r POD; echo $POD"),
        ("echo $pod", "echo $pod"),  # lower case: the shell's, never filled bare
        ("echo ${POD} <NAMESPACE>", "echo 'a b' pay"),
    ],
)
def test_copy_fills_bare_upper_case_dollar_names_unless_the_command_sets_them(text, expected):
    assert prepare_copy(text, {"NAMESPACE": "pay", "POD": "a b", "pod": "z"}).text == expected


def test_a_runbook_naming_the_alert_beats_a_page_name_guess(lib):
    # the link points at an unmapped wiki page whose name matches another runbook's file
    a = Alert(
        "KubePodCrashLooping",
        {"alertname": "KubePodCrashLooping"},
        runbook_url="https://wiki.example.com/pages/targetdown",
    )
    opened = open_alert(lib, a)
    assert (opened.how, opened.resolved.relpath) == ("alertname", CRASH)


def test_the_view_shows_hidden_characters_of_filled_values():
    from rbdesk.core.render.reader import display_code_html

    html = display_code_html("kubectl get node $NODE", {"NODE": "w-7\u202e\x1b[31m<b>"})
    assert "\u202e" not in html and "\x1b" not in html and "<b>" not in html
    assert '<span class="filled">&#x27;w-7<span class="hidden">⟦U+202E⟧</span>' in html


def test_runbook_placeholders_one_entry_per_name_in_any_case():
    from rbdesk.core.runbook.parser import parse_text

    rb = parse_text(
        "# X\n\n```\ncurl /members/[HOSTNAME]\ncurl /members/[hostname] -H $TOKEN\n"
        "echo $token_x <Host>\n```\n",
        "x.md",
    )
    assert runbook_placeholders(rb) == ["HOSTNAME", "Host", "TOKEN"]
    rb = parse_text("# X\n\n```\nkubectl -n <namespace> get pods; echo $NAMESPACE\n```\n", "y.md")
    assert runbook_placeholders(rb) == ["NAMESPACE"]  # the spelling that fills $NAMESPACE
