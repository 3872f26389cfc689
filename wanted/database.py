"""Engine-level settings: SQLite in WAL mode with a busy timeout and write-locking transactions;
psycopg's conversion of long statements kept."""

import sqlite3

from sqlalchemy import event
from sqlalchemy.engine import Engine

# psycopg parses a statement's %(name)s placeholders again on every execution unless the
# statement is at most this long (4 KB by default); the person page's timeline, a UNION of nine
# selects (about 7 KB), is read on every view, and parsing it took 0.4 ms of the page's CPU.
# The cache keeps the 128 statements last run.
PSYCOPG_CACHED_STATEMENT_LENGTH = 16384


@event.listens_for(Engine, "connect")
def _keep_long_statements_converted(dbapi_connection, _record) -> None:
    # Set on PostgreSQL's first connection, so that SQLite, the embedded default, never pays
    # for importing psycopg (about 0.3 s of start-up).
    if type(dbapi_connection).__module__.startswith("psycopg"):
        from psycopg import _queries

        _queries.MAX_CACHED_STATEMENT_LENGTH = PSYCOPG_CACHED_STATEMENT_LENGTH


@event.listens_for(Engine, "connect")
def _configure_sqlite(dbapi_connection, _record) -> None:
    if not isinstance(dbapi_connection, sqlite3.Connection):
        return
    # Let SQLAlchemy's "begin" event open the transaction (see below).
    dbapi_connection.isolation_level = None
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA busy_timeout=10000")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.close()


@event.listens_for(Engine, "begin")
def _begin_immediate(connection) -> None:
    # Nearly every request writes (audit), and a WAL reader that later writes fails at once
    # if another writer committed meanwhile; taking the write lock up front makes it wait instead.
    if connection.dialect.name == "sqlite":
        connection.exec_driver_sql("BEGIN IMMEDIATE")
