"""Reading a report: its section structure, the parts the rules require, and its key figures.

Pure functions on a version's normalized text (and, for bold runs, its HTML), so the CLI, the web UI and the
store can all use them. See :mod:`archive.reading.sections`, :mod:`archive.reading.parts` and
:mod:`archive.reading.figures`.
"""
