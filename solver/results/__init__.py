"""Results: atomic writers, provenance, plots, field files, progress reporting."""
