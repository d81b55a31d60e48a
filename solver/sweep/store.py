"""The results store of a sweep: manifest, one atomic record per point, claims, logs, table.

Layout of ``DIR``::

    manifest.json          study hash, points (id, inputs, overrides), versions, shard
    inputs/                copies of the study and base case files
    records/<id>.json      one record per finished point (ok / incomplete / failed), atomic
    points/<id>/           the point's own outputs (summary.json, iv.csv, ...)
    claims/<run>/<id>      which group took a point in run <run> (O_EXCL files: the work queue)
    runs/<run>.json        start, end, ranks and counts of every run
    logs/rank-<r>.log      per-rank log of the latest runs
    table.csv, table.h5    the combined table (written when every point is finished)

A record is written with temp file + fsync + rename, so a killed job leaves each point either
finished (valid record) or pending; a pending point's partial outputs are removed and redone.
"""

from __future__ import annotations

import contextlib
import datetime
import json
import os
import shutil
from pathlib import Path
from typing import Any

from .. import __version__
from ..errors import CaseError
from ..results import lock
from ..results.atomic import write_json, write_text
from .points import point_ids, set_strings
from .shard import Shard
from .study import Study

FORMAT = "interphase-sweep/1"
STATUSES = ("ok", "incomplete", "failed")
_RESULTS = ("records", "points", "claims", "runs", "logs", "table.csv", "table.h5")


def utc_now() -> str:
    """The current UTC time, ISO format to the second."""
    return datetime.datetime.now(datetime.UTC).isoformat(timespec="seconds")


