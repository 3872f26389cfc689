"""The CPU floor under every signed-in page, against the person page itself, in-process.

    .venv/bin/python bench/floor.py [--requests 500] [--rounds 3] [--database URL]

A page's CPU caps what a core serves: 2 cores at 300 person pages a second leave about 6.6 ms
for everything one page does, in Python and in PostgreSQL together. This bench measures what
is spent before a page does anything of its own, with Flask's test client in one process (as
bench/pages.py does, signed in as the officer pc02.cb1 with demo data on a scratch PostgreSQL
database), by adding three routes to the app in this process only:

- "signed in, empty answer": the request, the server-side session, the user, the security
  headers, answering "ok";
- "+ an audit event committed": the same plus what every page view adds, an event appended to
  the audit chain and committed;
- "+ the layout": the same plus the base layout (menu, language switch, the hit banner with
  its query) around an empty page, from a template compiled once;
then the person page itself. Each figure is the lowest of `--rounds` runs of `--requests`
requests (time.process_time()), with the pages a second that two cores could give at that cost
if nothing else ran (PostgreSQL's own CPU, gunicorn's HTTP handling and the OS are not in it).
"""

import os
import sys
import tempfile
from pathlib import Path

BENCH = Path(__file__).resolve().parent
sys.path.insert(0, str(BENCH))
sys.path.insert(0, str(BENCH.parent))

import pages  # noqa: E402

CORES = 2


def main() -> None:
    args = pages.arguments(__doc__, requests=500).parse_args()
    work = Path(tempfile.mkdtemp(prefix="wanted-floor-"))
    database, drop = args.database, None
    if database is None:
        database, drop = pages.scratch_database(work, args.persons)
    try:
        os.environ.update(pages.settings(database, work))
        print(f"load average before: {pages.load()}")
        figures = measure(args.requests, args.rounds, args.persons)
        print(f"load average after: {pages.load()}")
    finally:
        if drop:
            drop()
    print(f"lowest CPU ms per request of {args.rounds} rounds, {args.requests} requests each")
    for name, ms in figures.items():
        print(f"{name:36}{ms:8.2f} ms   at most {CORES * 1000 / ms:5.0f} a second on {CORES} "
              "cores")


def measure(requests: int, rounds: int, persons: int) -> dict[str, float]:
    """Return the lowest CPU ms per request of each route."""
    from flask import render_template

    from wanted import create_app
    from wanted.audit import services as audit
    from wanted.extensions import commit_for_reading

    app = create_app()
    layout = app.jinja_env.from_string(
        '{% extends "base.html" %}{% block content %}<p>x</p>{% endblock %}')

    def viewed(n: int) -> None:
        audit.record("person.view", object_type="person", object_id=n)
        commit_for_reading()

    @app.route("/_bench/empty/<int:n>")
    def empty(n: int) -> str:
        return "ok"

    @app.route("/_bench/audited/<int:n>")
    def audited(n: int) -> str:
        viewed(n)
        return "ok"

    @app.route("/_bench/layout/<int:n>")
    def with_layout(n: int) -> str:
        viewed(n)
        return render_template(layout)

    routes = {"signed in, empty answer": "/_bench/empty/{}",
              "+ an audit event committed": "/_bench/audited/{}",
              "+ the layout": "/_bench/layout/{}",
              "person page": "/persons/{}"}
    client = pages.signed_in(app, "pc02.cb1")
    best: dict[str, float] = {}
    for _ in range(rounds):
        for name, path in routes.items():
            ms = pages.cpu_ms(client, lambda i, n, path=path: path.format(i % n + 1), requests,
                              persons)
            best[name] = min(ms, best.get(name, ms))
    return best


if __name__ == "__main__":
    main()
