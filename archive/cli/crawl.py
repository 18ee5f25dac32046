"""Commands that crawl: crawl, demo."""
