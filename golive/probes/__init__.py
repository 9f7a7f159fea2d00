"""golive.probes."""
