"""The audit key (never stored in the database) and the canonical form of what it signs."""

import hashlib
import hmac
import json

from flask import current_app


def subkey(purpose: str) -> bytes:
    """Derive the key of one use (chain, anchors, verification state) from the audit key."""
    master = current_app.config["AUDIT_KEY"].encode()
    return hmac.new(master, f"wanted-audit-{purpose}-v1".encode(), hashlib.sha256).digest()


def canonical(values: object) -> bytes:
    """Serialise values the same way on every database and platform."""
    return json.dumps(values, sort_keys=True, ensure_ascii=False, separators=(",", ":"),
                      default=str).encode()


def seal(purpose: str, values: object) -> str:
    """Return the HMAC of `values` under the key of `purpose`."""
    return hmac.new(subkey(purpose), canonical(values), hashlib.sha256).hexdigest()


def holds(purpose: str, values: object, signature: object) -> bool:
    """Tell whether `signature` is the seal of `values` (in constant time)."""
    return isinstance(signature, str) and hmac.compare_digest(signature, seal(purpose, values))
