"""The portal alone under gunicorn in production settings, as the README sets it up."""

import time
import uuid

import pytest
import requests

from tests.public.conftest import solve
from tests.stack.processes import BIN, free_port, running, stack_env


def test_the_portal_runs_alone_under_gunicorn(database_url, published, tmp_path):
    if not database_url.startswith("postgresql"):
        pytest.skip("the production stack runs on PostgreSQL")
    person = published()
    env = stack_env(WANTED_ENV="production", WANTED_SECRET_KEY=f"k-{uuid.uuid4().hex}",
                    WANTED_AUDIT_KEY="test-audit-key",
                    WANTED_AUDIT_ANCHOR_DIR=str(tmp_path / "anchors"),
                    WANTED_DATABASE_URL=database_url, WANTED_STORAGE_DIR=str(tmp_path / "photos"))
    port = free_port()
    command = [str(BIN / "gunicorn"), "-w", "1", "-b", f"127.0.0.1:{port}",
               "wanted:create_public_app()"]
    url = f"http://127.0.0.1:{port}"
    with running(command, env, tmp_path / "portal.log") as process:
        deadline = time.monotonic() + 60
        while True:
            assert process.poll() is None, (tmp_path / "portal.log").read_text()[-3000:]
            try:
                listing = requests.get(url + "/?q=nguyen", timeout=2)
                break
            except requests.RequestException:
                assert time.monotonic() < deadline, "the portal did not answer in time"
                time.sleep(0.2)
        assert listing.status_code == 200 and "Nguyễn Văn Hùng" in listing.text
        assert requests.get(f"{url}/notices/{person.id}/photo.jpg", timeout=10).ok
        for path in ("/login", "/persons/1", "/api/v1/persons", "/dashboard"):
            assert requests.get(url + path, timeout=10).status_code == 404
        session = requests.Session()
        form = session.get(f"{url}/tip?person={person.id}", timeout=10).text
        sent = session.post(url + "/tip", timeout=10, data={
            **solve(form), "person_id": str(person.id), "text": "Thấy ở bến xe"})
        assert sent.status_code == 201 and 'data-testid="receipt-code"' in sent.text
