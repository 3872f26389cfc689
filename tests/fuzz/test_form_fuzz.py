"""Hostile values in every intranet form and filter: never a 5xx, a refusal shows its error at
the field, and a refused post loses nothing already saved.

The forms are read from the rendered pages (so the fuzzer follows the templates): each GET route
of the URL map is opened as an officer, a supervisor and an admin, with real ids (and rows that
bring out every form: a locked account, a second factor, a registry photo, a face search with a
candidate, a citizen tip with a photo, due follow-ups), plus the answer to a photo upload (its
confirmation form), and every <form> on them is sent back with one field made hostile at a time.
"""

import io
import os
import random
import re
import time
from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime
from html.parser import HTMLParser
from urllib.parse import quote, urljoin, urlsplit

import pytest
from flask import url_for
from sqlalchemy import select

from tests.app.test_retention import add_photo, jpeg
from tests.conftest import PASSWORD
from tests.pursuit.test_safe_actions import make_search
from wanted.auth import mfa
from wanted.auth import services as auth
from wanted.extensions import db
from wanted.matching.models import Photo
from wanted.public import services as publication
from wanted.public.models import CitizenTip
from wanted.pursuit import services as pursuit
from wanted.registry.models import WantedPerson
from wanted.registry.services import get_person
from wanted.storage import photo_store

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
NOT_SHOWN: dict[str, str] = {}
# Limits that would answer 429 before the fuzzer's inputs are checked (a real user sends far
# fewer): raised for this test, whose subject is validation; tests/auth and tests/matching
# test the limits themselves.
UNLIMITED = {"LOCKOUT_AFTER": 100_000, "LOCKOUT_ADDRESS_AFTER": 100_000,
             "MFA_RATE_LIMIT": (100_000, 300), "TOKEN_RATE_LIMIT": (100_000, 3600),
             "MATCH_RATE_LIMIT": (100_000, 3600)}
LOCKED_USER, MFA_USER = "off_b", "sup_b"
# Forms whose first accepted post takes them off their page (a tip taken or closed, an account
# unlocked): the world is restored before each of their cases, so every case meets the form.
RESTORED_EACH_CASE = {"auth.unlock", "auth.reset_mfa", "matching.delete_photo", "publication.take",
                      "publication.close", "publication.search"}


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
    for form in reader.forms:
        if form.method == "post" and not form.kinds:
            # A button alone (`hidden_tag()` renders nothing while the suite's CSRF is off):
            # production posts the token, so the fuzzer makes that field hostile.
            form.fields.append(("csrf_token", ""))
            form.kinds["csrf_token"] = "hidden"
    return [form for form in reader.forms if form.kinds]


class ErrorMarks(HTMLParser):
    """Find the fields a page marks as refused, the way the `field` macro marks them: an
    `invalid-feedback` element with `data-field`, or the input itself `is-invalid`,
    `aria-invalid` or described by an `invalid-feedback` element."""

    def __init__(self) -> None:
        super().__init__()
        self.marked: set[str] = set()
        self.feedback_ids: set[str] = set()
        self.described: list[tuple[str, str]] = []  # (field name, aria-describedby)

    def handle_starttag(self, tag: str, attrs: list) -> None:
        a = {k: v or "" for k, v in attrs}
        classes = a.get("class", "").split()
        if "invalid-feedback" in classes:
            if a.get("data-field"):
                self.marked.add(a["data-field"])
            if a.get("id"):
                self.feedback_ids.add(a["id"])
        if tag in ("input", "select", "textarea") and a.get("name"):
            if "is-invalid" in classes or a.get("aria-invalid") == "true":
                self.marked.add(a["name"])
            for ref in a.get("aria-describedby", "").split():
                self.described.append((a["name"], ref))


def guard_named(page: str, name: str) -> bool:
    """Whether the error page of the request guard (control characters in a query string,
    refused before any view runs) names the field: a filter's values stay in the address."""
    message = re.search(r'data-testid="error-message">([^<]*)<', page)
    return bool(message and re.search(rf"(^|\s){re.escape(name)}: ", message.group(1)))


def fields_marked(page: str) -> set[str]:
    """The names of the fields a page shows an error at."""
    reader = ErrorMarks()
    reader.feed(page)
    return reader.marked | {name for name, ref in reader.described if ref in reader.feedback_ids}


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
    """The rows the pages show: a person of unit A and one of unit B, their tips and a campaign;
    a locked account and one with a second factor; a registry photo; a finished face search with
    a candidate; a citizen tip with a photo in unit A's queue; follow-ups due to each role."""

    ids: dict[str, list]
    other_unit_person: int
    own_person: int
    citizen_tip: int
    photo: int = 0  # the own person's registry photo, put back (same id) once removed


