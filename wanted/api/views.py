"""The JSON API: one blueprint, its routes grouped by area in sibling modules."""

from wanted.api import audit, openapi, persons  # noqa: F401 - their routes register on the blueprint
from wanted.api.core import bp

__all__ = ["bp"]
