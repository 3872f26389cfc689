"""The persons API as API.md fixes it: auth, JSON errors, ETag and If-Match."""

import pytest


def test_no_token_or_bad_token_is_401_json(client, province):
    assert client.get("/api/v1/persons").status_code == 401
    response = client.get("/api/v1/persons", headers={"Authorization": "Bearer nope"})
    assert response.status_code == 401
    assert response.json["error"]["code"] == "unauthorized"


def test_revoked_token_is_401(client, runner, province, token):
    headers = token("off_a")
    assert client.get("/api/v1/persons", headers=headers).status_code == 200
    assert runner.invoke(args=["users", "revoke-tokens", "off_a"]).exit_code == 0
    assert client.get("/api/v1/persons", headers=headers).status_code == 401


def test_create_needs_only_a_full_name_and_defaults_to_my_unit(client, token, province):
    response = client.post("/api/v1/persons", json={"full_name": "Lò Văn Tiến"},
                           headers=token("off_b"))
    assert response.status_code == 201
    body = response.json
    assert body["full_name"] == "Lò Văn Tiến" and body["unit"] == "B"
    assert body["status"] == "wanted" and body["version"] == 1 and body["id"]
    assert body["assigned_officer"] == "off_b"


def test_create_full_record_round_trips(client, token, province):
    data = {"full_name": "Vi Thị Mai", "aliases": ["Mai đen"], "sex": "female",
            "birth_date": "1991-02-03", "id_number": "098191001122", "charges": ["174", "290"],
            "danger_class": "special", "caution_flags": ["escape_risk"],
            "decision": {"number": "15/QĐ-CSĐT", "date": "2025-05-01",
                         "agency": "Cơ quan CSĐT Công an tỉnh Bình Sơn", "issued_by": "Đại tá X"},
            "unit": "A1", "assigned_officer": "off_a"}
    created = client.post("/api/v1/persons", json=data, headers=token("off_a")).json
    fetched = client.get(f"/api/v1/persons/{created['id']}", headers=token("off_b"))
    assert fetched.headers["ETag"] == '"1"'
    for key, value in data.items():
        assert fetched.json[key] == value, key
    assert fetched.json["birth_year"] == 1991


@pytest.mark.parametrize(("body", "field"), [
    ({}, "full_name"),
    ({"full_name": "   "}, "full_name"),
    ({"full_name": "X", "sex": "robot"}, "sex"),
    ({"full_name": "X", "birth_date": "2024-02-30"}, "birth_date"),
    ({"full_name": "X", "birth_year": "nineteen"}, "birth_year"),
    ({"full_name": "X", "id_number": "12ab"}, "id_number"),
    ({"full_name": "X", "charges": ["9999"]}, "charges"),
    ({"full_name": "X", "charges": "173"}, "charges"),
    ({"full_name": "X", "caution_flags": ["sneaky"]}, "caution_flags"),
    ({"full_name": "X", "unit": "NOPE"}, "unit"),
    ({"full_name": "X", "assigned_officer": "ghost"}, "assigned_officer"),
    ({"full_name": "X", "decision": {"date": "yesterday"}}, "decision.date"),
    ({"full_name": "X" * 201}, "full_name"),
    ({"full_name": "X", "colour": "red"}, "colour"),
])
def test_bad_input_is_422_with_field_messages(client, token, province, body, field):
    response = client.post("/api/v1/persons", json=body, headers=token("off_a"))
    assert response.status_code == 422
    assert field in response.json["error"]["fields"]


def test_non_json_body_is_400_not_500(client, token, province):
    response = client.post("/api/v1/persons", data="<html>", content_type="text/html",
                           headers=token("off_a"))
    assert response.status_code == 400
    assert response.json["error"]["code"] == "invalid_json"


def test_patch_with_if_match_saves_and_moves_the_version(client, token, province, make_person):
    person = make_person()
    headers = {**token("off_a"), "If-Match": '"1"'}
    response = client.patch(f"/api/v1/persons/{person.id}", json={"aliases": ["Hùng râu"]},
                            headers=headers)
    assert response.status_code == 200
    assert response.json["aliases"] == ["Hùng râu"]
    assert response.json["version"] == 2 and response.headers["ETag"] == '"2"'


