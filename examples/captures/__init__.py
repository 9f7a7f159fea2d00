"""Example captures of the demo merchant and their generator (`make_captures`)."""
