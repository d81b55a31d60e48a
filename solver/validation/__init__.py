"""Validation against measured I-V(T) data: read, fit a compact diode model, compare, plot.

``read_iv`` reads the CSV (``ivdata``), ``fit_diode`` / ``activation`` / ``compare`` do the
numbers (``diode_fit``), ``plot_fit`` draws them and ``validate_iv`` runs the whole chain and
writes ``validation.json``, ``diode_fit.csv`` and ``iv_fit.png``.
"""

from .diode_fit import Activation, DiodeFit, activation, compare, diode_current, fit_diode
from .ivdata import IVCurve, IVData, read_iv
from .report import format_summary, plot_fit, validate_iv

__all__ = ["Activation", "DiodeFit", "IVCurve", "IVData", "activation", "compare",
           "diode_current", "fit_diode", "format_summary", "plot_fit", "read_iv",
           "validate_iv"]
