"""Search finds names regardless of case and diacritics, and ID numbers exactly, on both DBs."""

import re

import pytest
from sqlalchemy import update

from tests.public.conftest import jpeg_bytes
from wanted.auth.models import Unit
from wanted.extensions import db
from wanted.matching import services as matching
from wanted.registry.services import get_person

NAMES = ["Nguyễn Văn Hùng", "Nguyễn Thị Hương", "Đặng Đức Dũng", "Trần Văn Hưng", "Lê Dung",
         "Phạm Minh Tuấn"]


@pytest.fixture
def registry(province, make_person):
    people = {name: make_person(full_name=name) for name in NAMES}
    people["alias"] = make_person(full_name="Hoàng Văn Tí", aliases=["Tí 'sẹo'", "Bin"],
                                  id_number="098090001234")
    return people


def search(client, token, **params):
    response = client.get("/api/v1/persons", query_string=params, headers=token("off_b"))
    assert response.status_code == 200, response.json
    return sorted(item["full_name"] for item in response.json["items"])


@pytest.mark.parametrize(("q", "expected"), [
    ("nguyen van hung", ["Nguyễn Văn Hùng"]),
    ("NGUYEN", ["Nguyễn Thị Hương", "Nguyễn Văn Hùng"]),
    ("Nguyễn Văn Hùng", ["Nguyễn Văn Hùng"]),
    ("hung", ["Nguyễn Văn Hùng", "Trần Văn Hưng"]),  # hùng and hưng both fold to hung
    ("dang duc", ["Đặng Đức Dũng"]),  # "d" finds "đ"
    ("dung", ["Lê Dung", "Đặng Đức Dũng"]),
    ("đung", ["Lê Dung", "Đặng Đức Dũng"]),
    ("seo", ["Hoàng Văn Tí"]),  # aliases are searched too
    ("bin", ["Hoàng Văn Tí"]),
    ("098090001234", ["Hoàng Văn Tí"]),  # ID number, exactly
    ("09809000123", []),  # part of an ID number is not a match
    ("uyen", []),  # words match from their start, not in the middle
    ("xyz", []),
])
def test_search_ignores_case_and_diacritics(client, token, registry, q, expected):
    assert search(client, token, q=q) == expected


def test_search_page_shows_matches_and_count(client, login, registry):
    login("off_a")
    page = client.get("/?q=nguyen+van+hung").get_data(as_text=True)
    assert "Nguyễn Văn Hùng" in page
    assert "Trần Văn Hưng" not in page


def unit_options(client) -> list[tuple[str, str]]:
    """Return the search page's unit filter as (code, label) pairs, after "All units"."""
    page = client.get("/").get_data(as_text=True)
    select = page.split('id="unit" name="unit">', 1)[1].split("</select>", 1)[0]
    return re.findall(r'<option value="([^"]+)"\s*>([^<]*)</option>', select)


def test_the_unit_filter_lists_every_unit_under_its_parent(client, login, province):
    login("off_a")
    assert unit_options(client) == [
        ("P", "Công an tỉnh Bình Sơn"), ("A", "— Công an phường Đông Thành"),
        ("A1", "— — Tổ công tác phường Đông Thành"), ("B", "— Công an xã Khe Mây")]


def test_a_unit_added_or_renamed_shows_in_the_unit_filter_on_the_next_page(
        app, client, login, province, make_unit):
    login("off_a")
    assert ("B", "— Công an xã Khe Mây") in unit_options(client)
    make_unit("A2", "Đội tuần tra Đông Thành", "A")
    with app.app_context():
        db.session.execute(update(Unit).where(Unit.code == "B")
                           .values(name="Công an xã Khe Mây mới"))
        db.session.commit()
    assert unit_options(client) == [
        ("P", "Công an tỉnh Bình Sơn"), ("A", "— Công an phường Đông Thành"),
        ("A1", "— — Tổ công tác phường Đông Thành"), ("A2", "— — Đội tuần tra Đông Thành"),
        ("B", "— Công an xã Khe Mây mới")]
    # The new unit is a filter like any other, sub-units included.
    assert client.get("/?unit=A2").status_code == 200


