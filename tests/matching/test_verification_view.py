"""What an officer sees to verify a lead: numbered faces, candidate details, uploaded photos."""

import io
import re

from tests.conftest import FACES


def photo_file(relative: str) -> tuple[io.BytesIO, str]:
    return io.BytesIO((FACES / relative).read_bytes()), relative.replace("/", "_")


def enrol(client, headers, person_id: int, relative: str) -> int:
    response = client.post(f"/api/v1/persons/{person_id}/photos", headers=headers,
                           data={"photo": photo_file(relative)},
                           content_type="multipart/form-data")
    assert response.status_code == 201, response.json
    return response.json["id"]


def match(client, headers, relative: str) -> dict:
    response = client.post("/api/v1/matches", headers=headers, data={
        "purpose": "xác minh đối tượng", "case_ref": "VV-12/2026", "photo": photo_file(relative)},
        content_type="multipart/form-data")
    assert response.status_code == 201, response.json
    return response.json


def test_result_page_numbers_the_faces_and_details_each_candidate(client, token, login,
                                                                  province, make_person):
    headers = token("off_a")
    obama = make_person(full_name="Đối tượng Một", birth_year=1961,
                        marks="Sẹo dài ở cằm trái", caution_flags=["armed", "escape_risk"])
    first = enrol(client, headers, obama.id, "obama/1.jpg")
    second = enrol(client, headers, obama.id, "obama/4.jpg")
    biden = make_person(full_name="Đối tượng Hai")
    enrol(client, headers, biden.id, "biden/2.jpg")
    search = match(client, headers, "_multiface/2.jpg")
    assert len(search["faces"]) >= 2
    login("off_a")
    page = client.get(f"/matches/{search['id']}").get_data(as_text=True)

    assert 'data-testid="lead-warning"' in page
    assert 'data-testid="field-photo"' in page
    boxes = re.findall(r'data-testid="face-box" href="#face-(\d+)" style="left:([\d.]+)%;'
                       r'top:([\d.]+)%;width:([\d.]+)%;height:([\d.]+)%"><span>(\d+)</span>', page)
    assert [int(b[0]) for b in boxes] == [face["index"] for face in search["faces"]]
    assert [int(b[5]) for b in boxes] == [face["index"] + 1 for face in search["faces"]]
    assert all(0 <= float(v) <= 100 for b in boxes for v in b[1:5])
    assert all(float(b[3]) > 0 and float(b[4]) > 0 for b in boxes)
    for face in search["faces"]:
        assert f'<a href="/matches/{search["id"]}/faces/{face["index"]}.jpg" target="_blank"' \
            in page

    assert "Sinh: 1961" in page
    assert "Sẹo, dấu vết riêng, hình xăm: Sẹo dài ở cằm trái" in page
    assert "Có vũ khí" in page
    other_photos = re.findall(r'data-testid="other-photos">(.*?)</div>', page, re.S)
    assert other_photos
    shown = set(re.findall(r"/photos/(\d+)", " ".join(other_photos)))
    assert shown and shown < {str(first), str(second)}
    client.get("/lang/en")
    page = client.get(f"/matches/{search['id']}").get_data(as_text=True)
    assert "Born: 1961" in page
    assert "Scars, marks, tattoos: Sẹo dài ở cằm trái" in page
    assert "Armed" in page and "Escape risk" in page
    assert "each numbered box is the face of the same number below" in page


def test_the_registry_photo_confirmation_shows_the_photo(client, login, province, make_person):
    person = make_person(full_name="Đối tượng Ba")
    login("off_a")
    page = client.post(f"/persons/{person.id}/photos/new", data={
        "photo": photo_file("obama/1.jpg")}, content_type="multipart/form-data")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert 'data-testid="no-duplicates"' in html and 'data-testid="no-face-found"' not in html
    src = re.search(r'data-testid="uploaded-photo" src="([^"]+)"', html).group(1)
    image = client.get(src)
    assert image.status_code == 200 and image.mimetype == "image/jpeg"
    assert image.data[:2] == b"\xff\xd8"
    other = make_person(full_name="Đối tượng Bốn")
    assert client.get(src.replace(f"/persons/{person.id}/", f"/persons/{other.id}/")) \
        .status_code == 404
    assert client.get(src.replace(".jpg", "x.jpg")).status_code == 404


def test_a_photo_without_a_face_is_not_reported_as_clean(client, login, province, make_person):
    person = make_person(full_name="Đối tượng Năm")
    login("off_a")
    html = client.post(f"/persons/{person.id}/photos/new", data={
        "photo": photo_file("_noface/1.jpg")}, content_type="multipart/form-data"
    ).get_data(as_text=True)
    assert 'data-testid="no-face-found"' in html
    assert 'data-testid="no-duplicates"' not in html
    assert 'data-testid="uploaded-photo"' in html
    client.get("/lang/en")
    html = client.post(f"/persons/{person.id}/photos/new", data={
        "photo": photo_file("_noface/1.jpg")}, content_type="multipart/form-data"
    ).get_data(as_text=True)
    assert "No face was found in this photo, so it cannot be used for face matching" in html


def test_a_preview_is_only_for_those_who_may_add_photos(client, login, province, make_person):
    person = make_person(full_name="Đối tượng Sáu")
    login("off_a")
    html = client.post(f"/persons/{person.id}/photos/new", data={
        "photo": photo_file("obama/1.jpg")}, content_type="multipart/form-data"
    ).get_data(as_text=True)
    src = re.search(r'data-testid="uploaded-photo" src="([^"]+)"', html).group(1)
    client.post("/logout")
    login("off_b")
    assert client.get(src).status_code == 403
