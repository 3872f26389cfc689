"""A person's timeline read in one statement: each area's entries in a shared column layout.

Every kind of entry (outreach, attempts, tips, status changes, reviews, notices, validations)
is a SELECT of the same columns — kind, id, at, who, and a few generic slots — so that the
areas' selects join in one UNION ALL. Each area names which of its fields sit in which slot;
`decode` turns a row back into the entry dict the pages and the API show.
"""

from sqlalchemy import (
    Boolean,
    ColumnElement,
    Date,
    DateTime,
    Float,
    Integer,
    Select,
    String,
    Text,
    cast,
    func,
    literal,
    null,
    select,
    type_coerce,
)
from sqlalchemy.orm import aliased

from wanted.auth.models import User

# The generic slots and their types; a kind leaves the slots it does not use NULL.
SLOTS = {"t1": Text, "t2": Text, "t3": Text, "t4": Text, "t5": Text, "d1": Date,
         "b1": Boolean, "n1": Integer, "n2": Integer, "f1": Float, "w1": DateTime}


def who(user) -> tuple[ColumnElement, ColumnElement]:
    """Return the username and the display name of a (possibly outer-joined) user."""
    return user.username, func.coalesce(func.nullif(user.full_name, ""), user.username, "")


def entry_select(kind: str, entry_id, at, user, source, fields: dict[str, ColumnElement],
                 *conditions) -> Select:
    """Build one kind's SELECT in the shared layout; `fields` maps slot names to columns."""
    by, by_name = who(user)
    columns = [literal(kind, String).label("kind"), type_coerce(entry_id, Integer).label("id"),
               type_coerce(at, DateTime).label("at"), by.label("by"),
               by_name.label("by_name")]
    for slot, slot_type in SLOTS.items():
        value = fields.get(slot)
        # A NULL is typed in SQL (PostgreSQL resolves a UNION's types pair by pair); a column
        # is only typed for reading back (SQLite's CAST would turn '2025-03-15' into 2025).
        columns.append((cast(null(), slot_type) if value is None
                        else type_coerce(value, slot_type)).label(slot))
    return select(*columns).select_from(source).where(*conditions)


def user_alias():
    """Return a fresh alias of the users table (one per joined role)."""
    return aliased(User)


def decode(row, keys: dict[str, str]) -> dict:
    """Turn a row into an entry: kind, id, at, by, by_name, then the kind's named slots."""
    entry = {"kind": row.kind, "id": row.id, "at": row.at, "by": row.by,
             "by_name": row.by_name or ""}
    for key, slot in keys.items():
        entry[key] = getattr(row, slot)
    return entry
