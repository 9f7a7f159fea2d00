"""golive.evidence."""
