"""``python -m fazhi`` is the ``fazhi`` command (handy where the console script is not on PATH)."""

from fazhi.cli import main

main()
