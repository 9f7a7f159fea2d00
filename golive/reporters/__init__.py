"""golive.reporters."""
