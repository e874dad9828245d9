"""Code blocks: kinds, clean copy text, placeholders."""

import pytest

from rbdesk.core.runbook.commands import classify, clean_command, find_placeholders, language_of


@pytest.mark.parametrize(
    ("lang", "text", "kind"),
    [
        ("sql", "SELECT 1;", "sql"),
        ("bash", "ls", "shell"),
        ("console", "$ ls", "shell"),
        ("yaml", "a: 1", "config"),
        ("json", "{}", "config"),
        ("text", "output", "output"),
        ("mermaid", "graph TD; A-->B", "diagram"),
        ("promql", "up == 0", "query"),
        ("logql", '{app="x"} |= "error"', "query"),
        ("python", "print(1)", "other"),
        ("", "SELECT * FROM users WHERE id = 1;", "sql"),
        ("", "kubectl get pods -n prod", "shell"),
        ("", "$ ls -la", "shell"),
        ("", 'sum(rate(http_requests_total{status=~"5.."}[5m]))', "query"),
        ("", "┌───┐\n│ a │\n└───┘", "diagram"),
        ("", "+-----+     +-----+\n| a   | --> | b   |\n+-----+     +-----+", "diagram"),
        ("", "replicas: 3\nimage: nginx", "config"),
        ("", "Hello there, this is prose.", "other"),
    ],
)
def test_classify(lang, text, kind):
    assert classify(lang, text) == kind


def test_language_of_info_strings():
    assert language_of("bash title='x'") == "bash"
    assert language_of("{.sh}") == "sh"
    assert language_of("") == ""


def test_clean_strips_prompts_and_drops_transcript_output():
    text = "$ kubectl get pods\nNAME    READY\napi-1   1/1\n$ echo done"
    assert clean_command(text, "console", "shell") == "kubectl get pods\necho done"


def test_clean_keeps_continuation_lines_and_comments():
    text = "# restart it\n$ kubectl rollout restart \\\n    deploy/api\nrestarted\n"
    assert clean_command(text, "bash", "shell") == (
        "# restart it\nkubectl rollout restart \\\n    deploy/api"
    )


def test_clean_never_strips_hash_prompt_and_no_trailing_newline():
    assert clean_command("# apt-get update\n\n\n", "bash", "shell") == "# apt-get update"


def test_clean_powershell_and_percent_prompts():
    assert clean_command("PS> Get-Service\nPS C:\\ops> dir", "powershell", "shell") == (
        "Get-Service\ndir"
    )
    assert clean_command("% brew install jq", "zsh", "shell") == "brew install jq"


def test_clean_makes_nbsp_and_smart_quotes_plain():
    text = "curl\u00a0-H \u201cAuthorization: x\u201d \u2018y\u2019"
    assert clean_command(text, "bash", "shell") == "curl -H \"Authorization: x\" 'y'"


def test_clean_heredoc_kept_whole():
    text = "$ cat <<EOF > x\nline one\nEOF\n$ ls"
    assert clean_command(text, "console", "shell") == "cat <<EOF > x\nline one\nEOF\nls"


def test_placeholders_every_spelling_in_order_without_duplicates():
    text = (
        "redis-cli -h <redis-host> -n ${NAMESPACE} {{service}} [TEAM] "
        "[ecr-url]:[tag] YOUR_TOKEN <redis-host> [redis-host]"
    )
    assert find_placeholders(text) == [
        "redis-host",
        "NAMESPACE",
        "service",
        "TEAM",
        "ecr-url",
        "tag",
        "YOUR_TOKEN",
    ]


@pytest.mark.parametrize(
    "text",
    [
        "kubectl get pod -o jsonpath='{.items[0].metadata.name}'",
        "grep '[a-z]' file",
        "grep -E '[A-Za-z0-9]+' f",
        "if [ -f /etc/x ]; then echo; fi",
        "echo ${#arr[@]}",
        "tr '[:upper:]' '[:lower:]'",
        "echo '<br>'",
    ],
)
def test_not_placeholders(text):
    assert find_placeholders(text) == []


def test_next_command_prefers_the_current_step_and_skips_output_and_diagrams():
    from dataclasses import dataclass

    from rbdesk.core.runbook.commands import is_command, next_command

    @dataclass
    class Block:
        index: int
        lang: str
        clean: str
        step: int | None

    blocks = [
        Block(1, "bash", "df -h", 1),
        Block(2, "text", "Filesystem  Size", 1),  # output, never "next"
        Block(3, "mermaid", "graph TD; A-->B", 2),  # a diagram
        Block(4, "", "kubectl get pods", 2),  # unlabelled: classified as shell
        Block(5, "bash", "   ", 2),  # empty
        Block(6, "sql", "SELECT 1;", 3),
    ]
    assert not is_command("output", "x") and not is_command("{bash}", " ")
    assert is_command("{bash}", "ls")
    assert next_command(blocks, None, 1) == 1
    assert next_command(blocks, 1, 2) == 4  # nothing left in step 1: the next step's command
    assert next_command(blocks, 3, 1) == 6  # the current step's command first
    assert next_command(blocks, 2, 5) == 6
    assert next_command(blocks, None, 7) is None
