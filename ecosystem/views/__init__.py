"""Views of the ecosystem app, one module per feature."""
