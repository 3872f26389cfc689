"""Citizen tips: anonymous, with or without a photo, abuse control, receipts and the queue."""

import re
import uuid
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from tests.public.conftest import jpeg_bytes, solve
from wanted import create_public_app
from wanted.extensions import db
from wanted.matching.models import MatchSearch, Photo
from wanted.public.models import CitizenTip

RECEIPT = re.compile(r'data-testid="receipt-code">([A-Z0-9-]+)<')


def tips(app) -> list[CitizenTip]:
    with app.app_context():
        found = db.session.scalars(select(CitizenTip).order_by(CitizenTip.id)).all()
        for tip in found:
            db.session.expunge(tip)
        return found


def test_anonymous_tip_without_photo_lands_in_the_units_queue(app, published, send_tip):
    person = published()
    response = send_tip(person_id=str(person.id), seen_place="chợ Tân Lập",
                        seen_at="2026-01-05T08:30")
    page = response.get_data(as_text=True)
    assert response.status_code == 201
    code = RECEIPT.search(page).group(1)
    assert re.fullmatch(r"[A-Z0-9]{4}-[A-Z0-9]{4}-[A-Z0-9]{4}", code)
    [tip] = tips(app)
    assert (tip.person_id, tip.contact, tip.photo_id, tip.status) == (
        person.id, "", None, "received")
    assert tip.receipt_code == code.replace("-", "")
    assert tip.due_at - tip.created_at == timedelta(hours=24)
    assert tip.seen_at.isoformat() == "2026-01-05T01:30:00"  # 08:30 in Vietnam, stored in UTC
    with app.app_context():
        from wanted.auth.models import Unit

        assert db.session.get(Unit, tip.unit_id).code == "A"


def test_anonymous_tip_with_photo_is_stored_but_not_face_searched(app, published, send_tip):
    person = published()
    response = send_tip(person_id=str(person.id), photo=jpeg_bytes(320, 400, "#446688"))
    assert response.status_code == 201
    [tip] = tips(app)
    with app.app_context():
        photo = db.session.get(Photo, tip.photo_id)
        assert photo.kind == "tip" and photo.person_id is None and photo.width == 320
        assert db.session.scalar(select(func.count(MatchSearch.id))) == 0


def test_a_bad_photo_is_refused_with_its_reason(app, published, send_tip):
    person = published()
    response = send_tip(person_id=str(person.id), photo=b"not an image at all")
    assert response.status_code == 415
    assert 'data-field="photo"' in response.get_data(as_text=True)
    assert tips(app) == []


def test_tip_about_no_published_person_goes_to_the_province(app, province, make_person,
                                                              send_tip):
    hidden = make_person("off_a", unit="A")
    assert send_tip(person_id=str(hidden.id)).status_code == 201
    assert send_tip().status_code == 201
    with app.app_context():
        from wanted.auth.models import Unit

        units = {db.session.get(Unit, t.unit_id).code for t in tips(app)}
    assert units == {"P"} and {t.person_id for t in tips(app)} == {None}


def test_honeypot_refuses(app, published, send_tip):
    person = published()
    response = send_tip(person_id=str(person.id), website="http://spam.example")
    assert response.status_code == 400
    assert 'data-testid="tip-refused"' in response.get_data(as_text=True)
    assert tips(app) == []


def test_wrong_answer_refuses_and_a_solved_question_is_spent(app, published, public_client,
                                                             send_tip):
    person = published()
    response = send_tip(person_id=str(person.id), answer="99")
    assert response.status_code == 422
    assert 'data-field="answer"' in response.get_data(as_text=True)
    assert tips(app) == []
    page = public_client.get("/tip").get_data(as_text=True)
    answered = {**solve(page), "text": "lần một"}
    assert public_client.post("/tip", data=answered).status_code == 201
    again = public_client.post("/tip", data={**answered, "text": "lần hai"})
    assert again.status_code == 422 and len(tips(app)) == 1
    forged = public_client.post("/tip", data={"challenge": "forged", "answer": "3",
                                              "text": "x"})
    assert forged.status_code == 422 and len(tips(app)) == 1