class Store:
    """A sweep's results folder.

    Args:
        root: The folder (``--out DIR``).
    """

    def __init__(self, root: str | Path) -> None:
        self.root = Path(root)
        self.manifest_path = self.root / "manifest.json"
        self.records = self.root / "records"
        self.claims = self.root / "claims"
        self._lock_fd: int | None = None

    # -- paths ----------------------------------------------------------------------------
    def record_path(self, pid: str) -> Path:
        """Record file of point ``pid``."""
        return self.records / f"{pid}.json"

    def point_dir(self, pid: str) -> Path:
        """Output folder of point ``pid``."""
        return self.root / "points" / pid

    def log_path(self, rank: int) -> Path:
        """Log file of world rank ``rank``."""
        return self.root / "logs" / f"rank-{rank:04d}.log"

    # -- manifest -------------------------------------------------------------------------
    def read_manifest(self) -> dict[str, Any] | None:
        """The manifest, or None if the folder holds no sweep."""
        try:
            return json.loads(self.manifest_path.read_text(encoding="utf-8"))
        except FileNotFoundError:
            return None
        except (OSError, ValueError) as exc:
            raise CaseError(f"unreadable sweep manifest ({exc})",
                            file=str(self.manifest_path)) from None

    def open(self, study: Study, restart: bool = False,
             shard: Shard | None = None) -> dict[str, Any]:
        """Lock the folder and check (or create) its manifest for ``study``.

        Args:
            study: The validated study.
            restart: Discard the folder's results if they belong to another study.
            shard: Keep only this shard's points (``--shard K/N``); None for all.

        Returns:
            The manifest (existing points are kept when the study is unchanged).

        Raises:
            CaseError: If another sweep runs on the folder, or it holds a different study and
                ``restart`` is false.
        """
        self.root.mkdir(parents=True, exist_ok=True)
        self._lock()
        try:
            return self._open(study, restart, shard)
        except BaseException:
            self.close()
            raise

    def _open(self, study: Study, restart: bool, shard: Shard | None) -> dict[str, Any]:
        old = self.read_manifest()
        spec = shard.as_dict() if shard else None
        if old is not None and old.get("study_sha256") == study.digest \
                and old.get("shard") == spec and not restart:
            return old
        if old is not None and not restart:
            n = len(list(self.records.glob("*.json"))) if self.records.is_dir() else 0
            if old.get("study_sha256") == study.digest:  # another shard (or none) of it
                had = Shard.from_dict(old.get("shard"))
                raise CaseError(f"{self.root} holds {had.name if had else 'the unsharded run'} "
                                f"of this study ({n} finished points)", file=str(study.path),
                                hint="give --out the folder of the whole sweep, not a shard's")
            raise CaseError(
                f"{self.root} holds the results of a different study or base case "
                f"({old.get('study_file')}, {n} finished points)", file=str(study.path),
                hint="the study or case file changed: re-run with --restart to discard those "
                "results, or choose another --out")
        self.wipe()
        manifest = self._manifest(study, shard)
        write_text(self.root / "inputs" / "study.toml", study.path.read_text(encoding="utf-8"))
        write_text(self.root / "inputs" / "case.toml",
                   study.case_path.read_text(encoding="utf-8"))
        write_json(self.manifest_path, manifest)
        return manifest

    def _manifest(self, study: Study, shard: Shard | None = None) -> dict[str, Any]:
        from ..results.provenance import git_commit

        pts = [{"id": pid, "inputs": inputs, "sets": set_strings(inputs)}
               for i, (pid, inputs) in enumerate(zip(point_ids(len(study.points)), study.points))
               if shard is None or shard.selects(i)]
        return {"format": FORMAT, "study_file": str(study.path.resolve()),
                "case_file": str(study.case_path), "study_sha256": study.digest,
                "description": study.description, "design": study.design,
                "keys": list(study.keys), "fixed_sets": study.sets({}),
                "ranks_per_point": study.ranks_per_point,
                "outputs": list(study.outputs) if study.outputs is not None else None,
                "created_utc": utc_now(), "interphase_version": __version__,
                "git_commit": git_commit(), "shard": shard.as_dict() if shard else None,
                "study_points": len(study.points), "points": pts}

    def wipe(self) -> None:
        """Remove every result of an earlier study (only files this store writes)."""
        for name in _RESULTS:
            p = self.root / name
            if p.is_dir():
                shutil.rmtree(p)
            elif p.exists():
                p.unlink()

    def _lock(self) -> None:
        self._lock_fd = lock.hold(self.root / ".lock", f"another sweep is running on {self.root}",
                                  "wait for it, or choose another --out")

    def close(self) -> None:
        """Release the folder lock."""
        if self._lock_fd is not None:
            os.close(self._lock_fd)
            self._lock_fd = None

    # -- records --------------------------------------------------------------------------
    def write_record(self, record: dict[str, Any]) -> None:
        """Write a point's record atomically (the point is then finished)."""
        write_json(self.record_path(record["id"]), record)

    def read_record(self, pid: str, digest: str) -> dict[str, Any] | None:
        """The record of ``pid`` if it is valid for the study ``digest``, else None."""
        try:
            rec = json.loads(self.record_path(pid).read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return None
        ok = (isinstance(rec, dict) and rec.get("id") == pid
              and rec.get("study_sha256") == digest and rec.get("status") in STATUSES)
        return rec if ok else None

    def finished(self, manifest: dict[str, Any]) -> dict[str, dict[str, Any]]:
        """Valid records of the manifest's points, by id."""
        names = {p.stem for p in self.records.glob("*.json")} if self.records.is_dir() else set()
        out = {}
        for p in manifest["points"]:
            if p["id"] in names:
                rec = self.read_record(p["id"], manifest["study_sha256"])
                if rec is not None:
                    out[p["id"]] = rec
        return out

    def remove_temporaries(self) -> None:
        """Remove temporary files of records whose writing was killed (never valid records)."""
        for tmp in self.records.glob(".*.tmp") if self.records.is_dir() else ():
            tmp.unlink(missing_ok=True)

    def clear_point(self, pid: str) -> None:
        """Remove partial outputs of an unfinished point."""
        shutil.rmtree(self.point_dir(pid), ignore_errors=True)

    # -- claims (the work queue) ----------------------------------------------------------
    def new_run(self, run_id: str) -> None:
        """Start run ``run_id``: forget the claims of earlier (dead) runs."""
        if self.claims.is_dir():
            shutil.rmtree(self.claims)
        (self.claims / run_id).mkdir(parents=True)

    def try_claim(self, run_id: str, pid: str, holder: dict[str, Any]) -> bool:
        """Take point ``pid`` for this run; False if another group has it (atomic O_EXCL)."""
        path = self.claims / run_id / pid
        try:
            fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o644)
        except FileExistsError:
            return False
        with os.fdopen(fd, "w") as fh:
            json.dump({**holder, "claimed_utc": utc_now()}, fh)
        return True

    def current_claims(self) -> dict[str, dict[str, Any]]:
        """Claims of the latest run, by point id."""
        runs = sorted(self.claims.iterdir()) if self.claims.is_dir() else []
        out: dict[str, dict[str, Any]] = {}
        for path in runs[-1].iterdir() if runs else ():
            with contextlib.suppress(OSError, ValueError):
                out[path.name] = json.loads(path.read_text() or "{}")
        return out


class Claimer:
    """The next unfinished point for one group: first come, first served across groups.

    Every group walks the same ordered list of pending points and takes the first one nobody
    has claimed; a cursor makes the total work O(points) per group.

    Args:
        store: The store.
        run_id: The current run.
        pending: Ids of the unfinished points, in order.
        holder: Who claims (group, ranks, host, pid), written into the claim.
    """

    def __init__(self, store: Store, run_id: str, pending: list[str],
                 holder: dict[str, Any]) -> None:
        self.store, self.run_id, self.pending, self.holder = store, run_id, pending, holder
        self.cursor = 0

    def next(self) -> str | None:
        """Claim the next free point; None when all are taken."""
        while self.cursor < len(self.pending):
            pid = self.pending[self.cursor]
            self.cursor += 1
            if self.store.try_claim(self.run_id, pid, self.holder):
                return pid
        return None
