"""Raises while being imported: an init failure carrying the user's exception class."""
raise ZeroDivisionError("configuration is missing")