def test_missing_text_and_oversized_fields_are_named(app, published, send_tip):
    person = published()
    response = send_tip(person_id=str(person.id), text="", seen_at="hôm qua",
                        contact="x" * 301)
    page = response.get_data(as_text=True)
    assert response.status_code == 422
    for name in ("text", "contact"):
        assert f'data-field="{name}"' in page
    response = send_tip(person_id=str(person.id), seen_at="2099-01-01T10:00")
    assert response.status_code == 422 and 'data-field="seen_at"' in response.get_data(
        as_text=True)
    assert tips(app) == []


def test_a_request_over_the_size_limit_is_413(app, portal_config, published):
    person = published()
    portal = create_public_app({**portal_config, "PUBLIC_MAX_CONTENT_LENGTH": 50_000})
    client = portal.test_client()
    page = client.get("/tip").get_data(as_text=True)
    response = client.post("/tip", data={**solve(page), "person_id": str(person.id),
                                         "text": "x" * 60_000})
    assert response.status_code == 413
    assert tips(app) == []


@pytest.mark.parametrize("redis", [False, True], ids=["memory", "redis"])
def test_rate_limit_per_address_refuses(app, portal_config, published, send_tip, redis):
    person = published()
    config = {**portal_config, "PUBLIC_TIP_RATE_LIMIT": [2, 3600]}
    if redis:
        config |= {"REDIS_URL": "redis://127.0.0.1:6379/0",
                   "RATE_LIMIT_PREFIX": f"wanted:test:{uuid.uuid4().hex}:"}
    client = create_public_app(config).test_client()
    statuses = [send_tip(client, person_id=str(person.id)).status_code for _ in range(3)]
    assert statuses == [201, 201, 429]
    assert len(tips(app)) == 2
    client.environ_base["REMOTE_ADDR"] = "10.0.0.9"  # another address has its own count
    assert send_tip(client, person_id=str(person.id)).status_code == 201


def test_receipt_shows_only_the_status(app, province, published, send_tip, public_client,
                                       client, login):
    person = published()
    response = send_tip(person_id=str(person.id), text="Đi xe máy biển 99-B1 123.45",
                        seen_place="bến xe Khe Mây", contact="0912 345 678")
    code = RECEIPT.search(response.get_data(as_text=True)).group(1)

    def status_page(typed: str) -> tuple[int, str]:
        answer = public_client.get(f"/status?code={typed}")
        return answer.status_code, answer.get_data(as_text=True)

    status, page = status_page(code.lower().replace("-", " "))
    assert status == 200 and 'data-status="received"' in page
    for detail in ("99-B1", "bến xe", "0912 345 678", "Nguyễn Văn Hùng"):
        assert detail not in page
    [tip] = tips(app)
    login("off_a")
    client.post(f"/tips/citizen/{tip.id}/take")
    assert 'data-status="handling"' in status_page(code)[1]
    client.post(f"/tips/citizen/{tip.id}/close", data={"outcome": "Đã xác minh, không đúng"})
    status, page = status_page(code)
    assert 'data-status="closed"' in page and "không đúng" not in page
    assert status_page("AAAA-BBBB-CCCC")[0] == 404
    assert status_page("<script>")[0] == 404


def test_the_unit_sees_its_queue_and_others_do_not(app, province, published, send_tip, client,
                                                   login):
    person = published()
    send_tip(person_id=str(person.id), text="Thấy ở quán nước đầu làng")
    send_tip(text="Có người lạ hay lui tới nhà bỏ hoang")
    [about, triage] = tips(app)
    login("off_a")
    page = client.get("/tips/queue").get_data(as_text=True)
    assert "quán nước đầu làng" in page and "nhà bỏ hoang" not in page
    assert client.get(f"/tips/citizen/{triage.id}").status_code == 403
    detail = client.get(f"/tips/citizen/{about.id}").get_data(as_text=True)
    assert "quán nước đầu làng" in detail and 'data-testid="take-tip"' in detail
    login("off_b")
    assert "quán nước" not in client.get("/tips/queue").get_data(as_text=True)
    assert client.get(f"/tips/citizen/{about.id}").status_code == 403
    login("off_p")  # the province sees both, the triage tip included
    page = client.get("/tips/queue").get_data(as_text=True)
    assert "quán nước đầu làng" in page and "nhà bỏ hoang" in page
    response = client.post(f"/tips/citizen/{triage.id}/close", data={"outcome": ""})
    assert response.status_code == 422 and 'data-field="outcome"' in response.get_data(
        as_text=True)


