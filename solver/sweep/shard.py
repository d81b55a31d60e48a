"""Shards of a sweep: ``--shard K/N`` runs the points ``i`` with ``i % N == K`` on their own.

A Slurm job array splits one study into N independent jobs, one shard each. Every shard is a
complete sweep folder of its own, ``DIR/shard-K-of-N/`` (manifest, lock, records, claims, logs,
per-shard table), so shards never share a file, resume independently and can run at the same
time on different nodes. Point ids are those of the whole study (``p0003`` is the fourth point
in every shard layout), so ``--collect`` (:mod:`solver.sweep.collect`) merges the shards'
records into ``DIR/table.csv`` without renaming anything.

A folder holds either one unsharded sweep (``DIR/manifest.json``) or the shards of one split
(one N); :func:`check_layout` refuses to mix them.
"""

from __future__ import annotations

import contextlib
import fcntl
import os
import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..errors import CaseError

_TEXT = re.compile(r"^\s*(-?\d+)\s*/\s*(-?\d+)\s*$")
_FOLDER = re.compile(r"^shard-(\d+)-of-(\d+)$")


@dataclass(frozen=True)
class Shard:
    """Shard ``index`` of a split into ``count`` shards (``0 <= index < count``).

    Attributes:
        index: K, the shard's number.
        count: N, the number of shards.
    """

    index: int
    count: int

    @property
    def name(self) -> str:
        """Folder name ``shard-K-of-N`` (K zero-padded to the width of N - 1, so names sort)."""
        width = len(str(self.count - 1))
        return f"shard-{self.index:0{width}d}-of-{self.count}"

    def selects(self, i: int) -> bool:
        """Whether point number ``i`` (0-based, in the study's point order) is in this shard."""
        return i % self.count == self.index

    def indices(self, n: int) -> list[int]:
        """Numbers of this shard's points among ``n`` points."""
        return list(range(self.index, n, self.count))

    def as_dict(self) -> dict[str, int]:
        """``{"index": K, "count": N}`` (as stored in the shard's manifest)."""
        return {"index": self.index, "count": self.count}

    @classmethod
    def from_dict(cls, d: Any) -> Shard | None:
        """The shard of a manifest's ``shard`` entry (None for an unsharded sweep)."""
        if not isinstance(d, dict):
            return None
        return cls(int(d["index"]), int(d["count"]))


def parse_shard(text: str) -> Shard:
    """Parse ``--shard K/N``.

    Args:
        text: ``"K/N"`` with integers ``N >= 1`` and ``0 <= K < N`` (e.g. ``"3/8"``).

    Returns:
        The shard.

    Raises:
        CaseError: One line naming the problem and the expected form.
    """
    m = _TEXT.match(str(text))
    hint = "expected K/N with 0 <= K < N, e.g. --shard $SLURM_ARRAY_TASK_ID/8"
    if not m:
        raise CaseError(f"--shard: '{text}' is not of the form K/N", hint=hint)
    k, n = int(m.group(1)), int(m.group(2))
    if n < 1:
        raise CaseError(f"--shard {text}: the number of shards N = {n} must be >= 1", hint=hint)
    if not 0 <= k < n:
        raise CaseError(f"--shard {text}: the shard number K = {k} must be in 0..{n - 1}",
                        hint=hint)
    return Shard(k, n)


def shard_dir(out: str | Path, shard: Shard) -> Path:
    """The folder of ``shard`` inside the results folder ``out``."""
    return Path(out) / shard.name


def find_shards(out: str | Path) -> dict[Shard, Path]:
    """Shard folders ``shard-K-of-N`` in ``out`` (sorted by N, then K; valid K < N only)."""
    found: dict[Shard, Path] = {}
    root = Path(out)
    if not root.is_dir():
        return found
    for p in root.iterdir():
        m = _FOLDER.match(p.name)
        if m and p.is_dir() and int(m.group(1)) < int(m.group(2)):
            found[Shard(int(m.group(1)), int(m.group(2)))] = p
    return dict(sorted(found.items(), key=lambda item: (item[0].count, item[0].index)))


def split_count(out: str | Path, shards: dict[Shard, Path] | None = None) -> int:
    """N of the shards in ``out`` (0 if none).

    Raises:
        CaseError: If ``out`` holds shards of different splits (say 4 and 8).
    """
    shards = find_shards(out) if shards is None else shards
    counts = sorted({s.count for s in shards})
    if len(counts) > 1:
        names = ", ".join(p.name for p in shards.values())
        raise CaseError(f"{out} holds shards of different splits ({names})",
                        hint="keep the folders of one N only, or use another --out")
    return counts[0] if counts else 0


@contextlib.contextmanager
def layout_lock(out: str | Path) -> Iterator[None]:
    """Hold ``out/.layout.lock`` while a run checks the folder's layout and makes its manifest.

    Sharded and unsharded runs started together into one folder take turns here, so the
    second one sees the first one's layout (and is refused if they do not fit together).
    Held for milliseconds; on a file system without locks the check runs unprotected.
    """
    root = Path(out)
    root.mkdir(parents=True, exist_ok=True)
    fd = os.open(root / ".layout.lock", os.O_RDWR | os.O_CREAT, 0o666)
    try:
        with contextlib.suppress(OSError):
            fcntl.flock(fd, fcntl.LOCK_EX)
        yield
    finally:
        os.close(fd)


def check_layout(out: str | Path, shard: Shard | None) -> None:
    """Refuse to mix an unsharded sweep and shards, or shards of different N, in ``out``.

    Args:
        out: The ``--out`` folder (not the shard folder).
        shard: The shard about to run, or None for an unsharded run.

    Raises:
        CaseError: One line naming the folder and the fix.
    """
    out = Path(out)
    shards = find_shards(out)
    if shard is None:
        if shards:
            names = ", ".join(p.name for p in list(shards.values())[:3])
            more = ", ..." if len(shards) > 3 else ""
            raise CaseError(f"{out} holds a sharded sweep ({names}{more})",
                            hint="run it with --shard K/N, merge it with --collect, or choose "
                            "another --out")
        return
    if (out / "manifest.json").exists():
        raise CaseError(f"{out} holds an unsharded sweep (manifest.json)",
                        hint="choose another --out for the sharded run")
    n = split_count(out, shards)
    if n and n != shard.count:
        raise CaseError(f"--shard {shard.index}/{shard.count}: {out} holds the shards of a split "
                        f"into {n}", hint=f"use --shard K/{n}, or another --out")
