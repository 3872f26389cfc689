"""Alembic environment: runs on the connection `flask db upgrade` hands over, or the app's."""

from alembic import context

from wanted import models  # noqa: F401 - loads every table into the metadata
from wanted.extensions import db

config = context.config


def run_on(connection) -> None:
    """Run the migrations on an open connection."""
    context.configure(connection=connection, target_metadata=db.metadata,
                      render_as_batch=True, compare_type=True)
    with context.begin_transaction():
        context.run_migrations()


connection = config.attributes.get("connection")
if connection is not None:
    run_on(connection)
else:
    from wanted import create_app

    with create_app().app_context(), db.engine.begin() as conn:
        run_on(conn)
