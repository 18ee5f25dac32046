"""Finding a portal's report column(s) from its home page (best-first link walk, then the site search).

``score`` rates links and recognises columns, ``search`` speaks the site-search forms, ``walk`` is the
per-portal state machine, ``scope`` says which hosts belong to the same government, ``spider`` runs it all
inside a Scrapy crawl. Stored results: archive/discovery.py.
"""
