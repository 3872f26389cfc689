"""Pages of the oversight area."""

from flask import Blueprint

bp = Blueprint("oversight", __name__)
