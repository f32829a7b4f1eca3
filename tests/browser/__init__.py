"""Browser tests: Chromium driven through Playwright against pytest-django's live server."""
