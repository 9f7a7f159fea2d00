"""Evidence sources, one module each (``GATHERER = Gatherer(...)``; see golive/gathering.py)."""
