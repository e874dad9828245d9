"""Console blocks with host prompts (`workstation $ …` / `db-01 $ …`), as real runbooks
write them (gitlab-com/runbooks docs/patroni/patroni-management.md and others)."""

from __future__ import annotations

import pytest

from rbdesk.core.render.reader import code_blocks
from rbdesk.core.render.terminal import render_terminal
from rbdesk.core.runbook.commands import clean_command, host_parts, prompt_host
from rbdesk.core.runbook.copyrules import strip_prompts
from rbdesk.core.runbook.parser import parse_text

PATRONI_PAUSE = (
    "workstation        $ knife ssh roles:<env>-base-db-patroni "
    "'sudo chef-client-disable \"Database maintenance issue prod#xyz\"'\n"
    "patroni-01-db-gstg $ sudo gitlab-patronictl pause --wait pg11-ha-cluster"
)


@pytest.mark.parametrize(
    ("line", "host", "command"),
    [
        (
            "patroni-01-db-gstg $ gitlab-patronictl list",
            "patroni-01-db-gstg",
            "gitlab-patronictl list",
        ),
        (
            "chef-repo $ knife ssh roles:gstg-base-db-patroni 'x'",
            "chef-repo",
            "knife ssh roles:gstg-base-db-patroni 'x'",
        ),
        ("aptly@aptly:~$ aptly repo list", "aptly@aptly", "aptly repo list"),
        (
            "console-01-sv-gstg.c.gitlab-staging-1.internal:~$ sudo gitlab-rails console",
            "console-01-sv-gstg.c.gitlab-staging-1.internal",
            "sudo gitlab-rails console",
        ),
        ("    sh-5.1$ ls /var/log", "sh-5.1", "ls /var/log"),
        ("worker$ ps aux", "worker", "ps aux"),
        ("root@pg$ psql", "root@pg", "psql"),
        ("/prometheus $ promtool tsdb list .", "/prometheus", "promtool tsdb list ."),
        ("[root@db-01 ~]$ uptime", "root@db-01", "uptime"),
        ("jeroen@xps15:~/src/gitlab/chef-repo$ git pull", "jeroen@xps15", "git pull"),
        ("$ kubectl get pods", "", "kubectl get pods"),
    ],
)
def test_real_prompt_shapes(line, host, command):
    assert prompt_host(line) == host
    assert clean_command(line, "", "shell") == command
    assert strip_prompts(line).strip() == command


@pytest.mark.parametrize(
    "line",
    [
        'echo "cost: $ 5"',
        "awk '{print $ 1}' file",
        "PRICE=$ 5",
        "kubectl get pods",
        "# root prompt or comment $ x",
        "grep -c '$ ' notes.txt",
    ],
)
def test_commands_containing_dollar_space_are_not_prompts(line):
    assert prompt_host(line) is None
    assert clean_command(line, "", "shell") == line


def test_two_hosts_are_two_commands():
    parts = host_parts(PATRONI_PAUSE)
    assert [clean_command(p, "", "shell") for p in parts] == [
        "knife ssh roles:<env>-base-db-patroni "
        "'sudo chef-client-disable \"Database maintenance issue prod#xyz\"'",
        "sudo gitlab-patronictl pause --wait pg11-ha-cluster",
    ]
    same_host = "db-01 $ sudo systemctl stop patroni\ndb-01 $ sudo systemctl start patroni"
    assert host_parts(same_host) == [same_host]


def test_a_host_change_after_a_continuation_is_still_a_new_command():
    text = "$ ssh db-01 \\\n    -A\ndb-01 $ sudo gitlab-patronictl list\noutput line\n$ exit"
    parts = host_parts(text)
    assert [clean_command(p, "", "shell") for p in parts] == [
        "ssh db-01 \\\n    -A",
        "sudo gitlab-patronictl list",
        "exit",
    ]


def test_reader_show_and_copy_number_one_command_per_host():
    md = f"# Pause\n\n```\n{PATRONI_PAUSE}\n```\n\n```bash\nls -la\n```\n"
    rb = parse_text(md, "pause.md")
    blocks = code_blocks(rb)
    assert [b.clean for b in blocks] == [
        "knife ssh roles:<env>-base-db-patroni "
        "'sudo chef-client-disable \"Database maintenance issue prod#xyz\"'",
        "sudo gitlab-patronictl pause --wait pg11-ha-cluster",
        "ls -la",
    ]
    assert blocks[0].placeholders == ("env",) and blocks[1].placeholders == ()
    shown = render_terminal(rb, "pause.md")
    assert "[1] code  (rbdesk copy pause.md 1)" in shown
    assert "[2] code  (rbdesk copy pause.md 2)" in shown
    assert "[3] bash  (rbdesk copy pause.md 3)" in shown
    assert shown.index("│ workstation") < shown.index("[2] code") < shown.index("│ patroni-01")


def test_output_starting_with_percent_is_not_a_prompt():
    # docs/uncategorized/osquery.md: `top`/`ps` output under a host prompt
    text = (
        "console-01-sv-gstg.c.gitlab-staging-1.internal:~$ ps -p 6716 -o %cpu,%mem\n"
        "%CPU %MEM\n 0.0  0.2"
    )
    assert host_parts(text) == [text]
    assert clean_command(text, "", "shell") == "ps -p 6716 -o %cpu,%mem"
    assert clean_command("% ls -la", "", "shell") == "ls -la"  # zsh's prompt still is one


def test_a_comment_before_another_host_goes_with_its_command():
    # docs/uncategorized/aptly.md
    text = (
        "user@aptly:~$ sudo su - aptly\n"
        "# If the package already exists in the repo, find the name\n"
        "aptly@aptly:~$ aptly repo show --with-packages gitlab-utils\n"
        "Name: gitlab-utils"
    )
    assert [clean_command(p, "", "shell") for p in host_parts(text)] == [
        "sudo su - aptly",
        "# If the package already exists in the repo, find the name\n"
        "aptly repo show --with-packages gitlab-utils",
    ]
