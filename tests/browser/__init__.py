"""Helpers for tests that drive Debian's chromium through Playwright."""
