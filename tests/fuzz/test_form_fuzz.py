"""Hostile values in every intranet form and filter: never a 5xx, a refusal names its field, and
a refused post loses nothing already saved.

The forms are read from the rendered pages (so the fuzzer follows the templates): each GET route
of the URL map is opened as an officer, a supervisor and an admin, with real ids, and every
<form> on it is sent back with one field made hostile at a time.
"""

import io
import os
import random
import time
from collections import Counter
from dataclasses import dataclass, field
from html.parser import HTMLParser
from urllib.parse import quote, urljoin, urlsplit

import pytest
from flask import url_for
from sqlalchemy import select

from tests.conftest import PASSWORD
from wanted.auth import services as auth
from wanted.extensions import db
from wanted.public import services as publication
from wanted.pursuit import services as pursuit
from wanted.registry.models import WantedPerson
from wanted.registry.services import get_person

# Cases per form and role; WANTED_FUZZ_EXAMPLES raises it for a long run (default 6: 24 cases).
EXAMPLES = int(os.environ.get("WANTED_FUZZ_EXAMPLES", "6"))
CASES_PER_FORM = EXAMPLES * 4
ROLES = ("off_a", "sup_a", "admin")
SURROGATE = object()  # a lone surrogate, sent as the raw bytes %ED%A0%80
MISSING = object()  # the field left out
REPEATED = object()  # the field sent twice, its own value then a hostile one
OTHER_UNIT = object()  # the id of a record of another unit
HOSTILE = ("x" * 100_000, "\x00", "a\x00b", "\x1b[31m", "\x85", "\u202e", SURROGATE,
           "99999999999999999999", "-1", "1e309", "NaN", "²", "0000-00-00", "9999-12-31",
           "2024-02-30", "2024-02-30T25:61", "", " ", "no-such-choice", MISSING, REPEATED,
           OTHER_UNIT)
# GET routes that are no page of forms: binary answers, the language switch.
NOT_PAGES = {"static", "favicon", "auth.set_language", "matching.face_crop", "matching.photo",
             "matching.preview_photo", "publication.tip_photo"}
# POST routes whose form no page of the fuzzer's rows shows, and why (not fuzzed here).
NOT_SHOWN = {
    "auth.login_mfa": "the second step of signing in, after a password of an enrolled user",
    "auth.reset_mfa": "shown only for a user with a second factor",
    "auth.unlock": "shown only for a locked account",
    "matching.confirm_photo": "shown after a sound photo was uploaded (face detection)",
    "matching.delete_photo": "shown only for a person with a registry photo",
    "matching.review": "shown only on a finished face search with candidates",
    "publication.take": "shown on a citizen tip of the user's unit",
    "publication.close": "shown on a citizen tip of the user's unit",
    "publication.search": "shown on a citizen tip with a photo",
    "pursuit.followup_done": "shown for a follow-up due to the signed-in officer",
}


@dataclass
class Form:
    """A <form> read from a page: where it goes, how, and its fields' initial values."""

    page: str
    action: str
    method: str
    multipart: bool
    fields: list[tuple[str, str]] = field(default_factory=list)  # (name, value), in order
    kinds: dict[str, str] = field(default_factory=dict)  # name -> input type / select

    def key(self, endpoint: str) -> tuple:
        return self.method, endpoint, tuple(sorted(self.kinds))


