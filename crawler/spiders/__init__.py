"""Scrapy spiders; ``reports`` is the one fazhi runs."""
