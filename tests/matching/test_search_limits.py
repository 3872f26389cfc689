"""Face searches are limited per user, in memory or shared through Redis."""

import io
import uuid

import redis

from wanted import create_app

REDIS_URL = "redis://127.0.0.1:6379/15"
FORM = {"purpose": "Xác minh", "case_ref": "VV-1"}


def search(client, headers):
    data = {**FORM, "photo": (io.BytesIO(b"not an image"), "x.jpg")}
    return client.post("/api/v1/matches", headers=headers, data=data,
                       content_type="multipart/form-data")


def test_face_searches_are_limited_per_user(app, client, province, token):
    app.config["MATCH_RATE_LIMIT"] = (2, 3600)
    officer, other = token("off_a"), token("off_b")
    codes = [search(client, officer).status_code for _ in range(3)]
    assert 429 not in codes[:2] and codes[2] == 429
    body = search(client, officer).json
    assert body["error"]["code"] == "rate_limited"
    assert search(client, other).status_code != 429  # another officer has their own budget


def test_face_search_limit_is_shared_through_redis(database_url, tmp_path, province, token):
    redis.Redis.from_url(REDIS_URL).ping()
    prefix = f"test:{uuid.uuid4().hex}:"
    settings = {"SQLALCHEMY_DATABASE_URI": database_url, "REDIS_URL": REDIS_URL,
                "RATE_LIMIT_PREFIX": prefix, "SESSION_REDIS_PREFIX": prefix,
                "MATCH_RATE_LIMIT": (2, 3600), "STORAGE_DIR": str(tmp_path)}
    web1, web2 = create_app(settings), create_app(settings)
    headers = token("off_a")
    try:
        assert search(web1.test_client(), headers).status_code != 429
        assert search(web2.test_client(), headers).status_code != 429
        assert search(web1.test_client(), headers).status_code == 429
    finally:
        web1.extensions["rate_limiter"].reset(f"match:{province['off_a'].id}")
