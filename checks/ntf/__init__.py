"""Checks of area NTF (see design.md §2)."""
