"""Initial guesses along a bias sweep: the tangent ``d(state)/dV`` and the predicted state.

The linear response of the coupled system to a contact's bias (one residual assembly and one
solve with the Jacobian of the last Newton iteration) and the Hermite predictor built from
converged points (:mod:`solver.numerics.continuation` chooses the steps, :mod:`solver.studies.bias`
walks them).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

if TYPE_CHECKING:
    from ..numerics.newton import NewtonSolver
    from .problem import DeviceProblem

RESPONSE_STEP_V = 1e-5  # bias change of the finite-difference residual in bias_response (V)


def bias_response(pb: DeviceProblem, name: str, solver: NewtonSolver | None = None, *,
                  mid_iteration: bool = False) -> np.ndarray:
    """``d(state)/dV`` at the current converged DC state for contact ``name`` (per volt).

    The linear response to the bias the device sees at the contact, with the contact's own
    values: call right after a converged :meth:`DeviceProblem.solve`. Local array like
    :meth:`DeviceProblem.solution_array`.

    Args:
        pb: The device, at a converged DC state.
        name: Contact name.
        solver: The Newton solver whose Jacobian is used (default: the DC one).
        mid_iteration: At the present iterate of a running solve of ``solver``
            (:meth:`NewtonSolver.linear_response`), not at a converged state.
    """
    V = pb.contacts[name].bias
    held = pb.base.x.array.copy()
    moved = {}

    def perturb(on: bool) -> None:
        pb.set_device_bias(name, V + RESPONSE_STEP_V if on else V)
        pb.base.x.scatter_forward()
        if on:
            moved["base"] = pb.base.x.array.copy()

    du = (solver or pb.dd_solver).linear_response(perturb, RESPONSE_STEP_V,
                                                  mid_iteration=mid_iteration)
    return du + (moved["base"] - held) / RESPONSE_STEP_V  # + the contact's own values


def predict_bias(pb: DeviceProblem, name: str, V: float,
                 history: list[tuple[float, np.ndarray, np.ndarray]]) -> None:
    """Apply ``V`` (applied terminal voltage, V) to contact ``name`` with a predicted state.

    ``history`` holds ``(device bias, state, d(state)/dV)`` of converged points, newest last.
    The guess is the tangent from the newest point (:func:`bias_response`): the linear response
    puts the bias change where the physics puts it (junctions, barriers, double layers) instead
    of across the contact's first, tiny cell, where it would fake a huge field (and, with impact
    ionisation, runaway generation) in the first Newton iterations. With an older point too, the
    quadratic through both points with that slope (Hermite). With series resistance the step is
    in the device bias :meth:`DeviceProblem.set_bias` chooses.

    Args:
        pb: The device.
        name: Contact name.
        V: Applied voltage (V).
        history: Converged points, newest last (may be empty: then only the bias is set).
    """
    pb.set_bias(name, V)
    x = pb.solution_array()
    if history:
        V1, x1, t1 = history[-1]
        dV = pb.contacts[name].bias - V1
        step = t1 * dV
        if len(history) >= 2 and history[-2][0] != V1:
            V0, x0, _ = history[-2]
            h = V0 - V1
            step = step + (x0 - x1 - t1 * h) * (dV / h) ** 2
        x = x1 + step
    _set_state(pb, x)


def predict_device_bias(pb: DeviceProblem, name: str, Vd: float,
                        point: tuple[float, np.ndarray, np.ndarray]) -> None:
    """Set the device-side bias ``Vd`` (V) of contact ``name`` with the tangent guess.

    Args:
        pb: The device.
        name: Contact name.
        Vd: Device-side bias (V), e.g. the next bias of a series-resistance secant.
        point: ``(device bias, state, d(state)/dV)`` of a converged state at a nearby bias.
    """
    V1, x1, t1 = point
    pb.set_device_bias(name, Vd)
    _set_state(pb, x1 + t1 * (Vd - V1))


def _set_state(pb: DeviceProblem, x: np.ndarray) -> None:
    """Write a guess into the free dofs (``base``; ``sol`` = 0), contact values untouched."""
    free = pb.free_dofs
    pb.base.x.array[free] = x[free]
    pb.sol.x.array[free] = 0.0
    pb.base.x.scatter_forward()
    pb.sol.x.scatter_forward()
