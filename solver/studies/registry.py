"""The study kinds, by name: the one place that lists them."""

from __future__ import annotations

from .equilibrium import EquilibriumStudy
from .impedance import ImpedanceStudy
from .iv import IVStudy
from .kind import StudyKind
from .leakage import LeakageStudy
from .transient import TransientStudy

KINDS: dict[str, type[StudyKind]] = {
    k.name: k for k in (EquilibriumStudy, IVStudy, TransientStudy, LeakageStudy, ImpedanceStudy)
}
