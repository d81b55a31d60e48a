"""Post-processing of computed profiles and curves (pure NumPy; no dolfinx)."""
