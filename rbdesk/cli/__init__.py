"""The ``rbdesk`` command. Imports stay lazy: ``rbdesk search`` never loads Qt."""
