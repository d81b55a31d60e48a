"""Study kinds: one module per protocol (equilibrium, iv, transient, leakage, impedance)."""
