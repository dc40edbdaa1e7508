"""docfraud.imaging (see the package docstring for the layering)."""
