"""Contact kinds: one object per kind (rules for case files, laws in the device), by name."""

from __future__ import annotations

from .blocking import Blocking
from .kind import ContactKind
from .li_metal import LiMetal
from .ohmic import Ohmic
from .schottky import Schottky

#: every contact kind, by its ``kind`` name
KINDS: dict[str, ContactKind] = {k.name: k for k in (Ohmic(), Schottky(), Blocking(), LiMetal())}

__all__ = ["KINDS", "ContactKind"]
