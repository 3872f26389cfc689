"""CPU per request of the person page, registry search, dashboard and API person, in-process.

    .venv/bin/python bench/pages.py [--requests 200] [--rounds 3] [--persons 300]
                                    [--database URL] [--against REV] [--dump DIR]

The pages are served by Flask's test client in a fresh process per run (no HTTP server, no
other process in the way) and timed with time.process_time(): the figure is the CPU one
process spends on a page, which is what caps the requests per second of a worker. Each route
is asked `--requests` times per language (Vietnamese, English) as the officer pc02.cb1, after
20 unmeasured requests; person pages cycle through ids 1..`--persons`, searches through the
names load.lua uses. The dashboard is also asked as the province supervisor (chihuy: every
unit, the most figures), and the API's person (`GET /api/v1/persons/<id>`, JSON, so once, not
per language) with a bearer token of pc02.cb1 made in-process. Each run is repeated
`--rounds` times, and the lowest figure of each route is printed (other work on the same cores
only ever adds to it), with the load average.

The database is a scratch PostgreSQL database created on WANTED_BENCH_PG (default
postgresql://127.0.0.1:5432/test), loaded with `flask demo seed --persons N` and dropped at
the end; `--database URL` uses an existing demo database instead (page views add audit events).

`--against REV` also runs the code of a git revision (exported with `git archive`) on the same
database, alternating old and new run by run, and compares the pages both render: the person
pages of every status, in both languages, for an officer, a unit supervisor and the province
supervisor, and the form pages each of them may open (new person, face search, campaign,
account), the dashboard (whole, for a unit below, a period and a campaign) and its CSV tables,
the API's persons and figures (`/api/v1/stats`) as each of them sees them, and registry
searches (every filter and sort, later pages, refused filters), byte for byte once CSRF tokens,
CSP nonces, the "now" prefilled in the log forms' time fields and the hit banner's waiting times
are blanked out. `--dump DIR` keeps those pages (DIR/REV, DIR/worktree).
"""

import argparse
import difflib
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
PG_ADMIN_URL = os.environ.get("WANTED_BENCH_PG", "postgresql://127.0.0.1:5432/test")
DEMO_PASSWORD = "demo-password-2026"
QUERIES = ("nguyen", "van", "thi", "tran", "le hoang", "pham", "hung", "minh", "dinh", "ngo")
ROUTES = {"person page": lambda i, persons: f"/persons/{i % persons + 1}",
          "registry search": lambda i, persons: f"/?q={QUERIES[i % len(QUERIES)]}",
          "dashboard": lambda i, persons: "/dashboard"}
PROVINCE = "chihuy"  # the province supervisor: the dashboard with every unit's figures
SAMPLE_USERS = ("pc02.cb1", "pc02.gs", "chihuy")  # officer, unit supervisor, province
SAMPLE_PER_STATUS = 3
SAMPLE_FORMS = ("/persons/new", "/matches/new", "/campaigns/new", "/account")  # when allowed
# Registry searches: words common and rare, every filter and sort, later pages, a page past the
# last, no match, and refused filters (422).
SAMPLE_SEARCHES = ("/", "/?q=nguyen", "/?q=nguyen&page=2", "/?q=van&sort=-born", "/?q=le+hoang",
                   "/?q=thi&status=wanted&sort=newest", "/?status=arrested&sort=oldest",
                   "/?danger_class=special&sort=updated", "/?charge_category=drugs&sort=quiet",
                   "/?born_from=1980&born_to=1990&sort=born", "/?unit=BS-PC02&sort=-name",
                   "/?unit=BS-DT&q=tran&page=9", "/?q=zzzz", "/?born_from=abc&q=van",
                   "/?unit=NOPE")
# The dashboard as a whole, for a unit below the province, over a period, and for a campaign
# ({campaign}: the first one), with the tables it exports; the API's figures likewise.
SAMPLE_DASHBOARDS = ("/dashboard", "/dashboard?unit=BS-PC02",
                     "/dashboard?from=2025-06-01&to=2026-10-31",
                     "/dashboard?campaign={campaign}", "/dashboard/quiet.csv",
                     "/dashboard/officers.csv", "/dashboard/units.csv", "/dashboard/weekly.csv",
                     "/dashboard/campaigns.csv")
