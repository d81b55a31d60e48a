"""Electron leakage into LLZTO through the rectifying interphase vs the n-TiO2 thickness.

The paper's Au / Al / p-Si / n-TiO2 / LLZTO / Au pellet at 298 K, polarised at +-1 V: the
electron current density entering the electrolyte and the effective electronic conductivity,
for 5, 10 and 20 nm of n-TiO2 (one run per thickness; the bare-pellet reference is off).
"""

import sys
from pathlib import Path

import interphase

CASES = Path(__file__).resolve().parents[1] / "cases"


def main(thicknesses_nm=(5.0, 10.0, 20.0)) -> dict[float, dict]:
    """Leakage table (columns as arrays) by n-TiO2 thickness (nm)."""
    base = interphase.load_case(CASES / "pellet_interphase.toml").with_(
        temperature_K=298.0, study__reference_without_layers=[], output__plots=False)
    out = {}
    for t in thicknesses_nm:
        res = interphase.run(base.with_({"layers.1.thickness_nm": t}))
        out[t] = res.leakage
    return out


if __name__ == "__main__":
    table = main()
    if interphase.rank() == 0:
        print("n-TiO2 (nm)  voltage (V)  J_e into LLZTO (A/cm2)  sigma_eff (S/cm)")
        for t, tab in table.items():
            for V, Je, s in zip(tab["voltage_V"], tab["electron_current_density_A_per_cm2"],
                                tab["effective_conductivity_S_per_cm"]):
                print(f"{t:11g}  {V:+11g}  {Je:22.3e}  {s:16.3e}")
    sys.exit(0)
