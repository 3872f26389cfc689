"""Start-up time and memory of the intranet app and the public portal, and of the first face.

    .venv/bin/python bench/startup.py [--runs 5]

Each figure comes from a fresh Python process, as a gunicorn worker starts: the clock starts
before `import wanted`, then `create_app()` (or `create_public_app()`) in production mode with
searches queued, then one page served (the sign-in page; the portal's tip-status form). Printed:
the median over the runs of the wall-clock time and of the CPU time (user + system; on a
shared, loaded machine the CPU time is the steadier figure), the RSS after the page, and which
heavy libraries the process holds. Then, in other fresh processes, the first face operation
(finding the faces of one photo) after the app is created: with lazy loading this is where the
dlib models are read.
"""

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
HEAVY = ("face_recognition", "dlib", "zxcvbn", "alembic", "openpyxl", "faiss", "psycopg")
PHOTO = REPO / "tests" / "data" / "faces"


def rss_mb() -> float:
    """Return this process's resident set size in MB."""
    line = next(line for line in Path("/proc/self/status").read_text().splitlines()
                if line.startswith("VmRSS:"))
    return int(line.split()[1]) / 1024


def cpu_s() -> float:
    times = os.times()
    return times.user + times.system


def start(role: str) -> dict:
    """Create the app of `role` as a production worker does, serve one page, report figures."""
    wall, cpu = time.perf_counter(), cpu_s()
    import wanted

    config = {"SECRET_KEY": "bench", "REDIS_URL": "redis://127.0.0.1:6379/15"}
    if role == "public":
        app, page = wanted.create_public_app(config), "/status"
    else:
        app, page = wanted.create_app(config), "/login"
    created = {"create_s": time.perf_counter() - wall, "create_cpu_s": cpu_s() - cpu}
    status = app.test_client().get(page).status_code
    figures = {**created, "status": status, "rss": rss_mb(),
               "loaded": [name for name in HEAVY if name in sys.modules]}
    if role == "face":
        from wanted.matching import engine

        photo = next(PHOTO.rglob("*.jpg"))
        wall, cpu = time.perf_counter(), cpu_s()
        with app.app_context():
            faces = engine.find_faces(engine.load_rgb(photo))
        figures.update(face_s=time.perf_counter() - wall, face_cpu_s=cpu_s() - cpu,
                       faces=len(faces), face_rss=rss_mb(),
                       face_loaded=[name for name in HEAVY if name in sys.modules])
    return figures


def run(role: str) -> dict:
    env = {**os.environ, "WANTED_ENV": "production", "PYTHONPATH": str(REPO),
           "WANTED_AUDIT_KEY": "bench", "WANTED_AUDIT_ANCHOR_DIR": tempfile.mkdtemp()}
    out = subprocess.run([sys.executable, __file__, "--role", role],  # noqa: S603
                         capture_output=True, text=True, env=env, check=True, timeout=600).stdout
    return json.loads(out.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--role")
    args = parser.parse_args()
    if args.role:
        print(json.dumps(start(args.role)))
        return
    print(f"load average: {' '.join(f'{v:.2f}' for v in os.getloadavg())}")
    for role, label in (("intranet", "create_app()"), ("public", "create_public_app()"),
                        ("face", "create_app() + first face")):
        got = [run(role) for _ in range(args.runs)]
        median = {key: statistics.median(g[key] for g in got)
                  for key in ("create_s", "create_cpu_s", "rss")}
        print(f"{label}: median of {args.runs} fresh processes {median['create_s']:.2f} s "
              f"wall ({min(g['create_s'] for g in got):.2f}–"
              f"{max(g['create_s'] for g in got):.2f}), {median['create_cpu_s']:.2f} s CPU; "
              f"RSS after a page {median['rss']:.0f} MB (HTTP {got[0]['status']}); "
              f"loaded: {', '.join(got[0]['loaded']) or 'none of ' + ', '.join(HEAVY)}")
        if role == "face":
            face = {key: statistics.median(g[key] for g in got)
                    for key in ("face_s", "face_cpu_s", "face_rss")}
            print(f"  first face operation ({got[0]['faces']} face): {face['face_s']:.2f} s "
                  f"wall, {face['face_cpu_s']:.2f} s CPU; RSS then {face['face_rss']:.0f} MB; "
                  f"loaded: {', '.join(got[0]['face_loaded'])}")


if __name__ == "__main__":
    main()
