"""interphase: a finite-element device solver for semiconductor / solid-electrolyte stacks.

Poisson + electron/hole drift-diffusion (+ Nernst-Planck ions) on dolfinx with PETSc under MPI.
The flow is one-way: case file -> stack and mesh -> physics forms -> nonlinear solver -> study
-> results.
"""

__version__ = "0.1.0"

__all__ = ["__version__"]
