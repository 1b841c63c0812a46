"""Reusable UI pieces, apart from the page sections that use them."""
