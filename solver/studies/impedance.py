"""Impedance study: small-signal AC response linearised around a DC state.

For a unit bias perturbation on the biased contact, the state perturbation solves
``(J + i w M) dx = -dF/dV`` (J: the DC Jacobian without the DC ion-conservation row, M: the
charge-storage matrix, dF/dV by central differences of the residual in the bias), and the current
perturbation is ``dI = g_particle . dx + i w g_displacement . dx`` from the same domain-weighted
current functional as the DC current. ``Z = 1 / dI`` per unit area. Bulk resistance: Re Z where
-Im Z is smallest between the bulk arc and the electrode spike; double-layer capacitance: from
the lowest frequency, ``C = -1 / (w Im Z)`` (both electrodes in series).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np

import ufl
from dolfinx import fem
from dolfinx.fem import petsc as fem_petsc
from petsc4py import PETSc

from ..case import Study
from ..device.problem import DeviceProblem
from ..numerics import compat
from ..numerics.continuation import continue_to
from ..numerics.newton import default_linear_solver
from ..numerics.smallsignal import ComplexSolver
from ..results import painter
from ..results.progress import Progress
from .bias import step_control
from .equilibrium import run_equilibrium
from .kind import PointCallback, StudyKind


def _storage_form(pb: DeviceProblem):
    n, p, conc = pb.forms.densities(pb.f)
    t = ufl.TestFunction(pb.W)
    S = (-n * t[1] + p * t[2]) * pb.dxv
    for k, (name, _) in enumerate(pb.species):
        S += conc[name] * t[3 + k] * pb.dxv
    return ufl.derivative(S, pb.sol)


def _current_gradients(pb: DeviceProblem, name: str) -> tuple[PETSc.Vec, PETSc.Vec]:
    weight = pb.weight(name)  # the DC current's weight: 1 on this contact, 0 on the others
    particle = sum(flux(weight) for flux in pb.forms.fluxes(pb.f).values()) * pb.dx
    u = pb.f.u
    disp = pb.P.lam2 * pb.P.eps_r * ufl.dot(ufl.grad(u), ufl.grad(weight)) * pb.dx
    out = []
    for functional in (particle, disp):
        vec = fem_petsc.assemble_vector(fem.form(ufl.derivative(functional, pb.sol,
                                                                ufl.TestFunction(pb.W))))
        vec.ghostUpdate(addv=PETSc.InsertMode.ADD, mode=PETSc.ScatterMode.REVERSE)
        out.append(vec)
    return out[0], out[1]


def _bias_rhs(pb: DeviceProblem, name: str, h: float = 1e-4) -> PETSc.Vec:
    """-dF/dV (per volt) by central differences; Dirichlet rows hold the boundary change."""
    dd = pb.dd_solver
    V0 = pb.contacts[name].bias
    state = pb.snapshot()
    F = []
    for V in (V0 + h, V0 - h):
        pb.set_bias(name, V)
        b = dd.x.duplicate()
        compat.assemble_residual(b, dd.L, dd.a, dd.bcs, dd.x)
        F.append(b)
    pb.restore(state)
    rhs = F[1].copy()
    rhs.axpy(-1.0, F[0])
    rhs.scale(1.0 / (2 * h))
    Vr = pb.scaling.V_ref
    n_owned = rhs.getLocalSize()
    dofs = pb.contact_fixed_dofs(name)
    rhs.array[dofs[dofs < n_owned]] = 1.0 / Vr
    for obj in F:
        obj.destroy()
    return rhs


def impedance_spectrum(pb: DeviceProblem, name: str, freqs: list[float],
                       progress: Progress | None = None) -> dict[str, list[float]]:
    """Z(f) per unit area (ohm m^2) at the current DC state for a perturbation at ``name``."""
    dd = pb.dd_solver
    J = compat.create_matrix(dd.a)
    compat.assemble_matrix(J, dd.a, dd.bcs)  # no DC conservation row: w M regularises
    m_form = fem.form(_storage_form(pb))
    M = compat.create_matrix(m_form)
    compat.assemble_matrix(M, m_form, dd.bcs, 0.0)
    b_re = _bias_rhs(pb, name)
    b_im = b_re.duplicate()
    b_im.set(0.0)
    g_p, g_d = _current_gradients(pb, name)
    solver = ComplexSolver(J, M, default_linear_solver(pb.comm, pb.case.solver.linear_solver,
                                                       pb.dm.mesh.topology.dim))
    t0, J0 = pb.scaling.t0, pb.scaling.J0 / pb.contact_area(name)
    R_s = pb.series.total(pb.temperature) * 1e4  # ohm cm^2, in series with the device
    out: dict[str, list[float]] = {"frequency_Hz": [], "Z_real_ohm_cm2": [],
                                   "Z_imag_ohm_cm2": []}
    for f in freqs:
        w = 2 * math.pi * f * t0
        xr, xi = solver.solve(w, b_re, b_im)
        dI = complex(g_p.dot(xr) - w * g_d.dot(xi), g_p.dot(xi) + w * g_d.dot(xr)) * J0
        Z = 1.0 / dI * 1e4 + R_s  # ohm cm^2
        out["frequency_Hz"].append(f)
        out["Z_real_ohm_cm2"].append(Z.real)
        out["Z_imag_ohm_cm2"].append(Z.imag)
        xr.destroy()
        xi.destroy()
        if progress:
            progress.step(f"f = {f:.3g} Hz  Z = {Z.real:.4g} {Z.imag:+.4g}i ohm cm2")
    for obj in (J, M, b_re, b_im, g_p, g_d):
        obj.destroy()
    return out


def spectrum_features(spec: dict[str, list[float]]) -> dict[str, float]:
    """Bulk resistance (ohm cm2) and electrode (double-layer) capacitance (uF/cm2).

    Bulk: Re Z at the highest-frequency local minimum of -Im Z (where the bulk arc meets the
    electrode arc or branch). Low-frequency resistance: Re Z at the lowest frequency (for a Li
    symmetric cell, its area-specific resistance: bulk + two charge-transfer resistances).
    Electrode capacitance: ``C = -1 / (w Im Z)`` where the electrode branch is most capacitive
    (largest -Im Z / (Re Z - R_bulk) below that frequency); both electrodes in series.
    """
    f = np.asarray(spec["frequency_Hz"])
    zr, zi = np.asarray(spec["Z_real_ohm_cm2"]), np.asarray(spec["Z_imag_ohm_cm2"])
    m = -zi
    mins = [i for i in range(1, len(m) - 1) if m[i] <= m[i - 1] and m[i] <= m[i + 1]]
    k = max(mins) if mins else int(np.argmin(m))
    rb = float(zr[k])
    low = np.arange(k)
    c = math.nan
    if low.size:
        ratio = -zi[low] / np.maximum(zr[low] - rb, 1e-300)
        j = int(low[np.argmax(ratio)])
        c = -1.0 / (2 * math.pi * f[j] * zi[j]) if zi[j] < 0 else math.nan
    return {"bulk_resistance_ohm_cm2": rb, "bulk_resistance_frequency_Hz": float(f[k]),
            "electrode_capacitance_uF_per_cm2": float(c * 1e6),
            "low_frequency_resistance_ohm_cm2": float(zr[0])}


def run_impedance(pb: DeviceProblem, study: Study, T: float) -> tuple[dict[str, Any], Any]:
    """Equilibrium, DC bias (continuation), then the spectrum over ``study.frequencies``."""
    entry, bd = run_equilibrium(pb, T)
    if study.bias:
        s = pb.case.solver

        def solve_at(V: float):
            pb.set_bias(study.contact, V)
            return pb.solve()

        continue_to([study.bias], 0.0, solve_at, pb.snapshot, pb.restore, lambda v, r: None,
                    step_control(s))
    progress = Progress(f"impedance {T:g} K", len(study.frequencies), pb.comm.rank)
    spec = impedance_spectrum(pb, study.contact, list(study.frequencies), progress)
    progress.close()
    entry["impedance"] = spec
    entry.update(spectrum_features(spec))
    if study.area:
        a = study.area * 1e4  # cm^2
        entry["bulk_resistance_ohm"] = entry["bulk_resistance_ohm_cm2"] / a
    entry["dc_bias_V"] = study.bias
    return entry, bd


class ImpedanceStudy(StudyKind):
    """Small-signal AC around a DC state (``impedance.csv``, Nyquist and Bode plots)."""

    name = "impedance"
    table = "impedance"

    def run(self, T: float, on_point: PointCallback | None = None) -> tuple[dict[str, Any], Any]:
        """Equilibrium, DC bias and the spectrum at ``T`` (K)."""
        return run_impedance(self.pb, self.study, T)

    def figures(self, out: Path, case_name: str, entries: Sequence[dict[str, Any]],
                summary: dict[str, Any]) -> None:
        """Nyquist and Bode plots of every temperature."""
        spectra = {f"{e['temperature_K']:g} K": e["impedance"] for e in entries}
        painter.draw("impedance", out, spectra, case_name)

    @staticmethod
    def console(entry: dict[str, Any]) -> list[str]:
        """The bulk resistance."""
        return [f"R_bulk = {entry['bulk_resistance_ohm_cm2']:.4g} ohm cm2"]
