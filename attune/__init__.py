"""Attune: the system that runs a specialised parent-infant relationship team."""
