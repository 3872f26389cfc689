"""The public portal: nothing of the intranet, only published persons, only public fields."""

import re

from sqlalchemy import select

from tests.public.conftest import SECRET
from wanted import create_app
from wanted.audit.models import AuditEvent
from wanted.auth import services as auth
from wanted.extensions import db
from wanted.pursuit import services as pursuit
from wanted.registry.services import get_person


def concrete(rule) -> str:
    """Fill a URL rule's variables with plausible values."""
    return re.sub(r"<(?:(\w+)(?:\([^)]*\))?:)?(\w+)>",
                  lambda m: "1" if m.group(1) in ("int", None) and "id" in m.group(2) else "x",
                  rule.rule)


def test_every_intranet_url_is_404_on_the_portal(public_app, public_client, portal_config):
    intranet = create_app(portal_config)
    portal_endpoints = {rule.endpoint for rule in public_app.url_map.iter_rules()}
    assert all(e.startswith("portal.") or e in ("static", "favicon") for e in portal_endpoints)
    checked = 0
    for rule in intranet.url_map.iter_rules():
        if rule.rule in ("/", "/favicon.ico"):  # the portal's own home (its notices) and icon
            continue
        url = concrete(rule)
        for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
            response = public_client.open(url, method=method)
            assert response.status_code == 404, (method, url, response.status_code)
            checked += 1
    assert checked > 50
    assert public_client.get("/login").status_code == 404
    assert public_client.get("/api/v1/persons").status_code == 404


def test_the_portal_ignores_an_officers_session(app, province, public_client, client, login):
    login("sup_a")
    cookie = client.get_cookie("session")
    public_client.set_cookie("session", cookie.value)
    response = public_client.get("/")
    assert response.status_code == 200
    assert "Set-Cookie" not in response.headers
    assert "sup_a" not in response.get_data(as_text=True)
    assert "script-src 'none'" in response.headers["Content-Security-Policy"]


def test_unpublished_person_is_404_publicly(public_client, province, make_person):
    person = make_person("off_a", unit="A")
    assert public_client.get(f"/notices/{person.id}").status_code == 404
    assert public_client.get(f"/notices/{person.id}/photo.jpg").status_code == 404
    assert "Nguyễn Văn Hùng" not in public_client.get("/").get_data(as_text=True)


def test_notice_shows_only_public_fields(public_client, published):
    person = published()
    response = public_client.get(f"/notices/{person.id}")
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    for shown in ("Nguyễn Văn Hùng", "Hùng Sẹo", "1990", "huyện Sơn Hà, tỉnh Bình Sơn",
                  "Trộm cắp tài sản", "0203 111 222"):
        assert shown in page
    for secret in (SECRET["ID"], SECRET["BORN"], "17/05/1990", SECRET["STREET"], "xã Khe Mây",
                   "Điều 173"):
        assert secret not in page
    photo = public_client.get(f"/notices/{person.id}/photo.jpg")
    assert photo.status_code == 200 and photo.mimetype == "image/jpeg"
    listing = public_client.get("/").get_data(as_text=True)
    assert "Nguyễn Văn Hùng" in listing and SECRET["ID"] not in listing


def test_closing_the_case_withdraws_the_notice_at_once(app, public_client, published):
    person = published()
    with app.app_context():
        pursuit.change_status(auth.user_by_username("sup_a"), get_person(person.id),
                              "arrested", "Bắt được tại chợ", "QĐ-12",
                              document_date="2026-01-05")
        db.session.commit()
        entries = pursuit.timeline(get_person(person.id))
    assert public_client.get(f"/notices/{person.id}").status_code == 404
    assert public_client.get(f"/notices/{person.id}/photo.jpg").status_code == 404
    assert "Nguyễn Văn Hùng" not in public_client.get("/").get_data(as_text=True)
    assert [e["action"] for e in entries if e["kind"] == "notice"] == ["withdrawn", "published"]


def test_search_without_diacritics_birth_year_and_district(public_client, published):
    published()
    published("off_b", full_name="Trần Thị Mai", aliases=[], birth_date="1985-02-01", unit="B",
              id_number=None, registered_address="Thôn 2, xã Đồng Tâm, huyện Lâm Bình")

    def names(query: str) -> set[str]:
        page = public_client.get(f"/?{query}").get_data(as_text=True)
        return {n for n in ("Nguyễn Văn Hùng", "Trần Thị Mai") if n in page}

    assert names("q=nguyen van hung") == {"Nguyễn Văn Hùng"}
    assert names("q=hung seo") == {"Nguyễn Văn Hùng"}
    assert names("q=TRAN mai") == {"Trần Thị Mai"}
    assert names("year=1985") == {"Trần Thị Mai"}
    assert names("area=son ha") == {"Nguyễn Văn Hùng"}
    assert names("area=lam binh&year=1990") == set()
    assert names("") == {"Nguyễn Văn Hùng", "Trần Thị Mai"}
    bad = public_client.get("/?year=abc")
    assert bad.status_code == 200 and 'data-field="year"' in bad.get_data(as_text=True)


