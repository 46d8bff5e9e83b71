"""Whole-page caching of public pages for anonymous visitors, invalidated when content changes."""