@pytest.fixture
def world(app, client, province, make_person, token) -> World:
    app.config.update(UNLIMITED)
    mine = make_person("off_a", birth_date="1990-05-17", id_number="012345678901",
                       marks="sẹo ở cằm", charges=["173"], unit="A")
    theirs = make_person("off_b", full_name="Trần Thị Mai", unit="B")
    with app.app_context():
        actor = auth.user_by_username("off_a")
        tip = pursuit.create_tip(actor, get_person(mine.id), {
            "source": "public", "text": "thấy ở chợ"})
        for officer in ("off_a", "sup_a"):
            pursuit.log_outreach(auth.user_by_username(officer), get_person(mine.id), {
                "channel": "visit", "outcome": "refused", "contacted_at": "2020-01-05T08:30",
                "follow_up_on": "2020-01-20"})
        citizen = publication.submit_tip({"text": "thấy ở bến xe", "seen_place": "bến xe"},
                                         photo=jpeg(200)[1])
        citizen.unit = auth.unit_by_code("A")  # as if about a published person of unit A
        db.session.commit()
        tip_id, citizen_id = tip.id, citizen.id
        users = {u: auth.user_by_username(u).id for u in ("off_b", "sup_b")}
        unit_b = auth.unit_by_code("B").id
    search_id = make_search(app, mine.id, uploader="off_a")
    campaign = client.post("/api/v1/campaigns", headers=token("chief"), json={
        "name": "Đợt", "starts_on": "2025-01-01", "ends_on": "2025-06-30",
        "targets": [{"unit": "A", "arrests": 1}]}).json
    from wanted.pursuit.views import LOGS

    ids = {"person_id": [mine.id, theirs.id], "tip_id": [tip_id, citizen_id],
           "campaign_id": [campaign["id"]], "user_id": list(users.values()),
           "unit_id": [unit_b], "search_id": [search_id], "kind": list(LOGS),
           "record_id": [1], "table": ["units"], "fmt": ["csv"]}
    found = World(ids, theirs.id, mine.id, citizen_id)
    restore(app, found)
    return found


def restore(app, world: World) -> None:
    """Put back what an earlier role's posts used up: the lock, the second factor, the
    citizen tip's state and a registry photo."""
    with app.app_context():
        locked = auth.user_by_username(LOCKED_USER)
        locked.locked_at = locked.locked_at or datetime(2026, 1, 1)
        enrolled = auth.user_by_username(MFA_USER)
        if not enrolled.mfa_enrolled:
            mfa.enrol_without_code(enrolled)
        tip = db.session.get(CitizenTip, world.citizen_tip)
        tip.status, tip.taken_by, tip.taken_at, tip.closed_by, tip.closed_at, tip.outcome = \
            "received", None, None, None, None, ""
        if not world.photo:
            world.photo = add_photo(world.own_person, 90).id
        elif db.session.get(Photo, world.photo) is None:
            digest, data = jpeg(90)
            photo_store().put(digest, data)
            db.session.add(Photo(id=world.photo, sha256=digest, person_id=world.own_person,
                                 kind="registry"))
        # Primary, so that the person page lists it first: its removal is the form fuzzed.
        for photo in db.session.scalars(select(Photo).where(
                Photo.person_id == world.own_person)):
            photo.is_primary = photo.id == world.photo
        db.session.commit()


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
    """Sign in again if a case logged the user out or disabled them; put the password back if a
    case changed it (the next case's "current password" must be right again)."""
    with app.app_context():
        user = auth.user_by_username(username)
        if not auth.verify_password(user, PASSWORD):
            user.password_hash = auth.hasher.hash(PASSWORD)  # without ending the session
            db.session.commit()
    response = client.get("/account")
    if response.status_code == 200:
        return
    with app.app_context():
        user = auth.user_by_username(username)
        auth.set_active(user, True)
        auth.unlock(user)
        db.session.commit()
    sign_in(client, username)


