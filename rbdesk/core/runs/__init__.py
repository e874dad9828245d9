"""Checklist runs: the SQLite store and exports."""
