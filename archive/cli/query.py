"""Commands that read the archive: search, show, history, diff, changes, export."""
