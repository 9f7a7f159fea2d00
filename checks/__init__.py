"""Checks package: checks."""
