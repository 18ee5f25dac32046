"""List walkers: one module per CMS family, each turning a column page into article links and further pages.

A walker never fetches anything itself; it reads a response and returns links and requests to make, so it
can be tested on saved pages. See DOMAIN.md §1 for the families.
"""
