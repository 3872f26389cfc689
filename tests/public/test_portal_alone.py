"""The portal alone under gunicorn in production settings, as the README sets it up: two
workers behind a proxy, sharing their limits in Redis."""

import time
import uuid

import pytest
import requests
from redis import Redis

from tests.public.conftest import solve
from tests.stack.processes import BIN, free_port, running, stack_env

REDIS_URL = "redis://127.0.0.1:6379/0"


def test_the_portal_runs_alone_under_gunicorn(database_url, published, tmp_path):
    if not database_url.startswith("postgresql"):
        pytest.skip("the production stack runs on PostgreSQL")
    person = published()
    prefix = f"wanted:test:{uuid.uuid4().hex}:"
    env = stack_env(WANTED_ENV="production", WANTED_SECRET_KEY=f"k-{uuid.uuid4().hex}",
                    WANTED_AUDIT_KEY="test-audit-key",
                    WANTED_AUDIT_ANCHOR_DIR=str(tmp_path / "anchors"),
                    WANTED_DATABASE_URL=database_url, WANTED_STORAGE_DIR=str(tmp_path / "photos"),
                    WANTED_REDIS_URL=REDIS_URL, WANTED_RATE_LIMIT_PREFIX=prefix,
                    WANTED_TRUSTED_PROXIES="1", WANTED_PUBLIC_TIP_RATE_LIMIT="[2, 3600]")
    port = free_port()
    command = [str(BIN / "gunicorn"), "-w", "2", "-b", f"127.0.0.1:{port}",
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
        assert listing.headers["Strict-Transport-Security"].startswith("max-age=")

        def tip_from(address: str) -> requests.Response:
            """Send a tip as the proxy would pass it on, each on a new connection."""
            proxy = {"X-Forwarded-For": address}
            form = requests.get(f"{url}/tip?person={person.id}", headers=proxy, timeout=10)
            return requests.post(url + "/tip", headers=proxy, timeout=10, data={
                **solve(form.text), "person_id": str(person.id), "text": "Thấy ở bến xe"})

        sent = tip_from("203.0.113.7")
        assert sent.status_code == 201 and 'data-testid="receipt-code"' in sent.text
        # The limit (2 an hour) is counted in Redis, whichever worker takes the request.
        statuses = [tip_from(address).status_code
                    for address in ("203.0.113.7", "203.0.113.7", "203.0.113.7", "198.51.100.4")]
        assert statuses == [201, 429, 429, 201]
    keys = {key.decode() for key in Redis.from_url(REDIS_URL).keys(f"{prefix}public:tip:*")}
    assert {key.split(":")[5] for key in keys} == {"203.0.113.7", "198.51.100.4"}
