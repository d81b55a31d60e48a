"""The coupled device problem: spaces, state, residual forms, contacts, solvers and read-out.

Floors below it (``physics``, ``geometry``, ``numerics``, ``materials``) know nothing of it;
the study kinds in :mod:`solver.studies` drive it.
"""
