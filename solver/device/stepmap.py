"""How Newton's direction is applied to the device's unknowns (the ``step_map`` of its solvers).

Three maps, each justified by a density that depends exponentially on a potential:

- **Carriers** (every solve): the quasi-Fermi steps in their Slotboom variables
  (:func:`solver.numerics.steps.slotboom_step`), a density falling at most 10x per step.
- **Carriers in an electrolyte** (DC solves on 1D meshes): there the electrons and holes carry
  no charge that matters (the mobile ions and their framework are ~1e21 cm^-3), so a step may
  lower a density 1000x. Between blocking electrodes their quasi-Fermi potentials follow the
  Hebb-Wagner profile (``exp(-v)`` linear in x), tens of kT/q from a prediction linear in the
  bias: at 10x per step that is ~2.3 kT/q per iteration. Time steps keep the 10x bound (the
  wider one made Newton fail, and the step be retried, in the first charging steps of a
  chronoamperometry), and so do 2D / 3D meshes: on the 3D grain network (vertex-lumped
  tetrahedra) the holes' steps then oscillate by tens of kT/q and Newton stalls (18
  iterations per +-1 V point with the 10x bound, > 300 with 100x).
- **The electrolyte's level** (DC solves whose electrodes all block the ions, the ion amounts
  held by constraints): where the direction moves the potential and the ion potential of the
  electrolyte's nodes together (bulk neutrality kept), the common part is the level that sets
  the double layers' charges, whose accumulation side is exponential in it
  (``c ~ exp(z beta xi)`` at the electrode). Newton lowers an exponential from above by at most
  ~1 kT/q per step (``x - 1 + c exp(-x)``); the level's step is therefore taken in that
  exponential's (Slotboom) variable, as the carriers' are. The bias splits unequally between
  the two double layers (the depletion side takes most), so the tangent prediction can leave
  the level tens of kT/q off.

Near convergence every map is the identity to second order: quadratic convergence and the
solution are unchanged.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from mpi4py import MPI

from ..numerics.steps import FLOOR, slotboom_step

#: smallest density factor of one step for carriers in an electrolyte (and for the level)
ELECTROLYTE_FLOOR = 1e-3
#: smallest factor of the accumulation charge in one level step
LEVEL_FLOOR = 1e-3
#: the level map acts when the common step is at least this (scaled units, kT_ref/q) ...
LEVEL_MIN_STEP = 0.5
#: ... the ion potentials' common step agrees with the potential's to this fraction ...
LEVEL_AGREEMENT = 0.05
#: ... and no node departs from the common step by more than this (the rest is damped as usual)
LEVEL_MAX_SPREAD = 1.0


class StepMap:
    """The map of one solver's Newton directions (see the module docstring).

    Args:
        nc: Components per node (potential, v, w, then one per ion species).
        free: Mask over the local coupled dofs where Newton moves the unknown.
        owned: Owned local dofs (Newton's direction is over these).
        charges: Charge number of each ion species.
        beta: Returns ``T_ref / T`` at the present temperature.
        comm: The mesh's communicator.
        dc: A DC solver (time steps get neither the wider bound nor the level map).
        level: Map the electrolyte's level (DC solves with the ion amounts constrained).
        wide: Give the electrolyte's carriers the wider bound (DC solves on 1D meshes).
    """

    def __init__(self, nc: int, free: np.ndarray, owned: int, charges: list[int],
                 beta: Callable[[], float], comm: MPI.Comm, *, dc: bool, level: bool,
                 wide: bool) -> None:
        self.nc, self.beta, self.comm = nc, beta, comm
        blocks = np.asarray(free, dtype=bool)[:owned].reshape(-1, nc)
        # electrolyte nodes: the ion potential is free there (the potential too: not a contact)
        self.ionic = blocks[:, 0] & blocks[:, 3] if nc > 3 else np.zeros(len(blocks), bool)
        self.floor = np.where(self.ionic, ELECTROLYTE_FLOOR, FLOOR) if dc and wide else FLOOR
        # one sign for the level: every species of the same charge sign (e.g. Li+ alone)
        signs = {int(np.sign(z)) for z in charges}
        self.level_sign = signs.pop() if dc and level and len(signs) == 1 else 0
        self.count = comm.allreduce(int(self.ionic.sum()), op=MPI.SUM)
        self.levels = 0  # iterations whose level was mapped

    def __call__(self, y: np.ndarray) -> np.ndarray:
        """Map the Newton direction ``y`` (owned entries; the update is ``-y``) in place.

        Returns:
            The mask of the entries already bounded (not damped again).
        """
        blocks = y.reshape(-1, self.nc)
        beta = self.beta()
        bounded = np.zeros(blocks.shape, dtype=bool)
        if self.level_sign and self.count:
            self._level(blocks, beta, bounded)
        for comp, sign in ((1, -1.0), (2, 1.0)):
            blocks[:, comp] = -slotboom_step(-blocks[:, comp], sign, beta, self.floor)
        bounded[:, 1:3] = True
        return bounded.ravel()

    def _level(self, blocks: np.ndarray, beta: float, bounded: np.ndarray) -> None:
        """Take the common step of potential and ion potentials in the electrolyte mapped."""
        e = self.ionic
        sums = np.array([-blocks[e, 0].sum(), *(-blocks[e, k].sum()
                                                 for k in range(3, self.nc))])
        sums = self.comm.allreduce(sums, op=MPI.SUM)
        m, m_ions = sums[0] / self.count, sums[1:] / self.count
        if abs(m) < LEVEL_MIN_STEP or np.any(np.abs(m_ions - m) > LEVEL_AGREEMENT * abs(m)):
            return
        local = [np.abs(-blocks[e, k] - (m if k == 0 else m_ions[k - 3])).max(initial=0.0)
                 for k in (0, *range(3, self.nc))]
        if self.comm.allreduce(max(local), op=MPI.MAX) > LEVEL_MAX_SPREAD:
            return
        mapped = float(slotboom_step(np.array([m]), float(self.level_sign), beta,
                                     LEVEL_FLOOR)[0])
        for k in (0, *range(3, self.nc)):
            blocks[e, k] -= mapped - m  # the update (-y) moves by the mapped common step
            bounded[e, k] = True
        self.levels += 1
