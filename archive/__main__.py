"""``python -m archive`` is the ``fazhi`` command (handy where the console script is not on PATH)."""

from archive.cli import main

main()
