"""Sign-in tests read the pages in English."""

import pytest


@pytest.fixture
def client(app):
    client = app.test_client()
    client.get("/lang/en")
    return client