def test_publishing_through_the_api(app, client, public_client, province, make_person, token):
    person = make_person("off_a", unit="A", full_name="Lê Văn Tám")
    url = f"/api/v1/persons/{person.id}/publication"
    for username in ("off_a", "sup_b"):
        assert client.post(url, json={"published": True},
                           headers=token(username)).status_code == 403
    assert public_client.get(f"/notices/{person.id}").status_code == 404
    bad = client.post(url, json={"published": "yes"}, headers=token("sup_a"))
    assert bad.status_code == 422 and "published" in bad.json["error"]["fields"]
    response = client.post(url, json={"published": True, "area": "huyện Sơn Hà"},
                           headers=token("chief"))
    assert response.status_code == 200 and response.json["published"] is True
    assert response.json["notice"]["area"] == "huyện Sơn Hà"
    assert "id_number" not in response.json["notice"]
    assert public_client.get(f"/notices/{person.id}").status_code == 200
    response = client.post(url, json={"published": False, "reason": "đủ tin"},
                           headers=token("sup_a"))
    assert response.json == {"person_id": person.id, "published": False, "notice": None}
    assert public_client.get(f"/notices/{person.id}").status_code == 404
    with app.app_context():
        actions = db.session.scalars(select(AuditEvent.action).where(
            AuditEvent.action.like("notice.%"), AuditEvent.outcome == "ok")
            .order_by(AuditEvent.id)).all()
        denied = db.session.scalars(select(AuditEvent.actor_name).where(
            AuditEvent.action == "notice.publish", AuditEvent.outcome == "denied")).all()
    assert actions == ["notice.publish", "notice.withdraw"]
    assert sorted(denied) == ["off_a", "sup_b"]
    timeline = client.get(f"/api/v1/persons/{person.id}/timeline", headers=token("off_a")).json
    assert [(e["kind"], e["action"]) for e in timeline["items"] if e["kind"] == "notice"] == [
        ("notice", "withdrawn"), ("notice", "published")]


def test_supervisor_publishes_from_the_person_page(client, public_client, province, make_person,
                                                    login):
    person = make_person("off_a", unit="A", registered_address="Số 3, phường Bắc, huyện Sơn Hà")
    login("off_a")
    assert 'data-testid="publish-form"' not in client.get(f"/persons/{person.id}").get_data(
        as_text=True)
    login("sup_a")
    page = client.get(f"/persons/{person.id}").get_data(as_text=True)
    assert 'data-testid="publish-form"' in page and 'value="phường Bắc, huyện Sơn Hà"' in page
    client.post(f"/persons/{person.id}/publication",
                data={"action": "publish", "photo_id": "", "area": "huyện Sơn Hà",
                      "contact": "Công an phường Đông Thành"})
    notice = public_client.get(f"/notices/{person.id}").get_data(as_text=True)
    assert "huyện Sơn Hà" in notice and "Số 3" not in notice
    client.post(f"/persons/{person.id}/publication", data={"action": "withdraw", "reason": ""})
    assert public_client.get(f"/notices/{person.id}").status_code == 404


def test_development_mounts_the_portal_at_public(app, portal_config, published):
    person = published()
    intranet = create_app({**portal_config, "PUBLIC_MOUNT": True})
    client = intranet.test_client()
    page = client.get(f"/public/notices/{person.id}").get_data(as_text=True)
    assert "Nguyễn Văn Hùng" in page
    assert f'src="/public/notices/{person.id}/photo.jpg"' in page
    assert "/public/assets/css/public.css" in page
    assert client.get("/persons/1").status_code == 302  # the intranet still wants a sign-in


def test_vietnamese_first_english_on_request(public_client):
    page = public_client.get("/tip").get_data(as_text=True)
    assert 'lang="vi"' in page and "Báo tin" in page and "Gửi tin báo" in page
    response = public_client.get("/language/en?next=/tip")
    assert response.status_code == 302 and response.headers["Location"].endswith("/tip")
    page = public_client.get("/tip").get_data(as_text=True)
    assert 'lang="en"' in page and "Send the tip" in page
    assert public_client.get("/language/en?next=//evil.example").headers[
        "Location"].endswith("/")
