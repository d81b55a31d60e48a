"""Numerics: dolfinx compatibility, the PETSc SNES driver, and continuation."""