def test_stale_if_match_is_412_and_overwrites_nothing(client, token, province, make_person):
    person = make_person()
    url = f"/api/v1/persons/{person.id}"
    first = client.patch(url, json={"last_known_address": "chợ Đông Thành"},
                         headers={**token("off_a"), "If-Match": "1"})
    assert first.status_code == 200
    stale = client.patch(url, json={"last_known_address": "bến xe"},
                         headers={**token("sup_a"), "If-Match": "1"})
    assert stale.status_code == 412
    assert stale.json["error"]["code"] == "stale_version"
    assert client.get(url, headers=token("off_a")).json["last_known_address"] == "chợ Đông Thành"


def test_patch_without_if_match_is_428(client, token, province, make_person):
    person = make_person()
    response = client.patch(f"/api/v1/persons/{person.id}", json={"aliases": []},
                            headers=token("off_a"))
    assert response.status_code == 428
    assert "error" in response.json


def test_officer_of_another_unit_gets_403_and_it_is_audited(client, token, province,
                                                            make_person):
    person = make_person(unit="A")
    response = client.patch(f"/api/v1/persons/{person.id}", json={"aliases": ["x"]},
                            headers={**token("off_b"), "If-Match": "1"})
    assert response.status_code == 403
    audit = client.get("/api/v1/audit?action=person.update", headers=token("admin")).json
    assert [(e["actor"], e["outcome"]) for e in audit["items"]] == [("off_b", "denied")]


def test_officer_above_the_owning_unit_may_edit_and_reading_is_open(client, token, province,
                                                                     make_person):
    person = make_person(unit="A1")
    assert client.get(f"/api/v1/persons/{person.id}", headers=token("off_b")).status_code == 200
    response = client.patch(f"/api/v1/persons/{person.id}", json={"marks": "sẹo ở cằm"},
                            headers={**token("off_p"), "If-Match": "1"})
    assert response.status_code == 200


def test_only_a_supervisor_reassigns(client, token, province, make_person):
    person = make_person()
    url = f"/api/v1/persons/{person.id}"
    denied = client.patch(url, json={"assigned_officer": "off_p"},
                          headers={**token("off_a"), "If-Match": "1"})
    assert denied.status_code == 403
    allowed = client.patch(url, json={"assigned_officer": "off_p"},
                           headers={**token("sup_a"), "If-Match": "1"})
    assert allowed.status_code == 200 and allowed.json["assigned_officer"] == "off_p"


def test_status_is_read_only_here(client, token, province, make_person):
    person = make_person()
    client.patch(f"/api/v1/persons/{person.id}", json={"status": "arrested"},
                 headers={**token("off_a"), "If-Match": "1"})
    assert client.get(f"/api/v1/persons/{person.id}",
                      headers=token("off_a")).json["status"] == "wanted"


def test_missing_person_is_404_json(client, token, province):
    response = client.get("/api/v1/persons/999999", headers=token("off_a"))
    assert response.status_code == 404 and response.json["error"]["code"] == "not_found"
    assert client.get("/api/v1/nothing", headers=token("off_a")).is_json


def test_admin_may_read_but_not_add_persons(client, token, province):
    headers = token("admin")
    assert client.get("/api/v1/persons", headers=headers).status_code == 200
    assert client.post("/api/v1/persons", json={"full_name": "X"},
                       headers=headers).status_code == 403


def test_openapi_document_describes_the_routes(client):
    document = client.get("/api/v1/openapi.json").json
    assert document["openapi"].startswith("3.")
    persons = document["paths"]["/api/v1/persons/{person_id}"]
    assert {"get", "patch"} <= set(persons)
    assert "412" in persons["patch"]["responses"] and "428" in persons["patch"]["responses"]
    assert document["paths"]["/api/v1/persons"]["post"]["requestBody"]["content"][
        "application/json"]["schema"] == {"$ref": "#/components/schemas/PersonInput"}
    assert "PersonInput" in document["components"]["schemas"]