def test_the_filters_name_statuses_charges_and_classes_in_the_chosen_language(
        client, login, province):
    login("off_a")
    page = client.get("/").get_data(as_text=True)
    assert '<option value="wanted" >Đang truy nã</option>' in page
    assert '<option value="theft" >Trộm cắp tài sản</option>' in page
    assert '<option value="special" >Đặc biệt</option>' in page
    client.get("/lang/en")
    page = client.get("/").get_data(as_text=True)
    assert '<option value="wanted" >Wanted</option>' in page
    assert '<option value="theft" >Theft</option>' in page
    assert '<option value="special" >Special (đặc biệt)</option>' in page


def result_row(page: str, name: str) -> str:
    """Return the row of the results table that names this person."""
    return next(row for row in page.split("<tr>") if f">{name}</a>" in row)


@pytest.fixture
def listed(app, province, make_person):
    """Two persons for the results table: one with everything a row shows, one with little."""
    full = make_person("off_a", full_name="Trần Văn Bảy", aliases=["Bảy Sẹo", "Tí <Út>"],
                       birth_date="1990-03-05", danger_class="special", charges=["173", "168"])
    bare = make_person("off_b", full_name="Trần Thị Tám", birth_year=1985)
    with app.app_context():
        person = get_person(full.id)
        photos = [matching.store_photo(matching.intake(jpeg_bytes(colour=colour)), actor=None,
                                       kind="registry", person=person)
                  for colour in ("#a08060", "#406080")]
        photos[0].is_primary = True  # the older photo is the primary one
        db.session.commit()
        return {"full": full.id, "bare": bare.id, "primary": photos[0].id}


@pytest.mark.parametrize(("lang", "words"), [
    ("en", [">Special</span>", "alias: Bảy Sẹo, Tí &lt;Út&gt;", "born 1990", ">5 Mar 1990<",
            "Art. 168, Art. 173", 'data-status="wanted">Wanted</span>']),
    ("vi", [">Đặc biệt</span>", "tên gọi khác: Bảy Sẹo, Tí &lt;Út&gt;", "sinh năm 1990",
            ">05/03/1990<", "Điều 168, Điều 173", 'data-status="wanted">Đang truy nã</span>']),
])
def test_a_result_row_shows_photo_name_aliases_birth_charges_unit_and_status(
        client, login, listed, lang, words):
    login("off_a")
    client.get(f"/lang/{lang}")
    page = client.get("/?q=tran").get_data(as_text=True)
    row = result_row(page, "Trần Văn Bảy")
    assert f'src="/photos/{listed["primary"]}"' in row  # the primary photo, not the newest
    assert f'href="/persons/{listed["full"]}"' in row
    for word in [*words, "Công an phường Đông Thành"]:
        assert word in row, word
    bare = result_row(page, "Trần Thị Tám")
    assert 'class="person-thumb"' not in bare and words[0] not in bare  # not special
    assert ">1985<" in bare and "Công an xã Khe Mây" in bare
    assert page.index("Trần Thị Tám") < page.index("Trần Văn Bảy")  # name order


def test_filters_combine_and_unit_includes_sub_units(client, token, province, make_person):
    make_person(full_name="Người Ở A1", unit="A1", birth_year=1990, danger_class="special")
    make_person(full_name="Người Ở A", unit="A", birth_year=1985, charges=["251"])
    make_person(actor="off_b", full_name="Người Ở B", birth_year=1990)
    assert search(client, token, unit="A") == ["Người Ở A", "Người Ở A1"]
    assert search(client, token, unit="B") == ["Người Ở B"]
    assert search(client, token, born_from=1988) == ["Người Ở A1", "Người Ở B"]
    assert search(client, token, born_to=1985) == ["Người Ở A"]
    assert search(client, token, danger_class="special") == ["Người Ở A1"]
    assert search(client, token, charge_category="drugs") == ["Người Ở A"]
    assert search(client, token, status="arrested") == []


def test_sorting_and_pagination_are_stable(client, token, province, make_person):
    for name in ["Bùi C", "An B", "Đỗ A", "Cao D"]:
        make_person(full_name=name)
    headers = token("off_a")
    first = client.get("/api/v1/persons?sort=name&per_page=3", headers=headers).json
    second = client.get("/api/v1/persons?sort=name&per_page=3&page=2", headers=headers).json
    assert first["total"] == 4
    assert [p["full_name"] for p in first["items"]] == ["An B", "Bùi C", "Cao D"]
    assert [p["full_name"] for p in second["items"]] == ["Đỗ A"]