class FormReader(HTMLParser):
    """Collect the forms of a page with the values a browser would send untouched."""

    def __init__(self, page: str) -> None:
        super().__init__()
        self.page, self.forms, self.form = page, [], None
        self.select: str | None = None
        self.first_option: str | None = None
        self.chosen = False
        self.textarea: str | None = None

    def handle_starttag(self, tag: str, attrs: list) -> None:
        a = {k: v or "" for k, v in attrs}
        if tag == "form":
            self.form = Form(self.page, urljoin(self.page, a.get("action") or self.page),
                             a.get("method", "get").lower(),
                             "multipart" in a.get("enctype", ""))
            self.forms.append(self.form)
        elif self.form is None or not a.get("name"):
            return
        elif tag == "input":
            kind = a.get("type", "text").lower()
            if kind in ("submit", "button", "reset", "image"):
                if a.get("value"):
                    self.add(a["name"], a["value"], kind)
                return
            if kind in ("checkbox", "radio") and "checked" not in a:
                self.form.kinds.setdefault(a["name"], kind)
                return
            self.add(a["name"], a.get("value", "on" if kind == "checkbox" else ""), kind)
        elif tag == "select":
            self.select, self.first_option, self.chosen = a["name"], None, False
            self.form.kinds[a["name"]] = "select"
        elif tag == "textarea":
            self.textarea = a["name"]
            self.add(a["name"], "", "textarea")
        if tag == "option" and self.select:
            value = a.get("value", "")
            if self.first_option is None and value:
                self.first_option = value
            if "selected" in a and not self.chosen:
                self.chosen = True
                self.add(self.select, value, "select")

    def handle_data(self, data: str) -> None:
        if self.textarea and self.form:
            name, _ = self.form.fields[-1]
            self.form.fields[-1] = (name, self.form.fields[-1][1] + data)

    def handle_endtag(self, tag: str) -> None:
        if tag == "select" and self.select and self.form:
            if not self.chosen and self.first_option is not None:
                self.add(self.select, self.first_option, "select")
            self.select = None
        elif tag == "textarea":
            self.textarea = None
        elif tag == "form":
            self.form = None

    def add(self, name: str, value: str, kind: str) -> None:
        self.form.fields.append((name, value))
        self.form.kinds.setdefault(name, kind)


def read_forms(url: str, page: str) -> list[Form]:
    reader = FormReader(url)
    reader.feed(page)
    return [form for form in reader.forms if form.kinds or form.method == "post"]


PLAUSIBLE = {"date": "2020-01-15", "datetime-local": "2025-01-05T08:30", "number": "1",
             "password": PASSWORD, "email": "a@example.org", "file": ""}


def baseline(form: Form) -> list[tuple[str, str]]:
    """The form as a careful user fills it: empty fields given a plausible value."""
    filled = []
    for name, value in form.fields:
        kind = form.kinds[name]
        if not value and kind not in ("hidden", "file"):
            value = PLAUSIBLE.get(kind, "Văn bản thử")
        filled.append((name, value))
    return filled


def encode(value) -> str:
    if value is SURROGATE:
        return "%ED%A0%80"
    return quote(str(value).encode("utf-8"), safe="")


def urlencoded(pairs: list[tuple[str, object]]) -> str:
    return "&".join(f"{encode(name)}={encode(value)}" for name, value in pairs)


@dataclass
class World:
    """The rows the pages show: a person of unit A and one of unit B, their tips and a campaign."""

    ids: dict[str, list]
    other_unit_person: int
    own_person: int


@pytest.fixture
def world(app, client, province, make_person, token) -> World:
    mine = make_person("off_a", birth_date="1990-05-17", id_number="012345678901",
                       marks="sẹo ở cằm", charges=["173"], unit="A")
    theirs = make_person("off_b", full_name="Trần Thị Mai", unit="B")
    with app.app_context():
        actor = auth.user_by_username("off_a")
        tip = pursuit.create_tip(actor, get_person(mine.id), {
            "source": "public", "text": "thấy ở chợ"})
        pursuit.log_outreach(actor, get_person(mine.id), {
            "channel": "visit", "outcome": "refused", "contacted_at": "2020-01-05T08:30",
            "follow_up_on": "2020-01-20"})
        citizen = publication.submit_tip({"text": "thấy ở bến xe", "seen_place": "bến xe"})
        db.session.commit()
        tip_id, citizen_id = tip.id, citizen.id
        users = {u: auth.user_by_username(u).id for u in ("off_b", "sup_b")}
        unit_b = auth.unit_by_code("B").id
    campaign = client.post("/api/v1/campaigns", headers=token("chief"), json={
        "name": "Đợt", "starts_on": "2025-01-01", "ends_on": "2025-06-30",
        "targets": [{"unit": "A", "arrests": 1}]}).json
    from wanted.pursuit.views import LOGS

    ids = {"person_id": [mine.id, theirs.id], "tip_id": [tip_id, citizen_id],
           "campaign_id": [campaign["id"]], "user_id": list(users.values()),
           "unit_id": [unit_b], "search_id": [1], "kind": list(LOGS),
           "record_id": [1], "table": ["units"], "fmt": ["csv"]}
    return World(ids, theirs.id, mine.id)


