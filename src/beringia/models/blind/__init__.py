"""Blind hindcasts: finished tunnels compiled into scenarios from what was known before them."""
