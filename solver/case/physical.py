"""Checks of a case that need more than one key: its materials at each of its temperatures.

Every material law (Varshni gap, densities of states, Arrhenius mobilities and diffusivities) is
evaluated at load time at every temperature of the case, so a temperature the data do not
reach is a one-line error naming ``temperature_K`` (and the lowest or highest temperature that
would work), not a failure deep inside a solve.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

from ..constants import q
from ..errors import CaseError, MaterialError
from ..materials import Electrolyte, MaterialLibrary, Semiconductor

#: smallest intrinsic density n_i (m^-3) a material may have: n_i^2 stays a normal double
NI_MIN = 1e-150


def _problem(mat: Semiconductor, T: float) -> str | None:
    """Why ``mat`` cannot be simulated at ``T`` (K), or None."""
    try:
        state = mat.at(T)
    except (MaterialError, OverflowError, ZeroDivisionError) as exc:
        return str(exc)
    values = {"Nc": state.Nc, "Nv": state.Nv, "mu_n": state.mu_n, "mu_p": state.mu_p}
    if isinstance(mat, Electrolyte):
        values.update({f"D({ion.name})": ion.diffusivity(T) for ion in mat.ions})
    for name, v in values.items():
        if not (math.isfinite(v) and v > 0.0):
            return f"material '{mat.name}': {name} = {v:g} at {T:g} K (its temperature law " \
                   "leaves the range of double precision)"
    ni = state.ni
    if not ni >= NI_MIN:
        return f"material '{mat.name}': intrinsic density n_i = {ni:g} m^-3 at {T:g} K " \
               f"(gap {state.Eg / q:.3g} eV): too cold for double precision"
    return None


def _bound(mat: Semiconductor, T: float) -> float | None:
    """The temperature nearest ``T`` (K) in [1, 2000] K at which ``mat`` works, or None."""
    lo, hi = (T, 2000.0) if T < 300.0 else (1.0, T)
    good_hi = T < 300.0  # cold: the working side is above T
    for _ in range(50):
        mid = 0.5 * (lo + hi)
        ok = _problem(mat, mid) is None
        if ok == good_hi:
            hi = mid
        else:
            lo = mid
    edge = hi if good_hi else lo
    return edge if _problem(mat, edge) is None else None


def check_temperatures(temperatures: Sequence[float], materials: Sequence[str],
                       lib: MaterialLibrary, file: str) -> None:
    """Refuse temperatures at which a layer material's laws fail (one line naming the key).

    Args:
        temperatures: The case's temperatures (K), already inside the schema's range.
        materials: Material names of the layers.
        lib: The case's material library.
        file: Case file (for messages).

    Raises:
        CaseError: Duplicate temperatures, or a material that cannot be evaluated at one.
    """
    if len(set(temperatures)) != len(temperatures):
        raise CaseError("temperatures must be distinct", file=file, key="temperature_K")
    for name in dict.fromkeys(materials):
        mat = lib.get(name)
        if not isinstance(mat, Semiconductor):
            continue
        for T in temperatures:
            why = _problem(mat, T)
            if why is None:
                continue
            edge = _bound(mat, T)
            side = "lowest" if T < 300.0 else "highest"
            hint = (f"the {side} temperature material '{name}' takes is about {edge:.4g} K"
                    if edge is not None else f"check the temperature laws of '{name}'")
            raise CaseError(why, file=file, key="temperature_K", hint=hint)
