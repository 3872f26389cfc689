"""A web process starts without the heavy libraries it may never need; they load on first use.

Importing face_recognition reads dlib's models, most of the start-up time and memory of a
process; zxcvbn, Alembic, openpyxl and FAISS add more, and psycopg, PostgreSQL's driver, is
nothing SQLite needs. A web worker that only serves pages, and
the public portal, must not load them; the first face operation, password check, XLSX export
or migration does. Each case runs in a fresh Python process, as a gunicorn worker starts.
"""

import json
import subprocess
import sys
import textwrap

import pytest

from tests.conftest import FACES
from tests.stack.processes import REPO, stack_env

HEAVY = ["face_recognition", "dlib", "zxcvbn", "alembic", "openpyxl", "faiss", "psycopg"]


def fresh_process(code: str, tmp_path) -> dict:
    """Run `code` in a new production-mode Python process; return the JSON it prints last."""
    env = stack_env(WANTED_ENV="production", WANTED_AUDIT_KEY="test",
                    WANTED_SECRET_KEY="test", WANTED_REDIS_URL="redis://127.0.0.1:6379/15",
                    WANTED_AUDIT_ANCHOR_DIR=str(tmp_path / "anchors"),
                    WANTED_STORAGE_DIR=str(tmp_path / "storage"),
                    WANTED_DATABASE_URL=f"sqlite:///{tmp_path / 'startup.db'}")
    prelude = f"import json, sys\nHEAVY = {HEAVY!r}\n"
    done = subprocess.run([sys.executable, "-c", prelude + textwrap.dedent(code)],  # noqa: S603
                          env=env, cwd=REPO, capture_output=True, text=True, timeout=600,
                          check=False)
    assert done.returncode == 0, done.stderr[-3000:]
    return json.loads(done.stdout.strip().splitlines()[-1])


def test_serving_pages_loads_no_face_models_password_lists_migrations_or_spreadsheets(tmp_path):
    got = fresh_process("""
        import wanted

        intranet = wanted.create_app().test_client().get("/login")
        portal = wanted.create_public_app().test_client().get("/status")
        print(json.dumps({"pages": [intranet.status_code, portal.status_code],
                          "texts": [intranet.get_data(as_text=True).count("password"),
                                    portal.get_data(as_text=True).count("<form")],
                          "loaded": [name for name in HEAVY if name in sys.modules]}))
    """, tmp_path)
    assert got["pages"] == [200, 200]
    assert got["texts"][0] > 0 and got["texts"][1] > 0
    assert got["loaded"] == []


@pytest.mark.skipif(not FACES.is_dir(), reason=f"sample faces absent at {FACES}")
def test_the_first_face_operation_and_password_check_load_what_they_need(tmp_path):
    got = fresh_process(f"""
        from PIL import ImageFile

        import wanted
        from wanted.auth import passwords
        from wanted.matching import engine

        app = wanted.create_app()
        before = [name for name in HEAVY if name in sys.modules]
        with app.app_context():
            faces = engine.find_faces(engine.load_rgb({str(FACES / "obama/1.jpg")!r}))
            weakness = passwords.weakness("password123")
        print(json.dumps({{"before": before, "faces": len(faces),
                          "weak": weakness is not None,
                          "truncated_allowed": ImageFile.LOAD_TRUNCATED_IMAGES,
                          "loaded": [name for name in HEAVY if name in sys.modules]}}))
    """, tmp_path)
    assert got["before"] == []
    assert got["faces"] == 1 and got["weak"] is True
    assert got["loaded"] == ["face_recognition", "dlib", "zxcvbn"]
    # face_recognition's import allows truncated images; photo intake must still refuse them.
    assert got["truncated_allowed"] is False