def page_urls(app, world: World) -> dict[str, str]:
    """Every GET page of the URL map, its arguments filled with the world's ids."""
    urls: dict[str, str] = {}
    with app.test_request_context():
        for rule in app.url_map.iter_rules():
            if "GET" not in rule.methods or rule.endpoint in NOT_PAGES or \
                    rule.rule.startswith("/api/"):
                continue
            missing = set(rule.arguments) - set(world.ids)
            assert not missing, f"give the fuzzer ids for {rule.rule}: {missing}"
            choices = [dict()]
            for name in sorted(rule.arguments):
                choices = [{**c, name: v} for c in choices for v in world.ids[name]]
            for values in choices:
                urls[url_for(rule.endpoint, **values)] = rule.endpoint
    return urls


def endpoint_of(app, url: str, method: str) -> str | None:
    adapter = app.url_map.bind("localhost")
    try:
        return adapter.match(urlsplit(url).path, method=method)[0]
    except Exception:
        return None


def persons(app) -> list[tuple]:
    """Every saved person, as rows of all their columns."""
    with app.app_context():
        rows = db.session.execute(select(WantedPerson.__table__).order_by(WantedPerson.id))
        return [tuple(row) for row in rows]


@dataclass
class Tally:
    statuses: Counter = field(default_factory=Counter)
    failures: list = field(default_factory=list)
    reached: set = field(default_factory=set)
    forms: int = 0


def sign_in(client, username: str) -> None:
    response = client.post("/login", data={"username": username, "password": PASSWORD})
    assert response.status_code == 302, response.get_data(as_text=True)[:300]
    client.get("/lang/en")


def still_signed_in(app, client, username: str) -> None:
    """Sign in again if a case logged the user out, changed their password or disabled them."""
    response = client.get("/account")
    if response.status_code == 200:
        return
    with app.app_context():
        user = auth.user_by_username(username)
        auth.set_password(user, PASSWORD)
        auth.set_active(user, True)
        auth.unlock(user)
        db.session.commit()
    sign_in(client, username)


def cases(form: Form, role: str, budget: int) -> list[tuple[str, object]]:
    """A role's share of the (field, hostile value) product of a form."""
    product = [(name, value) for name in form.kinds for value in HOSTILE]
    rng = random.Random(f"{form.action} {sorted(form.kinds)} {role}")
    rng.shuffle(product)
    return product[:budget]


def hostile_pairs(form: Form, name: str, value, world: World) -> list[tuple[str, object]]:
    pairs = baseline(form)
    if value is REPEATED:
        return [*pairs, (name, HOSTILE[0][:1000]), (name, "no-such-choice")]
    if value is MISSING:
        return [(n, v) for n, v in pairs if n != name]
    if value is OTHER_UNIT:
        value = world.other_unit_person
    if name not in dict(pairs):
        return [*pairs, (name, value)]
    return [(n, value if n == name else v) for n, v in pairs]


def send(client, form: Form, pairs: list[tuple[str, object]]):
    """Send the form's values; read the whole answer, as a server would before the next one."""
    response = post_or_get(client, form, pairs)
    response.get_data()
    response.close()
    return response


def post_or_get(client, form: Form, pairs: list[tuple[str, object]]):
    url = form.action
    if form.method == "get":
        return client.get(f"{url.split('?')[0]}?{urlencoded(pairs)}")
    if form.multipart:
        data: dict = {}
        for name, value in pairs:
            if form.kinds.get(name) == "file":
                value = (io.BytesIO(b"\xff\xd8\xff" + b"\x00" * 64), "photo.jpg") \
                    if value in ("", None) else (io.BytesIO(str(value).encode(
                        "utf-8", "surrogatepass")[:100_000]), "x.jpg")
            elif value is SURROGATE:
                value = "\ud800".encode("utf-8", "surrogatepass").decode("latin-1")
            data.setdefault(name, []).append(value)
        return client.post(url, data=data, content_type="multipart/form-data")
    return client.post(url, data=urlencoded(pairs),
                       content_type="application/x-www-form-urlencoded")


