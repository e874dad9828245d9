"""One runbook file: model, Markdown reading, extraction, copy rules, checks."""
