"""Local time (Asia/Ho_Chi_Minh) and one date format per language on the pages; the API stays
ISO with an offset; an expired session or form token gets a friendly way back."""

from datetime import datetime

from wanted.auth import services as auth
from wanted.extensions import db
from wanted.matching.models import MatchSearch
from wanted.pursuit import services
from wanted.registry.models import WantedPerson

# 20:36 UTC on 29 November is 03:36 on 30 November in Hồ Chí Minh City.
LATE = datetime(2025, 11, 29, 20, 36)


def close_late(app, person_id: int) -> None:
    with app.app_context():
        services.change_status(auth.user_by_username("sup_a"),
                               db.session.get(WantedPerson, person_id), "arrested", "bắt đêm",
                               "9/BB", LATE, document_date="2025-11-30")
        db.session.commit()


def test_timeline_shows_local_time_in_each_language(client, app, province, make_person, login):
    person = make_person("off_a", unit="A")
    close_late(app, person.id)
    login("off_a")
    page = client.get(f"/persons/{person.id}").get_data(as_text=True)
    assert "03:36 30/11/2025" in page and "29/11/2025" not in page
    assert "9/BB" in page and "ngày 30/11/2025" in page
    client.get("/lang/en")
    page = client.get(f"/persons/{person.id}").get_data(as_text=True)
    assert "30 Nov 2025, 03:36" in page and "11/30/25" not in page


def test_face_searches_show_local_time(client, app, province, login):
    with app.app_context():
        search = MatchSearch(uploaded_by=auth.user_by_username("off_a"), purpose="tuần tra",
                             case_ref="VV-1", status="done", created_at=LATE,
                             thresholds={"strong": 0.4, "possible": 0.5, "weak": 0.6})
        db.session.add(search)
        db.session.commit()
        search_id = search.id
    login("off_a")
    for url in ("/matches", f"/matches/{search_id}"):
        page = client.get(url).get_data(as_text=True)
        assert "03:36 30/11/2025" in page, url
        assert "UTC" not in page and "2025-11-29" not in page, url


def test_api_keeps_iso_times_with_an_offset(client, app, province, make_person, token):
    person = make_person("off_a", unit="A")
    close_late(app, person.id)
    items = client.get(f"/api/v1/persons/{person.id}/timeline", headers=token("off_a")).json
    status = next(i for i in items["items"] if i["kind"] == "status")
    assert status["at"] == "2025-11-29T20:36:00Z"
    assert status["document_date"] == "2025-11-30"


def test_an_expired_session_on_a_form_leads_to_sign_in_with_a_way_back(client, app, province,
                                                                        make_person, login):
    app.config["WTF_CSRF_ENABLED"] = True
    person = make_person("off_a", unit="A")
    response = client.post(f"/persons/{person.id}/log/tip", data={"text": "thấy ở chợ"},
                           headers={"Referer": f"http://localhost/persons/{person.id}"})
    assert response.status_code == 302
    assert f"/login?next=/persons/{person.id}" in response.headers["Location"]
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "Phiên làm việc đã kết thúc." in page and "400" not in page


def test_an_expired_form_token_says_what_to_do(client, app, province, make_person, login):
    person = make_person("off_a", unit="A")
    login("off_a")
    app.config["WTF_CSRF_ENABLED"] = True
    response = client.post(f"/persons/{person.id}/log/tip",
                           data={"text": "thấy ở chợ", "csrf_token": "stale"},
                           headers={"Referer": f"http://localhost/persons/{person.id}"})
    page = response.get_data(as_text=True)
    assert response.status_code == 400
    assert 'data-testid="expired-form"' in page and "Không hiểu được yêu cầu" not in page
    assert f'href="/persons/{person.id}"' in page
