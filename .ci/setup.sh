#!/usr/bin/env bash
# Idempotent set-up for interphase on Debian 12 (bookworm) or Debian 13 (trixie).
#
# 1. Installs the Debian packages that carry DOLFINx, PETSc, MPI and the numeric stack
#    (DOLFINx has no PyPI wheel; Debian's packages are how this project gets it).
# 2. Makes a venv with Debian's python3 and --system-site-packages, so the venv sees them.
# 3. pip-installs this package (editable) under a constraints file that pins Debian's numpy,
#    scipy, mpi4py, petsc4py, h5py, ... so pip never replaces them.
# A second run with nothing changed returns in well under a second.
set -euo pipefail
cd "$(dirname "$0")/.."
VENV=${VENV:-.venv}

# Libraries of the PyPI wheels, by package (from `ldd` of libgmsh.so and the vtkmodules .so
# files, and the libraries VTK opens at run time), the same names on Debian 12 and 13:
#   gmsh: libGL libGLU libGLX libOpenGL libX11 libXcursor libXext libXfixes libXft libXinerama
#         libXrender libfontconfig libfreetype libgomp (+ libxcb libXau libXdmcp libbsd libmd
#         libbrotli libexpat, which these pull in; libpng16 is libpng16-16t64 on Debian 13 and
#         comes with libfreetype6). Debian 13's libglu1-mesa no longer pulls libgl1: name it.
#   vtk:  links only libc/libstdc++; opens libEGL.so.1 (EGL off-screen rendering: libegl1,
#         the Mesa EGL vendor libegl-mesa0 and the llvmpipe driver libgl1-mesa-dri).
APT_PKGS="python3-dolfinx python3-mpi4py python3-petsc4py python3-meshio python3-h5py
  python3-scipy python3-matplotlib python3-venv python3-dev build-essential openmpi-bin
  libegl1 libegl-mesa0 libgl1-mesa-dri
  libgl1 libglx0 libopengl0 libglu1-mesa libx11-6 libxcb1 libxau6 libxdmcp6 libxrender1
  libxcursor1 libxfixes3 libxext6 libxft2 libfontconfig1 libfreetype6 libxinerama1
  libbsd0 libmd0 libbrotli1 libexpat1
  libgomp1 libopenblas0-serial"
missing=()
for p in $APT_PKGS; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  echo "setup: installing Debian packages: ${missing[*]}"
  SUDO=""; [ "$(id -u)" -ne 0 ] && SUDO=sudo
  $SUDO apt-get update -q
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -q --no-install-recommends "${missing[@]}"
fi

stamp="$VENV/.interphase-setup"
want=$(cat pyproject.toml .ci/setup.sh .ci/constraints.py | sha256sum | cut -c1-16)
if [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$want" ] && [ -x "$VENV/bin/interphase" ]; then
  exit 0
fi
echo "setup: creating $VENV (Debian python3 with system site packages)"
/usr/bin/python3 -m venv --system-site-packages "$VENV"
/usr/bin/python3 .ci/constraints.py > "$VENV/constraints.txt"
"$VENV/bin/pip" install -q --disable-pip-version-check -c "$VENV/constraints.txt" -e ".[test]"
echo "$want" > "$stamp"
echo "setup: done"
