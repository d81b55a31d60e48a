"""Physics: pure functions that build UFL forms (scaled units)."""