def refused(response) -> bool:
    page = response.get_data(as_text=True) if response.mimetype == "text/html" else ""
    return 400 <= response.status_code < 500 or "invalid-feedback" in page


def check(app, client, form: Form, endpoint: str, name: str, value, pairs, tally: Tally,
          accepted_before: bool) -> None:
    """Send one hostile case; note a 5xx, a refusal that names nothing, or a lost record."""
    before = persons(app) if form.method == "post" else None
    response = send(client, form, pairs)
    label = "other-unit-id" if value is OTHER_UNIT else \
        value if isinstance(value, str) and len(value) < 30 else \
        f"{len(value)} chars" if isinstance(value, str) else \
        {SURROGATE: "surrogate", MISSING: "missing", REPEATED: "repeated"}[value]
    where = (form.method.upper(), form.action, endpoint, name, label)
    tally.statuses[response.status_code] += 1
    tally.reached.add((form.method, endpoint))
    if response.status_code >= 500:
        tally.failures.append((*where, response.status_code,
                               response.get_data(as_text=True)[:200]))
        return
    if response.status_code == 422 and response.mimetype == "text/html":
        page = response.get_data(as_text=True)
        shown = f'data-field="{name}"' in page or "alert-danger" in page or \
            "invalid-feedback" in page or 'data-testid="error-message"' in page
        if not shown or (accepted_before and name not in page):
            tally.failures.append((*where, "422 without naming the field"))
    if before is not None and refused(response) and persons(app) != before:
        tally.failures.append((*where, "a refused post changed a saved person"))


def fuzz_role(app, client, role: str | None, urls: dict[str, str], world: World,
              tally: Tally) -> None:
    forms: dict[tuple, Form] = {}
    for url, endpoint in urls.items():
        response = client.get(url)
        response.get_data()
        response.close()
        tally.statuses[response.status_code] += 1
        if response.status_code >= 500:
            tally.failures.append(("GET", url, endpoint, role, response.status_code))
            continue
        tally.reached.add(("get", endpoint))
        if response.mimetype != "text/html":
            continue
        for form in read_forms(url, response.get_data(as_text=True)):
            target = endpoint_of(app, form.action, form.method.upper())
            if target and target not in NOT_PAGES:
                forms.setdefault(form.key(target), form)
    for (_method, target, _fields), form in sorted(forms.items(), key=lambda kv: kv[0][:2]):
        accepted = not refused(send(client, form, baseline(form)))
        tally.forms += 1
        for name, value in cases(form, role, CASES_PER_FORM):
            if role and target.startswith("auth."):  # a case may have signed the user out
                still_signed_in(app, client, role)
            pairs = hostile_pairs(form, name, value, world)
            check(app, client, form, target, name, value, pairs, tally, accepted)
        if role and target.startswith("auth."):
            still_signed_in(app, client, role)


def test_no_hostile_form_value_gets_a_5xx_or_loses_data(app, client, world, capsys):
    started = time.monotonic()
    urls = page_urls(app, world)
    tally = Tally()
    for role in ROLES:
        sign_in(client, role)
        fuzz_role(app, client, role, urls, world, tally)
        client.post("/logout")
    fuzz_role(app, app.test_client(), None, {"/login": "auth.login"}, world, tally)
    total = sum(tally.statuses.values())
    with capsys.disabled():
        backend = app.config["SQLALCHEMY_DATABASE_URI"].split(":", 1)[0]
        print(f"\nform fuzz ({backend}): {tally.forms} forms x role, {total} requests, "
              f"{len(tally.reached)} routes, {time.monotonic() - started:.1f} s, "
              f"statuses {dict(sorted(tally.statuses.items()))}")
    assert not tally.failures, "\n".join(map(str, tally.failures[:20]))
    posts = {rule.endpoint for rule in app.url_map.iter_rules()
             if "POST" in rule.methods and not rule.rule.startswith("/api/")}
    posted = {endpoint for method, endpoint in tally.reached if method == "post"}
    unreached = posts - set(NOT_SHOWN) - posted
    assert not unreached, f"no form on any page posts to {sorted(unreached)}"
