"""The JSON API: one blueprint, its routes grouped by area in sibling modules."""

from wanted.api import (  # noqa: F401 - importing a module registers its routes
    audit,
    matching,
    openapi,
    oversight,
    persons,
    publication,
    pursuit,
)
from wanted.api.core import bp

__all__ = ["bp"]
