"""Schemathesis against the WSGI app: every operation, three roles, no 5xx for any input."""

import os
import re
from collections import Counter

import pytest
import schemathesis
from hypothesis import HealthCheck, Phase, given, settings
from openapi_spec_validator import validate
from schemathesis import GenerationMode

# Generated cases per operation, role and mode; WANTED_FUZZ_EXAMPLES raises it for a long run.
EXAMPLES = int(os.environ.get("WANTED_FUZZ_EXAMPLES", "6"))
ROLES = ("off_a", "sup_a", "admin")


def test_the_openapi_document_is_valid_openapi_3(client):
    document = client.get("/api/v1/openapi.json").json
    validate(document)
    assert document["openapi"].startswith("3.1")
    operations = [(path, method) for path, item in document["paths"].items() for method in item]
    assert len(operations) >= 20
    person_body = document["components"]["schemas"]["PersonInput"]
    assert person_body["properties"]["full_name"]["maxLength"] == 200
    assert person_body["additionalProperties"] is False


def test_the_document_describes_every_api_route_and_nothing_else(app, client):
    document = client.get("/api/v1/openapi.json").json
    described = {(path, method.upper()) for path, item in document["paths"].items()
                 for method in item}
    routed = {(re.sub(r"<(?:\w+:)?(\w+)>", r"{\1}", rule.rule), method)
              for rule in app.url_map.iter_rules() if rule.rule.startswith("/api/")
              for method in rule.methods - {"HEAD", "OPTIONS"}}
    assert described == routed


def test_every_input_number_text_and_list_is_bounded(client):
    """Each integer of a body or parameter has a range, each text a length (or a fixed form),
    each list a size: what the schemas declare is what the document says."""
    document = client.get("/api/v1/openapi.json").json
    components = document["components"]["schemas"]
    unbounded: list[str] = []

    def walk(schema: dict, where: str) -> None:
        if "$ref" in schema:
            walk(components[schema["$ref"].rsplit("/", 1)[1]], where)
            return
        for choice in schema.get("anyOf", []):
            walk(choice, where)
        kind = schema.get("type")
        if kind == "integer" and not {"minimum", "maximum"} <= set(schema):
            unbounded.append(where)
        if kind == "string" and not {"maxLength", "enum", "const", "pattern"} & set(schema) \
                and schema.get("format") != "binary":
            unbounded.append(where)
        if kind == "array":
            if "maxItems" not in schema:
                unbounded.append(where)
            walk(schema["items"], f"{where}[]")
        for name, field in schema.get("properties", {}).items():
            walk(field, f"{where}.{name}")

    checked = 0
    for path, item in document["paths"].items():
        for method, operation in item.items():
            for parameter in operation["parameters"]:
                walk(parameter["schema"], f"{method} {path} {parameter['name']}")
                checked += 1
            for content in operation.get("requestBody", {}).get("content", {}).values():
                walk(content["schema"], f"{method} {path} body")
                checked += 1
    assert checked > 40 and unbounded == []


@pytest.fixture
def rows(client, province, make_person, token) -> dict:
    """Real rows the generated requests can reach besides the ids they make up."""
    person = make_person("off_a")
    tip = client.post(f"/api/v1/persons/{person.id}/tips", headers=token("off_a"),
                      json={"source": "public", "text": "thấy ở chợ"}).json
    campaign = client.post("/api/v1/campaigns", headers=token("sup_a"), json={
        "name": "Đợt", "starts_on": "2025-01-01", "ends_on": "2025-06-30",
        "targets": [{"unit": "A", "arrests": 1}]}).json
    return {"person_id": person.id, "tip_id": tip["id"], "campaign_id": campaign["id"],
            "search_id": 1}


@pytest.mark.parametrize("mode", [GenerationMode.POSITIVE, GenerationMode.NEGATIVE])
def test_no_generated_request_gets_a_5xx(app, rows, token, mode, capsys):
    schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", app)
    headers = {role: token(role) for role in ROLES}
    reached: set[str] = set()
    statuses: Counter = Counter()
    failures: list = []
    operations = [result.ok() for result in schema.get_all_operations()]
    for operation in operations:
        known = {p.name: rows[p.name] for p in operation.path_parameters if p.name in rows}
        strategies = [operation.as_strategy(generation_mode=mode)]
        if known:
            strategies.append(operation.as_strategy(generation_mode=mode, path_parameters=known))
        for strategy in strategies:
            for role in ROLES:
                run_cases(strategy, headers[role], statuses, failures, reached)
    total = sum(statuses.values())
    with capsys.disabled():
        backend = app.config["SQLALCHEMY_DATABASE_URI"].split(":", 1)[0].split("+")[0]
        print(f"\nschemathesis {mode.value} ({backend}): {total} generated cases, statuses "
              f"{dict(sorted(statuses.items()))}")
    assert not failures, failures[:5]
    assert total >= EXAMPLES * 20
    assert reached == {operation.label for operation in operations}  # every one was called


def run_cases(strategy, headers: dict, statuses: Counter, failures: list,
              reached: set[str]) -> None:
    """Send up to EXAMPLES generated cases; note each status, each operation and every 5xx."""

    @given(case=strategy)
    @settings(max_examples=EXAMPLES, deadline=None, database=None, derandomize=True,
              phases=[Phase.generate], suppress_health_check=list(HealthCheck))
    def call(case) -> None:
        response = case.call(headers=headers)
        statuses[response.status_code] += 1
        reached.add(case.operation.label)
        if response.status_code >= 500:
            failures.append((case.operation.label, response.status_code,
                             case.as_curl_command(), response.text[:300]))

    call()
