"""Studies: the shared device problem and one module per study kind."""
