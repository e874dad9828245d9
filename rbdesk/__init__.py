"""rbdesk: a desktop runbook viewer for on-call engineers."""

__version__ = "0.1.0"
