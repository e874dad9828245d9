"""Runbooks to HTML: the reader view and print documents (no Qt)."""