SAMPLE_STATS = ("/api/v1/stats", "/api/v1/stats?unit=BS-PC02",
                "/api/v1/stats?from=2025-06-01&to=2026-10-31", "/api/v1/stats?campaign={campaign}")
# Parts of a page that differ on every render, blanked out before pages are compared.
VOLATILE = (re.compile(r'(name="csrf_token"[^>]*? value=")[^"]*'),
            re.compile(r'(nonce=")[^"]*'),
            re.compile(r'(type="datetime-local" value=")[^"]*'),
            re.compile(r'((?:waiting|đã chờ) )[^<]*'))  # the hit banner's running clock


def arguments(doc: str, requests: int) -> argparse.ArgumentParser:
    """Return the options this bench and bench/floor.py share: requests per route, rounds,
    persons in the scratch database, or an existing database."""
    parser = argparse.ArgumentParser(description=doc.splitlines()[0])
    parser.add_argument("--requests", type=int, default=requests)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--persons", type=int, default=300)
    parser.add_argument("--database", help="an existing demo database (SQLAlchemy URL)")
    return parser


def main() -> None:
    parser = arguments(__doc__, requests=200)
    parser.add_argument("--against", metavar="REV", help="also run this revision and compare")
    parser.add_argument("--dump", type=Path, help="keep the compared pages here")
    parser.add_argument("--serve", help=argparse.SUPPRESS)  # internal: one run, JSON out
    args = parser.parse_args()
    if args.serve:
        print(json.dumps(serve(Path(args.serve), args.database, args.requests, args.persons,
                               args.dump)))
        return
    work = Path(tempfile.mkdtemp(prefix="wanted-pages-"))
    try:
        database, drop = args.database, None
        if database is None:
            database, drop = scratch_database(work, args.persons)
        trees = {"worktree": REPO}
        if args.against:
            trees = {args.against: export(args.against, work), **trees}
        compare(trees, database, work, args)
    finally:
        if drop:
            drop()
        shutil.rmtree(work, ignore_errors=True)


