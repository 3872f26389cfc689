"""The demo seed gives a new user a living, synthetic province."""

import re

from sqlalchemy import func, select

from wanted.auth.models import User
from wanted.extensions import db
from wanted.matching.models import Photo
from wanted.pursuit.models import OutreachContact, StatusChange
from wanted.registry.models import WantedPerson


def test_demo_seed_loads_a_living_province_once(app, runner, client, token):
    result = runner.invoke(args=["demo", "seed", "--persons", "40", "--if-empty"])
    assert result.exit_code == 0, result.output
    assert "admin" in result.output and "dt.cb1" in result.output
    with app.app_context():
        assert db.session.scalar(select(func.count(WantedPerson.id))) == 40
        assert db.session.scalar(select(func.count(Photo.id))) == 40
        assert db.session.scalar(select(func.count(OutreachContact.id))) > 10
        assert db.session.scalar(select(func.count(StatusChange.id))) > 0
        officers = db.session.scalar(select(func.count(WantedPerson.id))
                                     .where(WantedPerson.officer_id.is_not(None)))
        assert officers > 30  # nearly every case has an assigned officer
        assert db.session.scalar(select(func.count(User.id)).where(User.role == "admin")) == 1
    found = client.get("/api/v1/persons?q=nguyen+van+hung", headers=token("dt.cb1")).json
    assert "Nguyễn Văn Hùng" in [p["full_name"] for p in found["items"]]
    again = runner.invoke(args=["demo", "seed", "--if-empty"])
    assert "skipped" in again.output


def test_demo_shows_published_persons_at_public(app, runner):
    from wanted import create_app

    assert runner.invoke(args=["demo", "seed", "--persons", "40"]).exit_code == 0
    intranet = create_app({"SQLALCHEMY_DATABASE_URI": app.config["SQLALCHEMY_DATABASE_URI"],
                           "STORAGE_DIR": app.config["STORAGE_DIR"], "PUBLIC_MOUNT": True})
    client = intranet.test_client()
    listing = client.get("/public/?q=nguyen+van+hung").get_data(as_text=True)
    assert "Nguyễn Văn Hùng" in listing
    page = client.get("/public/").get_data(as_text=True)
    assert page.count('data-testid="public-card"') == 12
    photo = client.get(re.search(r'src="(/public/notices/\d+/photo\.jpg)"', page).group(1))
    assert photo.status_code == 200 and photo.mimetype == "image/jpeg"


def test_every_demo_unit_has_the_address_and_phone_its_notices_print(app, runner, client, login):
    from wanted.auth.models import Unit
    from wanted.demo.seed import DEMO_PASSWORD

    assert runner.invoke(args=["demo", "seed", "--persons", "12"]).exit_code == 0
    with app.app_context():
        units = db.session.scalars(select(Unit)).all()
        assert len(units) == 12
        for unit in units:
            assert re.fullmatch(r"0298 \d{4} \d{3}", unit.phone), unit.code
            assert unit.address.endswith("tỉnh Bình Sơn") and "," in unit.address, unit.code
        assert len({unit.phone for unit in units}) == len(units)
        person = db.session.scalars(select(WantedPerson).where(WantedPerson.status == "wanted")
                                    .order_by(WantedPerson.id)).first()
        unit = person.unit
    login("chihuy", DEMO_PASSWORD)  # the province's supervisor sees every unit's records
    notice = client.get(f"/persons/{person.id}/notice").get_data(as_text=True)
    contact = re.search(r'data-testid="notice-contact">(.*?)</p>', notice, re.S).group(1)
    assert unit.name in contact and unit.address in contact
    assert f"Điện thoại: {unit.phone}" in contact