def owing_a_code(app, client, username: str) -> None:
    """Give the password step again if the user no longer owes the second step's code."""
    response = client.get("/login/mfa")
    response.close()
    if response.status_code != 200:
        with app.app_context():
            auth.unlock(auth.user_by_username(username))
            db.session.commit()
        response = client.post("/login", data={"username": username, "password": PASSWORD})
        assert response.headers["Location"].startswith("/login/mfa"), response.status_code


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
        shown = "alert-danger" in page or "invalid-feedback" in page or \
            'data-testid="error-message"' in page
        # A refusal of a form that took its untouched values is this field's: a field the user
        # sees must carry the error; a hidden one (no place to show it) needs a visible message.
        at_field = form.kinds[name] in ("hidden", "submit") or name in fields_marked(page) \
            or (form.method == "get" and guard_named(page, name))
        if not shown or (accepted_before and not at_field):
            tally.failures.append((*where, "422 without the error at the field"))
    if before is not None and refused(response) and persons(app) != before:
        tally.failures.append((*where, "a refused post changed a saved person"))


def answer_pages(world: World) -> dict[str, dict]:
    """Posts whose answer is a page of forms: a sound photo upload shows its confirmation."""
    return {f"/persons/{world.own_person}/photos/new": {
        "photo": (io.BytesIO(jpeg(30)[1]), "photo.jpg")}}


def forms_of(app, client, role: str | None, urls: dict[str, str], world: World,
             tally: Tally) -> dict[tuple, Form]:
    """Open the pages (and the answers of `answer_pages`) as the role; read their forms."""
    forms: dict[tuple, Form] = {}
    answers = answer_pages(world) if role else {}
    for url, endpoint in [*urls.items(), *((url, None) for url in answers)]:
        if endpoint is None:
            response = client.post(url, data=answers[url], content_type="multipart/form-data")
            endpoint = endpoint_of(app, url, "POST")
        else:
            response = client.get(url)
        response.get_data()
        response.close()
        tally.statuses[response.status_code] += 1
        if response.status_code >= 500:
            tally.failures.append((response.request.method, url, endpoint, role,
                                   response.status_code))
            continue
        tally.reached.add((response.request.method.lower(), endpoint))
        if response.mimetype != "text/html":
            continue
        for form in read_forms(url, response.get_data(as_text=True)):
            target = endpoint_of(app, form.action, form.method.upper())
            if target and target not in NOT_PAGES:
                forms.setdefault(form.key(target), form)
    return forms


def fuzz_role(app, client, role: str | None, urls: dict[str, str], world: World,
              tally: Tally, keep=None) -> None:
    """Fuzz every form the role's pages show; `keep()` runs before each case of an auth form
    (a case may have signed the user out)."""
    if keep is None and role:
        def keep() -> None:
            still_signed_in(app, client, role)
    restore(app, world)
    if keep:
        keep()
    forms = forms_of(app, client, role, urls, world, tally)
    for (_method, target, _fields), form in sorted(forms.items(), key=lambda kv: kv[0][:2]):
        if target in RESTORED_EACH_CASE:
            restore(app, world)
        accepted = not refused(send(client, form, baseline(form)))
        tally.forms += 1
        for name, value in cases(form, role, CASES_PER_FORM):
            if target in RESTORED_EACH_CASE:
                restore(app, world)
            if keep and target.startswith("auth."):
                keep()
            pairs = hostile_pairs(form, name, value, world)
            check(app, client, form, target, name, value, pairs, tally, accepted)
        if keep and target.startswith("auth."):
            keep()


def test_no_hostile_form_value_gets_a_5xx_or_loses_data(app, client, world, capsys):
    started = time.monotonic()
    urls = page_urls(app, world)
    tally = Tally()
    for role in ROLES:
        sign_in(client, role)
        fuzz_role(app, client, role, urls, world, tally)
        client.post("/logout")
    fuzz_role(app, app.test_client(), None, {"/login": "auth.login"}, world, tally)
    second_step = app.test_client()
    fuzz_role(app, second_step, None, {"/login/mfa": "auth.login_mfa"}, world, tally,
              keep=lambda: owing_a_code(app, second_step, MFA_USER))
    total = sum(tally.statuses.values())
    with capsys.disabled():
        backend = app.config["SQLALCHEMY_DATABASE_URI"].split(":", 1)[0]
        print(f"\nform fuzz ({backend}): {tally.forms} forms x role, {total} requests, "
              f"{len(tally.reached)} routes, {time.monotonic() - started:.1f} s, "
              f"statuses {dict(sorted(tally.statuses.items()))}")
    assert not tally.failures, "\n".join(map(str, tally.failures[:40]))
    posts = {rule.endpoint for rule in app.url_map.iter_rules()
             if "POST" in rule.methods and not rule.rule.startswith("/api/")}
    posted = {endpoint for method, endpoint in tally.reached if method == "post"}
    unreached = posts - set(NOT_SHOWN) - posted
    assert not unreached, f"no form on any page posts to {sorted(unreached)}"
