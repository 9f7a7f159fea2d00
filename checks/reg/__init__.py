"""Checks of area REG (see design.md §2)."""
