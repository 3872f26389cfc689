"""Signed checkpoints of the chain, kept outside the database: a file per day, and syslog."""

import json
import logging
import logging.handlers
import os
import time
from pathlib import Path

from flask import current_app

from wanted.audit.keys import holds, seal
from wanted.timeutil import utcnow

# Per process: when this process last wrote a checkpoint (seconds since the epoch).
last_written = {"at": 0.0}


def anchor_dir() -> Path:
    """Return the configured anchor directory."""
    return Path(current_app.config["AUDIT_ANCHOR_DIR"])


def due(previous_last_id: int, last_id: int) -> bool:
    """Tell whether the events just appended call for a checkpoint (count or time)."""
    every = current_app.config["AUDIT_CHECKPOINT_EVERY"]
    if every and previous_last_id // every != last_id // every:
        return True
    minutes = current_app.config["AUDIT_CHECKPOINT_MINUTES"]
    return bool(minutes) and time.time() - newest_anchor_time() >= minutes * 60


def newest_anchor_time() -> float:
    """Return when a checkpoint was last written, by this process or into today's file."""
    if not last_written["at"]:
        today = day_file(utcnow().date().isoformat())
        last_written["at"] = today.stat().st_mtime if today.exists() else 0.0
    return last_written["at"]


def day_file(day: str) -> Path:
    """Return the anchor file of a UTC day."""
    return anchor_dir() / f"audit-anchors-{day}.jsonl"


def checkpoint(last_id: int, last_hash: str, count: int, *, genesis: bool = False) -> dict:
    """Build a signed checkpoint of the chain head (written once its transaction commits)."""
    fields = {"at": utcnow().isoformat(timespec="seconds"), "last_id": last_id,
              "hash": last_hash, "count": count, "genesis": genesis}
    return {**fields, "sig": seal("anchor", fields)}


def write(entry: dict) -> None:
    """Append a checkpoint to today's file (opened append-only) and, if set, to syslog."""
    folder = anchor_dir()
    folder.mkdir(parents=True, exist_ok=True)
    line = json.dumps(entry, sort_keys=True) + "\n"
    path = day_file(entry["at"][:10])
    # One write() of a short line with O_APPEND: concurrent writers never interleave.
    fd = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o640)
    try:
        os.write(fd, line.encode())
    finally:
        os.close(fd)
    last_written["at"] = time.time()
    target = current_app.config["AUDIT_ANCHOR_SYSLOG"]
    if target:
        send_to_syslog(line.strip(), "/dev/log" if target is True else str(target))


def send_to_syslog(line: str, address: str) -> None:
    """Send a checkpoint line to a syslog daemon listening on a local socket."""
    handler = logging.handlers.SysLogHandler(address=address)
    try:
        handler.emit(logging.LogRecord("wanted.audit", logging.INFO, __file__, 0,
                                       f"wanted-audit-checkpoint {line}", None, None))
    finally:
        handler.close()


def read_all() -> tuple[list[dict], list[str]]:
    """Return every checkpoint in the anchor directory, oldest first, and the unsigned lines."""
    entries, forged = [], []
    folder = anchor_dir()
    if not folder.exists():
        return [], []
    for path in sorted(folder.glob("audit-anchors-*.jsonl")):
        for number, line in enumerate(path.read_text().splitlines(), start=1):
            entry = parse(line)
            if entry is None:
                forged.append(f"{path.name}:{number}")
            else:
                entries.append(entry)
    entries.sort(key=lambda entry: entry["last_id"])
    return entries, forged


def parse(line: str) -> dict | None:
    """Return a checkpoint line's entry if its signature holds, else None."""
    try:
        entry = json.loads(line)
        fields = {name: entry[name] for name in ("at", "last_id", "hash", "count", "genesis")}
    except (ValueError, KeyError, TypeError):
        return None
    return entry if holds("anchor", fields, entry.get("sig")) else None
