"""The applications on top of every other layer: the ``fazhi`` command line and the web UI."""
