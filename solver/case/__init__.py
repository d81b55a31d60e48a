"""Case files: strict TOML schema with unit-suffixed keys and errors that say the fix."""

from .loader import load_case, parse_set
from .model import (
    Case,
    Contact,
    Layer,
    MeshOptions,
    Physics,
    SolverOptions,
    Study,
)
from .schema import reference_markdown

__all__ = ["Case", "Contact", "Layer", "MeshOptions", "Physics", "SolverOptions", "Study",
           "load_case", "parse_set", "reference_markdown"]
