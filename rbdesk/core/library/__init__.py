"""Library vocabulary: roots, runbook files, the walker, origins."""
