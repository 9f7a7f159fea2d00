"""Checks of area SEC (repository scan rules, see golive/scan and design.md §2)."""
