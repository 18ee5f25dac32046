"""pytest plugin: the govsim fixtures."""
