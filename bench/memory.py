"""Memory and start-up time of a web worker and of a search worker at 100k and 1M faces.

    .venv/bin/python bench/memory.py [--sizes 100000 1000000]

Each figure comes from a fresh process, as in production:
- web worker: `create_app()` in production mode with searches queued, after serving a page;
  it never builds or loads the gallery (duplicate checks are answered by search workers);
- builder: synthetic face-like encodings (bench/matching.py's generator) indexed the way the
  app does (exact up to GALLERY_APPROX_THRESHOLD, FAISS IVF above) and saved as a snapshot;
- search worker: `create_app()`, then the snapshot loaded as the app loads it (memory-mapped)
  and one search: "ready" is the start-up time. Then every mapped page of the gallery is read,
  as a long-running worker ends up doing, and the figures are taken again ("warm"). Two such
  workers run at once and are measured while both hold the whole gallery, to show what they
  share.
Read from /proc: RSS (every page the process has, shared ones in full), PSS (each page divided
by the number of processes mapping it: the fair share, which adds up across processes), shared
(pages some other process maps too), anonymous (private heap) and peak RSS (VmHWM). The
encodings are synthetic, so no database is needed: what the gallery holds does not depend on
where the rows came from.
"""

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))


def memory() -> dict[str, float]:
    """Return this process's RSS, PSS, shared, anonymous and peak RSS in MB."""
    status = Path("/proc/self/status").read_text()
    rollup = Path("/proc/self/smaps_rollup").read_text()

    def field(text: str, name: str) -> float:
        line = next(line for line in text.splitlines() if line.startswith(name + ":"))
        return int(line.split()[1]) / 1024

    return {"rss": field(status, "VmRSS"), "pss": field(rollup, "Pss"),
            "shared": field(rollup, "Shared_Clean") + field(rollup, "Shared_Dirty"),
            "anon": field(rollup, "Anonymous"), "peak": field(status, "VmHWM")}


def web_worker() -> dict:
    """Create the app as a production web worker and serve the sign-in page."""
    started = time.monotonic()
    from wanted import create_app

    app = create_app({"SECRET_KEY": "bench", "REDIS_URL": "redis://127.0.0.1:6379/15"})
    app.test_client().get("/login")
    return {"start_s": time.monotonic() - started, **memory()}


def builder(size: int, directory: str) -> dict:
    """Index `size` synthetic faces as the app would and save the snapshot."""
    import numpy as np

    from bench.matching import synthetic
    from wanted.matching.gallery import DEFAULT_APPROX_THRESHOLD, Gallery

    encodings, owners, _photos = synthetic(size, np.random.default_rng(size))
    started = time.monotonic()
    gallery = Gallery(DEFAULT_APPROX_THRESHOLD)
    gallery.build(zip(range(size), owners.tolist(), encodings, strict=True))
    built = time.monotonic() - started
    gallery.save(Path(directory))
    return {"build_s": built, "approximate": gallery.is_approximate, **memory()}


def search_worker(directory: str, sync: str, number: int) -> dict:
    """Start like `flask faces worker`: the app, then the saved gallery, then one search."""
    import numpy as np

    started = time.monotonic()
    from wanted import create_app
    from wanted.matching.gallery import Gallery

    create_app({"SECRET_KEY": "bench"})
    app_ready = time.monotonic() - started
    before = memory()
    gallery = Gallery()
    gallery.load(Path(directory))
    gallery.search(np.zeros(128, np.float32) + 0.1, k=5, max_distance=2.0)
    ready = time.monotonic() - started
    first = memory()
    touch_every_page(gallery)
    meet(Path(sync), "warm", number)  # both workers hold the whole gallery now
    warm = memory()
    meet(Path(sync), "measured", number)
    return {"app_s": app_ready, "start_s": ready, "load_s": ready - app_ready,
            "app_rss": before["rss"], "first": first, "warm": warm}


