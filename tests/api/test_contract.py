"""Where the API departed from API.md (or from its own convention) in ways a client breaks on."""

import io
from datetime import datetime

from sqlalchemy import update

from tests.conftest import FACES
from wanted.extensions import db
from wanted.registry import services as registry
from wanted.registry.models import WantedPerson


def test_a_save_that_loses_the_race_after_if_match_is_412_not_500(client, province, make_person,
                                                                  token, monkeypatch):
    person = make_person()
    apply_changes = registry.apply_changes

    def another_save_lands_first(target, clean):
        # Another request commits between this one's If-Match check and its save.
        table = WantedPerson.__table__
        db.session.execute(update(table).where(table.c.id == target.id)
                           .values(version=table.c.version + 1))
        apply_changes(target, clean)

    monkeypatch.setattr(registry, "apply_changes", another_save_lands_first)
    response = client.patch(f"/api/v1/persons/{person.id}", json={"aliases": ["Hùng râu"]},
                            headers={**token("off_a"), "If-Match": '"1"'})
    assert response.status_code == 412
    assert response.json["error"]["code"] == "stale_version"
    monkeypatch.undo()
    assert client.get(f"/api/v1/persons/{person.id}", headers=token("off_a")).json[
        "aliases"] == []


def utc_with_offset(value: str) -> bool:
    """Tell whether an API time is ISO 8601 in UTC with its offset (a Z), as API times are."""
    return value.endswith("Z") and datetime.fromisoformat(value).utcoffset().total_seconds() == 0


def test_audit_event_times_carry_their_offset(client, province, token):
    client.get("/api/v1/persons", headers=token("off_a"))
    events = client.get("/api/v1/audit", headers=token("admin")).json["items"]
    assert events and all(utc_with_offset(event["at"]) for event in events)


def post_photo(client, url: str, headers: dict, photo: bytes, **form) -> dict:
    response = client.post(url, headers=headers, content_type="multipart/form-data",
                           data={"photo": (io.BytesIO(photo), "face.jpg"), **form})
    assert response.status_code == 201, response.json
    return response.json


def test_match_search_and_review_times_carry_their_offset(client, province, make_person, token):
    headers = token("off_a")
    person = make_person()
    post_photo(client, f"/api/v1/persons/{person.id}/photos", headers,
               (FACES / "John_Salley" / "1.jpg").read_bytes())
    search = post_photo(client, "/api/v1/matches", headers,
                        (FACES / "John_Salley" / "2.jpg").read_bytes(),
                        purpose="tuần tra", case_ref="VV-1")
    assert utc_with_offset(search["created_at"])
    review = client.post(f"/api/v1/matches/{search['id']}/reviews", headers=headers,
                         json={"face": 0, "person_id": person.id, "decision": "inconclusive"})
    assert review.status_code == 201, review.json
    read = client.get(f"/api/v1/matches/{search['id']}", headers=headers).json
    reviews = [r for face in read["faces"] for c in face["candidates"] for r in c["reviews"]]
    assert reviews and all(utc_with_offset(r["at"]) for r in reviews)
    assert utc_with_offset(read["created_at"])


def test_the_openapi_document_lists_400_for_every_json_body(client, province, token):
    document = client.get("/api/v1/openapi.json").json
    json_operations = [(path, method, operation)
                       for path, methods in document["paths"].items()
                       for method, operation in methods.items()
                       if "application/json" in operation.get("requestBody", {}).get("content", {})]
    assert json_operations
    for path, method, operation in json_operations:
        assert "400" in operation["responses"], (method, path)
    malformed = client.post("/api/v1/persons", data="{", content_type="application/json",
                            headers=token("off_a"))
    assert malformed.status_code == 400
