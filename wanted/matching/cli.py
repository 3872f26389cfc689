"""The `faces` command group: bulk enrolment and gallery rebuild."""

from flask.cli import AppGroup

faces_cli = AppGroup("faces", help="Face photos and the matching gallery.")
