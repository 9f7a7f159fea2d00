"""Checks of area SIG (see design.md §2)."""
