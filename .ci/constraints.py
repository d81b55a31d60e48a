"""Print pip constraints that pin the Debian-provided scientific stack.

Run with Debian's interpreter (``/usr/bin/python3``), not the venv: it then sees only the
system packages. pip must never replace these (a numpy 2 wheel in the venv breaks Debian's
petsc4py and dolfinx with "numpy.dtype size changed").
"""

from importlib import metadata

PINNED = (
    "numpy scipy mpi4py petsc4py h5py cffi meshio matplotlib contourpy pillow "
    "fenics-dolfinx fenics-ffcx fenics-ufl fenics-basix fenics-dijitso pytest"
).split()

for name in PINNED:
    try:
        print(f"{name}=={metadata.version(name)}")
    except metadata.PackageNotFoundError:
        pass
