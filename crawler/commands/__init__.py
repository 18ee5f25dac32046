"""Scrapy commands of this project (``COMMANDS_MODULE``): ``crawl`` with fazhi's exit codes."""
