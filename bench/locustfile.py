"""Users for bench/load.py: officers reading the registry, API clients, and face searches.

Read from the environment: BENCH_PERSONS (highest person id), BENCH_TOKEN (an officer's API
token), BENCH_PASSWORD (the demo password), BENCH_FACE (a field photo with a face). Pick
the users by class name on locust's command line (FaceSearcher in the run with faces).
"""

import os
import random
import re
import time

from locust import HttpUser, between, task

PERSONS = int(os.environ.get("BENCH_PERSONS", "300"))
QUERIES = ("nguyen", "van", "thi", "tran", "le hoang", "pham", "hung", "minh", "dinh", "ngo")
OFFICERS = ("pc02.cb1", "pc02.cb2", "dt.cb1", "dt.cb2")


class Officer(HttpUser):
    """Reads person pages, searches the registry and looks at the dashboard, signed in."""

    wait_time = between(0, 0.05)
    weight = 4

    def on_start(self) -> None:
        page = self.client.get("/login", name="login").text
        token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page)
        self.client.post("/login", name="login", data={
            "csrf_token": token.group(1) if token else "",
            "username": random.choice(OFFICERS), "password": os.environ["BENCH_PASSWORD"]})

    @task(6)
    def person_page(self) -> None:
        self.client.get(f"/persons/{random.randint(1, PERSONS)}", name="person page")

    @task(3)
    def registry_search(self) -> None:
        self.client.get(f"/?q={random.choice(QUERIES)}", name="registry search")

    @task(1)
    def dashboard(self) -> None:
        self.client.get("/dashboard", name="dashboard")


class ApiClient(HttpUser):
    """Reads persons through the API with a bearer token."""

    wait_time = between(0, 0.05)
    weight = 2

    @task
    def api_person(self) -> None:
        self.client.get(f"/api/v1/persons/{random.randint(1, PERSONS)}", name="api person",
                        headers={"Authorization": f"Bearer {os.environ['BENCH_TOKEN']}"})


class FaceSearcher(HttpUser):
    """Uploads a field photo, then polls its search until a worker has finished it."""

    wait_time = between(0.5, 1.0)
    fixed_count = 2

    @task
    def face_search(self) -> None:
        headers = {"Authorization": f"Bearer {os.environ['BENCH_TOKEN']}"}
        started = time.monotonic()
        with open(os.environ["BENCH_FACE"], "rb") as photo:
            response = self.client.post("/api/v1/matches", name="face search (submit)",
                                        headers=headers, files={"photo": photo},
                                        data={"purpose": "bench", "case_ref": "BENCH-1"})
        if response.status_code != 201:
            return
        search_id = response.json()["id"]
        while response.json().get("status") == "pending" and time.monotonic() - started < 60:
            time.sleep(0.2)
            response = self.client.get(f"/api/v1/matches/{search_id}", headers=headers,
                                       name="face search (poll)")
        self.environment.events.request.fire(
            request_type="SEARCH", name="face search (until done)",
            response_time=(time.monotonic() - started) * 1000, response_length=0,
            exception=None if response.json().get("status") == "done" else "not done",
            context={})
