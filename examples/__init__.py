"""Bundled examples: the demo merchant, its golive.yaml, keys and captures."""
