"""golive.lianlian."""
