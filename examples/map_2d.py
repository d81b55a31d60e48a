"""The 2D on-chip diode: solve two biases, then read its field file and pictures.

Writes results/map_2d/ (or the folder given as the first argument): field_map.png (PyVista:
psi, log n, log p, log |J| with current lines at +0.5 V) and fields_bias.pvd (one VTU grid per
bias with every field, read here with meshio).
"""

import sys
from pathlib import Path

import meshio

import interphase

ROOT = Path(__file__).resolve().parents[1]


def main(out: str | Path) -> dict[float, float]:
    """Smallest electron density (cm^-3) in the field file of each bias."""
    case = interphase.load_case(ROOT / "cases" / "onchip_2d.toml").with_({
        "study.voltages_V": [0.0, 0.5], "geometry.parameters.h_min_nm": 4.0,
        "geometry.parameters.die_width_nm": 500.0})
    res = interphase.run(case, out=out)
    n_min = {}
    for V, vtu in zip(res.summary["fields"]["fields_bias.pvd"]["steps"],
                      res.summary["fields"]["fields_bias.pvd"]["files"]):
        n_min[V] = float(meshio.read(Path(out) / vtu).point_data["n_cm3"].min())
    return n_min


if __name__ == "__main__":
    folder = sys.argv[1] if len(sys.argv) > 1 else str(ROOT / "results" / "map_2d")
    n_min = main(folder)
    if interphase.rank() == 0:
        for V, n in n_min.items():
            print(f"V = {V:+.2f} V: min n = {n:.3e} cm^-3 (positive everywhere)")
        print(f"pictures: {sorted(p.name for p in Path(folder).glob('*.png'))}")
