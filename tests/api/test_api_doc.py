"""docs/api.md keeps up with the code: every timeline kind and field the API can emit, and every
error code it can answer, is listed, with its status.

The sets are built from the code (the timeline statement, the error classes and the places that
raise them), so a new kind, field or code fails here until the page lists it.
"""

import ast
import re
from datetime import date, datetime
from pathlib import Path
from types import SimpleNamespace

import pytest
from werkzeug.exceptions import default_exceptions

from tests.conftest import REPO
from wanted.errors import ServiceError, http_error_code
from wanted.matching.imaging import ImageRejected
from wanted.pursuit import services as pursuit
from wanted.timeline import SLOTS

DOC = REPO / "docs" / "api.md"
COMMON = ("kind", "id", "at", "by", "by_name")
SAMPLE = {"Text": "{}", "Date": date(2025, 3, 3), "Boolean": True, "Integer": 1,
          "Float": 0.5, "DateTime": datetime(2025, 3, 3, 8, 0)}


def doc() -> str:
    return DOC.read_text(encoding="utf-8")


def table_row(text: str, name: str) -> str | None:
    """Return the line of a table whose first cell is `name` in backticks."""
    return next((line for line in text.splitlines() if line.startswith(f"| `{name}` |")), None)


def statuses_of(row: str) -> set[int]:
    """Return the statuses in a row's second cell."""
    return {int(status) for status in re.findall(r"\b\d{3}\b", row.split("|")[2])}


# --- timeline kinds and fields ------------------------------------------------------------------

def sample_row(kind: str) -> SimpleNamespace:
    """A timeline row of this kind with a plausible value in every slot."""
    slots = {slot: SAMPLE[slot_type.__name__] for slot, slot_type in SLOTS.items()}
    return SimpleNamespace(kind=kind, id=1, at=datetime(2025, 3, 3, 8, 0), by="off_a",
                           by_name="Off A", **slots)


def emitted_entries() -> list[dict]:
    """Decode one row of every kind the timeline statement selects, as the API does."""
    kinds = {select.selected_columns.kind.element.value
             for select in pursuit._timeline_statement().selects}
    person = SimpleNamespace(id=1, created_at=datetime(2025, 3, 1), created_by=None,
                             registry_photos=[])
    return pursuit.timeline(person, [sample_row(kind) for kind in sorted(kinds)])


def test_every_timeline_kind_and_field_is_documented(app):
    with app.app_context():
        entries = emitted_entries()
    text = doc()
    assert {"registered", "photo", "outreach", "status"} <= {e["kind"] for e in entries}
    for field in COMMON:
        assert f"`{field}`" in text, field
    for entry in entries:
        row = table_row(text, entry["kind"])
        assert row, f"timeline kind {entry['kind']!r} is not in docs/api.md's table"
        for field in set(entry) - set(COMMON):
            assert f"`{field}`" in row, f"{entry['kind']}.{field} is not in docs/api.md"


def test_the_openapi_document_names_the_same_timeline_kinds(app, client):
    with app.app_context():
        kinds = {e["kind"] for e in emitted_entries()}
    document = client.get("/api/v1/openapi.json").json
    assert set(document["components"]["schemas"]["Record"]["properties"]["kind"]["enum"]) == kinds


# --- error codes --------------------------------------------------------------------------------

def service_errors() -> dict[str, type[ServiceError]]:
    """Every ServiceError class by name (the app is created, so every area is imported)."""
    found, todo = {}, [ServiceError]
    while todo:
        cls = todo.pop()
        found[cls.__name__] = cls
        todo.extend(cls.__subclasses__())
    return found


def constant(node: ast.AST | None) -> object:
    return node.value if isinstance(node, ast.Constant) else None


def called_name(call: ast.Call) -> str:
    func = call.func
    return func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", "")


def codes_raised_in(path: Path, classes: dict[str, type[ServiceError]]) -> set[tuple[int, str]]:
    """(status, code) pairs a module's source answers with: a ServiceError given `code=`, an
    ImageRejected, a literal error_response, or abort() of an HTTP status."""
    pairs = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if not isinstance(node, ast.Call):
            continue
        name = called_name(node)
        args = [constant(arg) for arg in node.args]
        if name in classes:
            code = next((constant(k.value) for k in node.keywords if k.arg == "code"), None)
            if isinstance(code, str):
                pairs.add((classes[name].status, code))
        elif name == ImageRejected.__name__ and len(args) == 3:
            pairs.add((args[2], args[0]))
        elif name == "error_response" and len(args) >= 2 and isinstance(args[1], str):
            pairs.add((args[0], args[1]))
        elif name == "abort" and args and isinstance(args[0], int):
            pairs.add((args[0], http_error_code(default_exceptions[args[0]]())))
    return pairs


def error_codes() -> set[tuple[int, str]]:
    """Every (status, code) the code base can answer, read from its classes and raises."""
    classes = service_errors()
    pairs = {(cls.status, cls.code) for cls in classes.values()}
    for path in (REPO / "wanted").rglob("*.py"):
        pairs |= codes_raised_in(path, classes)
    return pairs


def test_every_error_code_is_documented_with_its_status(app):
    with app.app_context():
        pairs = error_codes()
    assert {(503, "duplicate_check_unavailable"), (409, "transition_forbidden"),
            (401, "unauthorized"), (415, "unsupported_type")} <= pairs
    text = doc()
    for status, code in sorted(pairs, key=lambda pair: pair[1]):
        row = table_row(text, code)
        if row is None:  # codes only pages answer are named in the text after the table
            assert f"`{code}` ({status}" in text, f"error code {code!r} is not in docs/api.md"
        else:
            assert status in statuses_of(row), (code, status, row)


@pytest.mark.parametrize(("method", "path", "size"), [
    ("GET", "/api/v1/no-such-thing", 0), ("DELETE", "/api/v1/persons", 0),
    ("POST", "/api/v1/persons", 200),
])
def test_errors_werkzeug_answers_itself_are_documented(app, client, province, token,
                                                       method, path, size):
    app.config["MAX_CONTENT_LENGTH"] = 100
    response = client.open(path, method=method, headers=token("off_a"), data="x" * size,
                           content_type="application/json")
    error = response.json["error"]
    row = table_row(doc(), error["code"])
    assert row and response.status_code in statuses_of(row), (error, response.status_code)
