"""Checks of area LIM (see design.md §2)."""
