# interphase: the two commands of the README.
#   make demo   set up (if needed), run the default case cases/seed_stack.toml and the 2D
#               on-chip diode (PyVista field maps)
#   make test   set up (if needed) and run the whole test suite, serial and under mpirun -n 2
VENV ?= .venv
PY := $(VENV)/bin/python
# OpenMPI refuses to run as root without these; --oversubscribe for more ranks than cores.
MPIENV := OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1 OMPI_MCA_rmaps_base_oversubscribe=1 PRTE_MCA_rmaps_default_mapping_policy=:oversubscribe
NP ?= 2

.PHONY: setup demo test test-serial test-mpi lint docs
setup:
	@./.ci/setup.sh

demo: setup
	$(VENV)/bin/interphase run cases/seed_stack.toml --out results/seed_stack
	$(VENV)/bin/interphase run cases/onchip_2d.toml --out results/onchip_2d

docs: setup
	$(PY) .ci/update_readme.py

lint: setup
	$(PY) -m ruff check solver tests benchmarks meshes examples interphase

test-serial: setup
	$(PY) -m pytest -q -p no:cacheprovider tests

test-mpi: setup
	env $(MPIENV) mpirun -n $(NP) $(PY) -m pytest -q -p no:cacheprovider -m "not serial" tests

test: lint test-serial test-mpi