def test_an_officer_may_start_a_face_search_from_a_tip_photo(app, province, published,
                                                            send_tip, client, login):
    person = published()
    send_tip(person_id=str(person.id), photo=jpeg_bytes(320, 400))
    [tip] = tips(app)
    login("off_a")
    assert client.get(f"/tips/citizen/{tip.id}/photo.jpg").mimetype == "image/jpeg"
    refused = client.post(f"/tips/citizen/{tip.id}/search", data={"purpose": "",
                                                                  "case_ref": ""})
    assert refused.status_code == 422
    response = client.post(f"/tips/citizen/{tip.id}/search",
                           data={"purpose": "Xác minh tin báo", "case_ref": "TB-2026-7"})
    assert response.status_code == 302 and "/matches/" in response.headers["Location"]
    with app.app_context():
        search = db.session.scalar(select(MatchSearch))
        assert (search.purpose, search.case_ref) == ("Xác minh tin báo", "TB-2026-7")


@pytest.mark.parametrize("hostile", ["99999999999999999999999", "-1", "1e9", "", "٣"])
def test_hostile_person_ids_never_give_a_5xx(app, published, public_client, send_tip, client,
                                             token, hostile):
    person = published()
    assert public_client.get(f"/notices/{hostile}").status_code == 404
    assert send_tip(person_id=hostile).status_code == 201  # a tip for the province's triage
    response = client.post(f"/api/v1/persons/{person.id}/publication", headers=token("chief"),
                           json={"published": True, "photo_id": 10**30})
    assert response.status_code == 422 and "photo_id" in response.json["error"]["fields"]


@pytest.mark.parametrize("hops", [0, 1], ids=["direct", "behind-proxy"])
def test_behind_a_trusted_proxy_the_portal_limits_and_audits_each_citizen(
        app, portal_config, published, send_tip, hops):
    # Every citizen reaches the portal through its reverse proxy: without ProxyFix they would
    # all share one tip limit, and the audit would name the proxy.
    person = published()
    portal = create_public_app({**portal_config, "TRUSTED_PROXIES": hops,
                                "PUBLIC_TIP_RATE_LIMIT": [1, 3600]})
    client = portal.test_client()
    client.environ_base["REMOTE_ADDR"] = "10.0.0.1"  # the proxy
    statuses = []
    for citizen in ("192.0.2.7", "192.0.2.8"):
        client.environ_base["HTTP_X_FORWARDED_FOR"] = citizen
        statuses.append(send_tip(client, person_id=str(person.id)).status_code)
    with app.app_context():
        from wanted.audit.models import AuditEvent

        addresses = db.session.scalars(select(AuditEvent.source_ip).where(
            AuditEvent.action == "tip.public.create").order_by(AuditEvent.id)).all()
    if hops:
        assert statuses == [201, 201] and addresses == ["192.0.2.7", "192.0.2.8"]
    else:  # a forwarded header from anyone is not believed
        assert statuses == [201, 429] and addresses == ["10.0.0.1"]


def test_reading_a_tip_photo_is_audited_and_refused_to_other_units(app, province, published,
                                                                   send_tip, client, login):
    person = published()
    send_tip(person_id=str(person.id), photo=jpeg_bytes(320, 400))
    [tip] = tips(app)
    login("off_a")
    response = client.get(f"/tips/citizen/{tip.id}/photo.jpg")
    assert response.status_code == 200 and "no-store" in response.headers["Cache-Control"]
    assert response.headers["Content-Disposition"] == f"inline; filename=tip-{tip.id}-photo.jpg"
    client.post("/logout")
    login("off_b")  # the tip is in the queue of unit A
    assert client.get(f"/tips/citizen/{tip.id}/photo.jpg").status_code == 403
    with app.app_context():
        from wanted.audit.models import AuditEvent

        events = db.session.execute(select(
            AuditEvent.action, AuditEvent.actor_name, AuditEvent.outcome, AuditEvent.object_id)
            .where(AuditEvent.action.in_(["photo.read", "tip.public.view"]))
            .order_by(AuditEvent.id)).all()
    assert events == [("photo.read", "off_a", "ok", str(tip.photo_id)),
                      ("tip.public.view", "off_b", "denied", str(tip.id))]
