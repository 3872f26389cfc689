"""Load a synthetic province so that a new user sees a living system. No real person is used."""

import hashlib
import random
from datetime import date, datetime, time

from flask import current_app
from sqlalchemy import func, select

from wanted.audit import services as audit
from wanted.auth import services as auth
from wanted.auth.models import Unit, User
from wanted.demo import names
from wanted.demo.faces import DemoFace, demo_faces
from wanted.demo.portraits import portrait_jpeg
from wanted.extensions import db
from wanted.matching import services as matching
from wanted.matching.models import Photo
from wanted.registry.charges_data import CHARGES
from wanted.registry.models import Charge, WantedPerson
from wanted.registry.services import seed_charges
from wanted.storage import photo_store
from wanted.text import search_text

DEMO_PASSWORD = "demo-password-2026"  # noqa: S105 - synthetic demo accounts only
# How often each charge category occurs among the demo persons.
CATEGORY_WEIGHTS = {
    "theft": 20, "drugs": 16, "fraud": 12, "injury": 10, "robbery": 7, "snatching": 6,
    "loan_sharking": 6, "economic": 5, "murder": 4, "organised": 4, "corruption": 3,
    "environment": 3, "other": 4,
}


def registry_is_empty() -> bool:
    """Tell whether the installation has neither persons nor accounts yet."""
    return not db.session.scalar(select(func.count(WantedPerson.id))) and not db.session.scalar(
        select(func.count(User.id)))


def seed_demo(persons: int = 300, seed: int = 2026, today: date | None = None) -> list[tuple]:
    """Create units, accounts, persons with portraits and their pursuit; return the logins."""
    from wanted.demo.public_seed import seed_public
    from wanted.demo.pursuit_seed import seed_pursuit

    rng = random.Random(seed)
    today = today or date.today()
    seed_charges(CHARGES)
    create_units(names.UNIT_TREE, None)
    logins = create_accounts(rng)
    people = create_persons(rng, persons, today)
    portrait_seeds = [rng.randrange(1 << 30) for _ in people]
    seed_pursuit(rng, people, today)
    add_photos(people, portrait_seeds)
    seed_public(rng, people)
    audit.record("demo.seed", details={"persons": persons})
    return logins


def create_units(node: names.UnitSeed, parent: str | None) -> None:
    """Create a unit with its address and phone and, below it, its children."""
    auth.create_unit(node.code, node.name, parent, address=node.address, phone=node.phone)
    for child in node.children:
        create_units(child, node.code)


def create_accounts(rng: random.Random) -> list[tuple[str, str, str]]:
    """Create an admin, a province supervisor, and a supervisor and two officers per unit."""
    accounts = [("admin", "admin", "BS"), ("chihuy", "supervisor", "BS")]
    for child in names.UNIT_TREE.children:
        slug = child.code.removeprefix("BS-").lower()
        accounts += [(f"{slug}.gs", "supervisor", child.code),
                     (f"{slug}.cb1", "officer", child.code), (f"{slug}.cb2", "officer", child.code)]
    for username, role, unit in accounts:
        rank = names.officer_rank(rng)
        auth.create_user(username, role=role, unit_code=unit, password=DEMO_PASSWORD,
                         full_name=f"{rank} {names.officer_name(rng)}")
    shown = {"admin", "chihuy", "pc02.gs", "pc02.cb1", "dt.gs", "dt.cb1"}
    return [account for account in accounts if account[0] in shown]


def create_persons(rng: random.Random, count: int, today: date) -> list[WantedPerson]:
    """Create `count` synthetic wanted persons (their photos come after their pursuit)."""
    charges = {}
    for charge in db.session.scalars(select(Charge)):
        charges.setdefault(charge.category, []).append(charge)
    units = {u.code: u for u in db.session.scalars(select(Unit))}
    officers: dict[int, list[User]] = {}
    for user in db.session.scalars(select(User).where(User.role == "officer")):
        officers.setdefault(user.unit_id, []).append(user)
    people = []
    for index in range(count):
        category = rng.choices(list(CATEGORY_WEIGHTS), weights=CATEGORY_WEIGHTS.values())[0]
        made = names.make_person(rng, today, category)
        if index == 0:  # a name every demo search for "nguyen van hung" should find
            made.full_name, made.sex = "Nguyễn Văn Hùng", "male"
        unit = units[made.unit_code]
        person = person_from(made, unit)
        person.charges = rng.sample(charges[category], k=min(len(charges[category]),
                                                             rng.choice((1, 1, 2))))
        person.officer = rng.choice(officers.get(unit.id) or [None])
        db.session.add(person)
        people.append(person)
    db.session.flush()
    return people


def add_photos(people: list[WantedPerson], portrait_seeds: list[int]) -> None:
    """Give the first men still wanted a demo face (in the gallery), the others a drawing."""
    store = photo_store()
    faces = list(demo_faces())
    for person, seed in zip(people, portrait_seeds, strict=True):
        if person.sex == "male" and person.status == "wanted" and faces:
            add_demo_face(person, faces.pop(0))
        else:
            add_portrait(store, person, seed)
    db.session.flush()


def person_from(made: names.SyntheticPerson, unit) -> WantedPerson:
    """Build a registry record from a synthetic person."""
    decided = datetime.combine(made.decision_date, time(9))
    fields = {k: v for k, v in vars(made).items() if k not in ("unit_code", "home_commune")}
    return WantedPerson(**fields, unit=unit, search_text=search_text(made.full_name, made.aliases),
                        created_at=decided, updated_at=decided, last_activity_at=decided)


def add_demo_face(person: WantedPerson, face: DemoFace) -> Photo:
    """Store a composite demo face as the person's registry photo and enrol it in the gallery."""
    data = face.path.read_bytes()
    checked = matching.intake(data)
    photo = matching.store_photo(checked, actor=None, kind="registry", person=person,
                                 source="demo composite")
    photo.is_primary = True
    jitters = current_app.config["FACE_ENROL_JITTERS"]
    matching.add_faces(photo, matching.detect_faces(checked.data, jitters=jitters))
    return photo


def add_portrait(store, person: WantedPerson, seed: int) -> None:
    """Store a generated portrait as the person's registry photo."""
    data = portrait_jpeg(seed, person.sex if person.sex != "unknown" else "male")
    digest = hashlib.sha256(data).hexdigest()
    store.put(digest, data)
    db.session.add(Photo(sha256=digest, person=person, kind="registry", source="demo portrait",
                         width=300, height=400, is_primary=True))
