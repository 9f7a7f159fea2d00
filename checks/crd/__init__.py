"""Checks of area CRD (see design.md §2)."""
