"""Merchant apps written for the tests, driven through a real `golive sandbox` (README "golive check --sandbox")."""
