"""Pictures drawn once, when their data is final; plain-text decade labels."""

import numpy as np
import pytest

from solver.results import painter, plots
from solver.results.outputs import write_outputs


class Kind:
    """A study kind that counts its drawings."""

    name, table = "fake", None

    def __init__(self):
        self.per_temperature, self.across = [], []

    def temperature_figures(self, out, case_name, entry, suffix):
        self.per_temperature.append((entry["temperature_K"], suffix))

    def figures(self, out, case_name, entries, summary):
        self.across.append([e["temperature_K"] for e in entries])


def band(T):
    x = np.linspace(0.0, 100.0, 11)
    return {"x_nm": x, "layer": (x > 50).astype(int), "psi_V": x * 0, "Ec_eV": 0.5 + x * 0,
            "Ev_eV": -0.6 + x * 0, "Efn_eV": x * 0, "Efp_eV": x * 0,
            "n_cm3": 1e10 + x * 0 + T, "p_cm3": 1e15 + x, "c_ion_cm3": x * 0}


def test_across_temperature_figures_wait_for_the_last_temperature(tmp_path):
    kind, entries, bds = Kind(), [], []
    for T in (300.0, 350.0, 400.0):
        entries.append({"temperature_K": T})
        bds.append(band(T))
        write_outputs(tmp_path, case_name="c", kind=kind, layer_names=["a", "b"],
                      entries=entries, bds=bds, extra={}, plots_on=True, n_temperatures=3)
    assert kind.per_temperature == [(300.0, "_300K"), (350.0, "_350K"), (400.0, "_400K")]
    assert kind.across == [[300.0, 350.0, 400.0]]  # once, with every temperature
    painter.finish()
    assert sorted(p.name for p in tmp_path.glob("band_diagram_*.png")) == [
        "band_diagram_300K.png", "band_diagram_350K.png", "band_diagram_400K.png"]


def test_identical_pictures_are_drawn_once(tmp_path, monkeypatch):
    drawn = []
    real = plots.save
    monkeypatch.setattr(plots, "save", lambda *a, **k: drawn.append(1) or real(*a, **k))
    bd = band(123.0)
    plots.band_diagram(tmp_path / "a.png", bd, ["a", "b"], "same")
    plots.band_diagram(tmp_path / "b.png", {k: v.copy() for k, v in bd.items()}, ["a", "b"],
                       "same")
    plots.band_diagram(tmp_path / "c.png", bd, ["a", "b"], "another title")
    assert len(drawn) == 2
    assert (tmp_path / "a.png").read_bytes() == (tmp_path / "b.png").read_bytes()
    assert (tmp_path / "a.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


@pytest.mark.parametrize("xlim", [None, (0.0, 40.0)])  # the window hides layer "b"
def test_a_redrawn_figure_equals_a_fresh_one(tmp_path, xlim):
    # band diagrams share a figure: the second drawing must not keep anything of the first
    first, second = band(1.0), band(2.0)
    second["Ec_eV"] = second["Ec_eV"] + 3.0
    plots.forget()
    plots.band_diagram(tmp_path / "first.png", first, ["a", "b"], "first")
    plots.band_diagram(tmp_path / "reused.png", second, ["a", "b"], "second", xlim=xlim)
    plots.forget()
    plots.band_diagram(tmp_path / "fresh.png", second, ["a", "b"], "second", xlim=xlim)
    assert (tmp_path / "reused.png").read_bytes() == (tmp_path / "fresh.png").read_bytes()


@pytest.mark.parametrize("value, label", [(1e5, "10⁵"), (1e-12, "10⁻¹²"), (1.0, "10⁰"),
                                          (2e-3, "2×10⁻³"), (0.0, ""), (-1.0, "")])
def test_decade_labels_are_plain_text(value, label):
    assert plots.power_of_ten(value) == label
