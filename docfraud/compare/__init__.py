"""docfraud.compare: alignment to the reference specimen and per-zone security-feature checks."""
