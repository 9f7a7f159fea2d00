"""Checks of area RSK (see design.md §2)."""
