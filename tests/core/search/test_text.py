"""Tokenising: identifier splitting, name terms, command tokens."""

from rbdesk.core.search import text as tx


def test_split_identifier_camel_snake_and_acronyms():
    assert tx.split_identifier("KubePodCrashLooping") == ("kube", "pod", "crash", "looping")
    assert tx.split_identifier("etcd_mvcc_db_total_size") == ("etcd", "mvcc", "db", "total", "size")
    assert tx.split_identifier("NodeRAIDDiskFailure") == ("node", "raid", "disk", "failure")
    assert tx.split_identifier("etcdGRPCRequestsSlow") == ("etcd", "grpc", "requests", "slow")


def test_word_terms_keep_whole_identifier_and_parts():
    assert tx.word_terms("restart") == ("restart",)
    assert tx.word_terms("KubeAPIDown") == ("kubeapidown", "kube", "api", "down")


def test_text_terms_give_parts_consecutive_positions():
    terms = list(tx.text_terms("check KubePodCrashLooping now"))
    assert ("kubepodcrashlooping", 1) in terms
    assert [p for t, p in terms if t in ("kube", "pod", "crash", "looping", "now")] == [
        1,
        2,
        3,
        4,
        5,
    ]


def test_name_terms_add_suffix_joins_and_stems():
    terms = {t for t, _ in tx.name_terms("KubePodCrashLooping")}
    assert {"kubepodcrashlooping", "crashlooping", "podcrashlooping", "loop"} <= terms


def test_command_terms_keep_punctuated_tokens():
    terms = list(tx.command_terms("kubectl get pods --all-namespaces -f /var/log/syslog"))
    assert "all-namespaces" in terms and "namespaces" in terms
    assert "var/log/syslog" in terms and "syslog" in terms
    assert tx.command_token("--all-namespaces") == "all-namespaces"
    assert tx.command_token("plain") is None


def test_compact_and_keyword():
    assert tx.compact("Kube-Pod Crash_Looping") == "kubepodcrashlooping"
    assert tx.keyword(" Platform  Team ") == "platform-team"
