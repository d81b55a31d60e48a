"""Built-in potential and band bending from an equilibrium band diagram."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np


def _psi_at(bd: Mapping[str, np.ndarray], layer: int, where: str) -> float:
    sel = bd["layer"] == layer
    x, psi = bd["x_nm"][sel], bd["psi_V"][sel]
    if where == "start":
        return float(psi[np.argmin(x)])
    if where == "end":
        return float(psi[np.argmax(x)])
    mid = 0.5 * (x.min() + x.max())
    return float(np.interp(mid, x, psi))


def junction_summary(bd: Mapping[str, np.ndarray], names: Sequence[str]) -> dict:
    """Potential steps of an equilibrium band diagram.

    Definitions (potentials in V, vacuum level ``-q psi``):

    - ``built_in_potential_V``: ``|psi(right end) - psi(left end)|``: the total equilibrium
      potential step between the contacts (for a p-n homojunction with quasi-neutral ends this
      is ``V_T ln(N_A N_D / n_i^2)``), whichever side the p layer is on;
    - ``built_in_potential_signed_V``: ``psi(right end) - psi(left end)``;
    - ``band_bending_V[layer]``: ``psi(layer end) - psi(layer start)``;
    - ``junctions[i].potential_step_V``: ``psi(middle of right layer) - psi(middle of left
      layer)`` for each interface.

    Args:
        bd: Band diagram columns (see :func:`solver.device.readout.band_diagram`).
        names: Layer names.
    """
    n = len(names)
    vbi = _psi_at(bd, n - 1, "end") - _psi_at(bd, 0, "start")
    bending = {names[i]: _psi_at(bd, i, "end") - _psi_at(bd, i, "start") for i in range(n)}
    junctions = [{"left": names[i], "right": names[i + 1],
                  "potential_step_V": _psi_at(bd, i + 1, "mid") - _psi_at(bd, i, "mid")}
                 for i in range(n - 1)]
    return {"built_in_potential_V": abs(vbi), "built_in_potential_signed_V": vbi,
            "band_bending_V": bending, "junctions": junctions}

