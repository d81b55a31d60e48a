"""A silicon p-n diode's I-V from Python: load a case, override a key, run, read numpy arrays."""
from pathlib import Path

import interphase

CASES = Path(__file__).resolve().parents[1] / "cases"
case = interphase.load_case(CASES / "si_pn_diode.toml").with_(
    {"study.voltages_V": {"start": -0.5, "stop": 0.6, "step": 0.05}}, output__plots=False)
res = interphase.run(case)  # collective under mpirun; out=None: results only in memory
V, J = res.iv["voltage_V"], res.iv["current_density_A_per_cm2"]
if interphase.rank() == 0:
    print(f"J(+0.6 V) = {J[V.argmax()]:.3e} A/cm2, ideality {res.summary['ideality_factor']:.3f}")