def scratch_database(work: Path, persons: int) -> tuple[str, object]:
    """Create and seed a scratch PostgreSQL database; return its URL and how to drop it."""
    import psycopg

    name = f"wanted_pages_{uuid.uuid4().hex[:8]}"
    with psycopg.connect(PG_ADMIN_URL, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')

    def drop() -> None:
        with psycopg.connect(PG_ADMIN_URL, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')

    url = PG_ADMIN_URL.replace("postgresql://", "postgresql+psycopg://").rsplit("/", 1)[0]
    url += f"/{name}"
    env = settings(url, work) | {"WANTED_FACE_ENROL_JITTERS": "1"}
    for command in (["db", "upgrade"], ["demo", "seed", "--persons", str(persons)]):
        done = subprocess.run([str(Path(sys.executable).parent / "flask"), "--app", "wanted",  # noqa: S603
                               *command], env=env, cwd=REPO, capture_output=True, text=True,
                              check=False)
        if done.returncode:
            drop()
            raise SystemExit(f"flask {' '.join(command)} failed:\n{done.stderr[-3000:]}")
    return url, drop


def settings(database: str, work: Path) -> dict[str, str]:
    """Return the environment of a run on the given database."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("WANTED_")}
    return env | {"WANTED_ENV": "development", "WANTED_DATABASE_URL": database,
                  "WANTED_STORAGE_DIR": str(work / "photos"),
                  "WANTED_AUDIT_ANCHOR_DIR": str(work / "anchors"),
                  "WANTED_SECRET_KEY": "bench-pages"}


def export(revision: str, work: Path) -> Path:
    """Write the files of a git revision to a folder; return it."""
    tree = work / "tree"
    tree.mkdir()
    archive = subprocess.run(["git", "-C", str(REPO), "archive", revision],  # noqa: S603, S607
                             capture_output=True, check=True).stdout
    subprocess.run(["tar", "-x", "-C", str(tree)], input=archive, check=True)  # noqa: S603, S607
    subprocess.run([str(Path(sys.executable).parent / "pybabel"), "-q", "compile", "-d",  # noqa: S603
                    str(tree / "wanted" / "translations")], check=True)  # .mo files are untracked
    return tree


def compare(trees: dict[str, Path], database: str, work: Path, args) -> None:
    """Run each tree `--rounds` times, alternating; print the figures and compare the pages."""
    best: dict[str, dict] = {}
    pages: dict[str, dict] = {}
    print(f"load average before: {load()}")
    for round_ in range(args.rounds):
        for name, tree in trees.items():
            dump = work / "pages" / name if round_ == 0 and len(trees) > 1 else None
            result = run(tree, database, work, args.requests, args.persons, dump)
            for key, ms in result["cpu_ms"].items():
                best.setdefault(name, {})[key] = min(ms, best.get(name, {}).get(key, ms))
            if dump:
                pages[name] = result["pages"]
    print(f"load average after: {load()}")
    print(f"lowest CPU ms per request of {args.rounds} rounds, {args.requests} requests each")
    keys = list(next(iter(best.values())))
    print(f"{'':26}" + "".join(f"{name[:14]:>16}" for name in best))
    for key in keys:
        print(f"{key:26}" + "".join(f"{best[name][key]:16.2f}" for name in best))
    if len(trees) > 1:
        same_pages(work / "pages", list(trees), pages, args.dump)


def run(tree: Path, database: str, work: Path, requests: int, persons: int,
        dump: Path | None) -> dict:
    """Serve the pages with one tree's code in a fresh process; return its figures."""
    command = [sys.executable, str(Path(__file__).resolve()), "--serve", str(tree),
               "--database", database, "--requests", str(requests), "--persons", str(persons)]
    if dump:
        command += ["--dump", str(dump)]
    done = subprocess.run(command, env=settings(database, work), cwd=tree,  # noqa: S603
                          capture_output=True, text=True, check=False)
    if done.returncode:
        raise SystemExit(f"the run of {tree} failed:\n{done.stderr[-3000:]}")
    return json.loads(done.stdout.strip().splitlines()[-1])


def same_pages(folder: Path, names: list[str], pages: dict[str, dict], keep: Path | None) -> None:
    """Print whether two runs rendered the same sample pages; keep them if asked."""
    old, new = names
    differ = [page for page in pages[new] if pages[old].get(page) != pages[new][page]]
    print(f"{len(pages[new])} sample pages compared ({len(set(pages[new].values()))} distinct):"
          f" {len(differ)} differ")
    for page in differ[:3]:
        before = (folder / old / page).read_text().splitlines()
        after = (folder / new / page).read_text().splitlines()
        print("\n".join(list(difflib.unified_diff(before, after, f"{old}/{page}",
                                                  f"{new}/{page}", lineterm=""))[:40]))
    if keep:
        shutil.copytree(folder, keep, dirs_exist_ok=True)
    if differ:
        raise SystemExit(1)


def load() -> str:
    """Return the machine's load average over 1, 5 and 15 minutes."""
    return " ".join(f"{value:.2f}" for value in os.getloadavg())


# Below: one run, in its own process, with the code of the tree it was started in.

def serve(tree: Path, database: str, requests: int, persons: int, dump: Path | None) -> dict:
    """Time each route in both languages; render the sample pages into `dump`."""
    sys.path.insert(0, str(tree))
    from wanted import create_app

    app = create_app()
    figures = {}
    client, province = signed_in(app, "pc02.cb1"), signed_in(app, PROVINCE)
    for lang in ("vi", "en"):
        for each in (client, province):
            with each.session_transaction() as session:
                session["lang"] = lang
        for route, path in ROUTES.items():
            figures[f"{route} ({lang})"] = cpu_ms(client, path, requests, persons)
        figures[f"dashboard, province ({lang})"] = cpu_ms(province, ROUTES["dashboard"],
                                                          requests, persons)
    figures["API person"] = cpu_ms(app.test_client(), api_person, requests, persons,
                                   bearer(app, "pc02.cb1"))
    return {"cpu_ms": figures, "pages": sample_pages(app, dump) if dump else {}}


def signed_in(app, username: str):
    """Return a test client signed in as a demo user."""
    client = app.test_client()
    form = client.get("/login").get_data(as_text=True)
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', form)
    answer = client.post("/login", data={"username": username, "password": DEMO_PASSWORD,
                                         "csrf_token": token.group(1) if token else ""})
    if answer.status_code != 302:
        raise SystemExit(f"signing in as {username} failed: {answer.status_code}")
    return client


def api_person(i: int, persons: int) -> str:
    """Return the API path of the i-th person asked for, cycling through the first `persons`."""
    return f"/api/v1/persons/{i % persons + 1}"


def bearer(app, username: str) -> dict[str, str]:
    """Return the Authorization header of a new API token of a demo user."""
    from wanted.auth import services as auth
    from wanted.extensions import db

    with app.app_context():
        token = auth.issue_token(auth.user_by_username(username))
        db.session.commit()
    return {"Authorization": f"Bearer {token}"}


def cpu_ms(client, path, requests: int, persons: int, headers: dict | None = None) -> float:
    """Return the CPU milliseconds per request of a route, after a warm-up."""
    for i in range(20):
        client.get(path(i, persons), headers=headers)
    started = time.process_time()
    for i in range(requests):
        answer = client.get(path(i, persons), headers=headers)
        if answer.status_code != 200:
            raise SystemExit(f"{path(i, persons)} answered {answer.status_code}")
    return (time.process_time() - started) * 1000 / requests


def page_name(path: str) -> str:
    """Name the file a sample page is kept in after its path and query."""
    return re.sub(r"[^A-Za-z0-9.]+", "-", path.strip("/"))


def answered(client, path: str, headers: dict | None = None) -> str:
    """Return the body of a sample page (with its ETag, if any), which must answer 200."""
    answer = client.get(path, headers=headers)
    if answer.status_code != 200:
        raise SystemExit(f"{path} answered {answer.status_code}")
    etag = answer.headers.get("ETag")
    return answer.get_data(as_text=True) + (f"\nETag: {etag}" if etag else "")


def sample_pages(app, dump: Path) -> dict[str, str]:
    """Render the sample person pages and form pages; write them to `dump`; return digests."""
    import hashlib

    from sqlalchemy import text

    from wanted.extensions import db

    with app.app_context():
        rows = db.session.execute(text("SELECT id, status FROM wanted_persons ORDER BY id")).all()
        campaign = db.session.scalar(text("SELECT min(id) FROM campaigns"))
    sample: dict[str, list[int]] = {}
    for person_id, status in rows:
        if len(sample.setdefault(status, [])) < SAMPLE_PER_STATUS:
            sample[status].append(person_id)
    dump.mkdir(parents=True, exist_ok=True)
    pages = {}
    for username in SAMPLE_USERS:
        client = signed_in(app, username)
        for lang in ("vi", "en"):
            client.get(f"/lang/{lang}")
            for status, ids in sorted(sample.items()):
                for person_id in ids:
                    html = client.get(f"/persons/{person_id}").get_data(as_text=True)
                    if f'<html lang="{lang}">' not in html:
                        raise SystemExit(f"/persons/{person_id} is not in {lang}")
                    pages[f"{username}-{lang}-{status}-{person_id}.html"] = html
            for path in SAMPLE_FORMS:
                answer = client.get(path)
                if answer.status_code == 200:
                    pages[f"{username}-{lang}{path.replace('/', '-')}.html"] = answer.get_data(
                        as_text=True)
            for number, path in enumerate(SAMPLE_SEARCHES):
                answer = client.get(path)
                pages[f"{username}-{lang}-search-{number:02d}-{answer.status_code}.html"] = (
                    answer.get_data(as_text=True))
            for path in (path.format(campaign=campaign) for path in SAMPLE_DASHBOARDS):
                suffix = "" if path.endswith(".csv") else ".html"
                pages[f"{username}-{lang}-{page_name(path)}{suffix}"] = answered(client, path)
        api, headers = app.test_client(), bearer(app, username)
        for path in [f"/api/v1/persons/{i}" for ids in sample.values() for i in ids] + [
                path.format(campaign=campaign) for path in SAMPLE_STATS]:
            pages[f"{username}-{page_name(path)}.json"] = answered(api, path, headers)
    digests = {}
    for name, html in pages.items():
        for pattern in VOLATILE:
            html = pattern.sub(r"\1", html)
        (dump / name).write_text(html)
        digests[name] = hashlib.sha256(html.encode()).hexdigest()
    return digests


if __name__ == "__main__":
    main()
