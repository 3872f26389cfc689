"""Pages of the pursuit area."""

from flask import Blueprint

bp = Blueprint("pursuit", __name__)
