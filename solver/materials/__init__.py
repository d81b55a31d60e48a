"""Material data: frozen, validated, cited records and their temperature laws."""

from .library import UNITS, MaterialLibrary
from .model import BandState, Electrolyte, IonSpecies, Material, Metal, Semiconductor

__all__ = ["UNITS", "BandState", "Electrolyte", "IonSpecies", "Material", "MaterialLibrary",
           "Metal", "Semiconductor"]