def touch_every_page(gallery) -> None:
    """Read every page of the gallery's arrays and index, as searches over time do."""
    import faiss
    import numpy as np

    from wanted.matching.gallery import _ExactIndex, _IvfIndex

    main = gallery._parts[0]
    total = float(main.face_ids.sum() + main.person_ids.sum())
    if isinstance(main.index, _ExactIndex):
        total += float(main.index.encodings.sum())
    elif isinstance(main.index, _IvfIndex):
        refine = faiss.downcast_index(faiss.downcast_index(main.index.index).refine_index)
        total += float(faiss.rev_swig_ptr(refine.get_xb(), refine.ntotal * refine.d).sum())
    assert np.isfinite(total)


def meet(sync: Path, stage: str, number: int, count: int = 2) -> None:
    """Wait (at most 10 minutes) until `count` workers have reached this stage."""
    (sync / f"{stage}-{number}").touch()
    deadline = time.monotonic() + 600
    while len(list(sync.glob(f"{stage}-*"))) < count and time.monotonic() < deadline:
        time.sleep(0.05)


def run(role: str, *args: str) -> subprocess.Popen:
    env = {**os.environ, "WANTED_ENV": "production", "PYTHONPATH": str(REPO),
           "WANTED_AUDIT_KEY": "bench", "WANTED_AUDIT_ANCHOR_DIR": tempfile.mkdtemp()}
    return subprocess.Popen([sys.executable, __file__, "--role", role, *args],  # noqa: S603
                            stdout=subprocess.PIPE, text=True, env=env)


def result(process: subprocess.Popen) -> dict:
    out, _ = process.communicate(timeout=1800)
    return json.loads(out.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[100_000, 1_000_000])
    parser.add_argument("--role")
    parser.add_argument("--args", nargs="*", default=[])
    args = parser.parse_args()
    if args.role:
        roles = {"web": web_worker, "builder": builder, "search": search_worker}
        values = [int(a) if a.isdigit() else a for a in args.args]
        print(json.dumps(roles[args.role](*values)))
        return
    print(f"load average: {' '.join(f'{v:.2f}' for v in os.getloadavg())}")
    web = result(run("web"))
    print(f"web worker (no gallery): start {web['start_s']:.1f} s; {figures(web)}")
    for size in args.sizes:
        directory = Path(tempfile.mkdtemp(prefix="wanted-gallery-")) / "v1"
        built = result(run("builder", "--args", str(size), str(directory)))
        kind = "FAISS IVF" if built["approximate"] else "exact"
        files = sum(p.stat().st_size for p in directory.iterdir()) / 2**20
        print(f"\n{size:,} faces ({kind}): built in {built['build_s']:.1f} s by a process "
              f"peaking at {built['peak']:.0f} MB; snapshot {files:.0f} MB")
        sync = tempfile.mkdtemp(prefix="wanted-sync-")
        workers = [run("search", "--args", str(directory), sync, str(number))
                   for number in (1, 2)]
        for number, worker in enumerate(workers, start=1):
            got = result(worker)
            print(f"  search worker {number}: app {got['app_s']:.1f} s, gallery loaded and "
                  f"searched in {got['load_s']:.2f} s (ready {got['start_s']:.1f} s after "
                  f"start); RSS {got['app_rss']:.0f} MB before the gallery")
            print(f"    after the first search: {figures(got['first'])}")
            print(f"    warm, both workers holding the whole gallery: {figures(got['warm'])}")
        shutil.rmtree(directory.parent, ignore_errors=True)
        shutil.rmtree(sync, ignore_errors=True)


def figures(got: dict) -> str:
    return (f"RSS {got['rss']:.0f} MB, PSS {got['pss']:.0f} MB, shared {got['shared']:.0f} MB, "
            f"anonymous {got['anon']:.0f} MB, peak {got['peak']:.0f} MB")


if __name__ == "__main__":
    main()