@pytest.mark.parametrize(("params", "field"), [
    ({"status": "lost"}, "status"), ({"born_from": "19x0"}, "born_from"),
    ({"per_page": "1000"}, "per_page"), ({"sort": "evil"}, "sort"), ({"page": "0"}, "page"),
])
def test_bad_filters_are_422_naming_the_field(client, token, province, params, field):
    response = client.get("/api/v1/persons", query_string=params, headers=token("off_a"))
    assert response.status_code == 422
    assert field in response.json["error"]["fields"]


def test_unknown_unit_filter_is_404_json(client, token, province):
    response = client.get("/api/v1/persons?unit=NOPE", headers=token("off_a"))
    assert response.status_code == 404
    assert response.json["error"]["code"] == "not_found"


@pytest.mark.parametrize("share", [0.0, 1.0])  # never / always through the trigram index
def test_both_routes_of_a_name_search_find_the_same_page(client, token, registry, monkeypatch,
                                                         share):
    from wanted.registry import services

    monkeypatch.setattr(services, "TRIGRAM_ROUTE_SHARE", share)
    headers = token("off_b")
    for q, expected in (("hung", ["Nguyễn Văn Hùng", "Trần Văn Hưng"]),
                        ("van", ["Hoàng Văn Tí", "Nguyễn Văn Hùng", "Trần Văn Hưng"]),
                        ("nguyen thi", ["Nguyễn Thị Hương"]), ("tuan minh", ["Phạm Minh Tuấn"])):
        for sort, order in (("name", expected), ("-name", expected[::-1])):
            page = client.get("/api/v1/persons", query_string={"q": q, "sort": sort, "per_page": 2},
                              headers=headers).json
            assert page["total"] == len(expected)
            assert [item["full_name"] for item in page["items"]] == order[:2]


def test_an_id_number_stored_in_another_shape_is_found_whole(app, client, token, registry):
    from sqlalchemy import text

    from wanted.extensions import db

    with app.app_context():  # stored before the schema asked for 9 or 12 digits
        db.session.execute(text("UPDATE wanted_persons SET id_number = 'B7654321' "
                                "WHERE id = :i"), {"i": registry["Lê Dung"].id})
        db.session.commit()
    assert search(client, token, q="B7654321") == ["Lê Dung"]
    assert search(client, token, q="b765") == []
    assert search(client, token, q="le dung") == ["Lê Dung"]


def test_a_search_answers_whole_persons_a_page_at_a_time_with_the_total(client, token, province,
                                                                      make_person):
    full = make_person(full_name="Vi Thị Mai", aliases=["Mai đen", "Mai"], sex="female",
                       birth_date="1991-02-03", id_number="098191001122",
                       charges=["290", "174", "168"], danger_class="special",
                       caution_flags=["escape_risk", "armed"], birth_place="Bình Sơn",
                       marks="sẹo ở cằm", unit="A1", assigned_officer="off_a",
                       decision={"number": "15/QĐ-CSĐT", "date": "2025-05-01",
                                 "agency": "Cơ quan CSĐT", "issued_by": "Đại tá X"})
    for name in ("Vi Văn An", "Lò Vi", "Vi Thị Bé"):
        make_person("off_b", full_name=name)
    headers = token("off_b")

    def page(number: int) -> dict:
        return client.get("/api/v1/persons", query_string={"q": "vi", "per_page": 2,
                                                           "page": number}, headers=headers).json

    first, second, beyond = page(1), page(2), page(5)
    assert [p["full_name"] for p in first["items"]] == ["Lò Vi", "Vi Thị Bé"]
    assert [p["full_name"] for p in second["items"]] == ["Vi Thị Mai", "Vi Văn An"]
    assert (first["total"], first["page"], first["per_page"]) == (4, 1, 2)
    assert beyond == {**second, "page": 2}  # past the last page: the last
    item = second["items"][0]
    assert item == client.get(f"/api/v1/persons/{full.id}", headers=headers).json
    assert item["charges"] == ["168", "174", "290"]  # in article order
    assert (item["unit"], item["assigned_officer"], item["version"]) == ("A1", "off_a", 1)
    assert item["decision"]["date"] == "2025-05-01" and item["aliases"] == ["Mai đen", "Mai"]
    bare = first["items"][0]
    assert (bare["unit"], bare["assigned_officer"], bare["charges"]) == ("B", "off_b", [])
    assert set(bare) == set(item)
