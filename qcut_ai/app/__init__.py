"""Composition root: builds every object and passes it in by constructor."""
