"""Exports open as CSV and XLSX and hold the rows the pages show; the notice prints a person."""

import csv
import io
import re
from datetime import date, timedelta

import pytest
from openpyxl import load_workbook

from wanted.text import fold


def read(response, fmt: str) -> list[list[str]]:
    assert response.status_code == 200
    if fmt == "csv":
        return list(csv.reader(io.StringIO(response.data.decode("utf-8-sig"))))
    sheet = load_workbook(io.BytesIO(response.data)).active
    return [["" if v is None else str(v) for v in row] for row in sheet.iter_rows(values_only=True)]


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_registry_export_holds_the_filtered_rows_of_the_page(client, province, make_person,
                                                             login, fmt):
    for name, unit in (("Nguyễn Văn Hùng", "A"), ("Nguyễn Thị Lan", "A1"),
                       ("Trần Văn Nam", "B"), ("=HYPERLINK(\"x\")", "A")):
        make_person("off_p", full_name=name, unit=unit)
    login("off_a")
    query = "q=nguyen&unit=A&sort=-name"
    page = client.get(f"/?{query}").get_data(as_text=True)
    shown = re.findall(r'class="fw-semibold">([^<]+)</a>', page)
    assert f"/registry/export.{fmt}?" in page
    rows = read(client.get(f"/registry/export.{fmt}?{query}"), fmt)
    assert rows[0][:2] == ["Mã", "Họ và tên"]  # headers follow the user's language
    client.get("/lang/en")
    assert read(client.get(f"/registry/export.{fmt}?{query}"), fmt)[0][:2] == ["ID", "Full name"]
    assert [row[1] for row in rows[1:]] == shown == ["Nguyễn Văn Hùng", "Nguyễn Thị Lan"]
    everything = read(client.get(f"/registry/export.{fmt}?unit=A"), fmt)
    assert "'=HYPERLINK(\"x\")" in [row[1] for row in everything]  # never run as a formula


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
@pytest.mark.parametrize("table", ["units", "officers", "quiet", "weekly", "campaigns"])
def test_dashboard_tables_export_the_rows_of_the_page(client, province, make_person, login,
                                                      token, fmt, table):
    for unit in ("A", "A1", "B"):
        make_person("off_p", unit=unit)
    client.post("/api/v1/campaigns", headers=token("chief"), json={
        "name": "Đợt cao điểm", "starts_on": (date.today() - timedelta(days=300)).isoformat(),
        "ends_on": (date.today() + timedelta(days=300)).isoformat(),
        "targets": [{"unit": "A", "arrests": 2}, {"unit": "B", "surrenders": 1}]})
    login("chief")
    client.get("/lang/en")
    stats = client.get("/api/v1/stats?unit=P", headers=token("chief")).json
    page = client.get("/dashboard?unit=P").get_data(as_text=True)
    rows = read(client.get(f"/dashboard/{table}.{fmt}?unit=P"), fmt)[1:]
    if table == "units":
        shown = page.split('data-testid="units-table"')[1].split("</table>")[0]
        assert [row[0] for row in rows] == re.findall(r'<tr data-unit="\w+"><td[^>]*>([^<]+)<',
                                                      shown)
        assert [int(row[1]) for row in rows] == [u["by_status"]["wanted"] for u in stats["units"]]
    elif table == "officers":
        assert [row[1] for row in rows] == re.findall(r'<tr data-officer="(\w+)">', page)
    elif table == "quiet":
        assert rows == [] and "No quiet case." in page
    elif table == "weekly":
        assert len(rows) == len(stats["weekly"]) == 26
    else:
        assert [row[1] for row in rows] == ["Công an phường Đông Thành", "Công an xã Khe Mây"]


def test_unknown_export_is_404(client, province, login):
    login("chief")
    assert client.get("/dashboard/secrets.csv").status_code == 404
    assert client.get("/registry/export.pdf").status_code == 404


def test_wanted_notice_shows_identity_charges_decision_and_contact(client, province,
                                                                  make_person, login):
    person = make_person("off_p", full_name="Lò Văn Pánh", unit="B", charges=["173"],
                         decision={"number": "07/QĐ-CSĐT", "agency": "CQCSĐT Công an tỉnh"})
    login("off_a")
    client.get("/lang/en")
    assert f"/persons/{person.id}/notice" in client.get(f"/persons/{person.id}").get_data(
        as_text=True)
    page = client.get(f"/persons/{person.id}/notice").get_data(as_text=True)
    assert "Lò Văn Pánh" in page and "Article 173" in page and "07/QĐ-CSĐT" in page
    assert "Công an xã Khe Mây" in re.search(r'data-testid="notice-contact">([^<]+)', page)[1]


def test_registry_xlsx_has_names_real_dates_widths_frozen_header_and_a_descriptive_name(
        client, province, make_person, login):
    import datetime as dt
    import io as _io

    from openpyxl import load_workbook

    make_person("off_a", full_name="Đỗ Văn Xuất", charges=["173"], birth_date="1990-04-05",
                decision={"number": "3/QĐ", "date": "2025-02-03"})
    login("off_a")
    response = client.get("/registry/export.xlsx?q=xuat")
    assert "danh-sach-truy-na-" in response.headers["Content-Disposition"]
    sheet = load_workbook(_io.BytesIO(response.data)).active
    row = [cell.value for cell in sheet[2]]
    assert dt.datetime(1990, 4, 5) in row and dt.datetime(2025, 2, 3) in row
    assert any(isinstance(v, str) and "Trộm cắp tài sản" in v for v in row)
    assert "Off_A" in row  # the officer's name, not the username
    assert sheet.freeze_panes == "A2"
    assert sheet.column_dimensions["B"].width >= 12


def test_registry_csv_is_streamed_in_batches_in_the_page_order(app, client, province,
                                                               make_person, login, monkeypatch):
    from wanted.oversight import exports

    monkeypatch.setattr(exports, "BATCH_ROWS", 2)
    names = ["Vũ Văn An", "Đặng Thị Bích", "Lê Văn Cường", "Phạm Thị Dung", "Hồ Văn Em"]
    for name in names:
        make_person("off_a", full_name=name, charges=["173"])
    login("chief")
    response = client.get("/registry/export.csv?sort=name")
    assert response.status_code == 200 and response.is_streamed
    assert response.headers["Content-Disposition"].startswith(
        'attachment; filename="danh-sach-truy-na-')
    pieces = iter(response.response)
    header, first = next(pieces), next(pieces)
    assert header.startswith("\ufeff".encode()) and first.decode().count("\n") == 2
    # Half-read, the download holds no transaction: another request can still write (on SQLite
    # a held transaction would keep the write lock until the download ends).
    make_person("off_a", full_name="Ngô Văn Giang")
    rows = list(csv.reader(io.StringIO(
        b"".join([header, first, *pieces]).decode("utf-8-sig"))))
    assert [row[1] for row in rows[1:]] == sorted(names, key=fold)
    assert all("Điều 173 – Trộm cắp tài sản" in row[6] for row in rows[1:])


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_an_export_above_the_cap_is_refused_naming_the_count(app, client, province, make_person,
                                                             login, fmt):
    from sqlalchemy import select

    from wanted.audit.models import AuditEvent
    from wanted.extensions import db

    app.config["EXPORT_MAX_ROWS"] = 2
    for unit in ("A", "A", "B"):
        make_person("off_p", unit=unit)
    login("chief")
    client.get("/lang/en")
    response = client.get(f"/registry/export.{fmt}?status=wanted", follow_redirects=True)
    page = response.get_data(as_text=True)
    assert response.status_code == 200 and response.mimetype == "text/html"
    assert response.request.path == "/" and response.request.args["status"] == "wanted"
    assert ("3 persons match these filters, more than the 2 one export may hold. Narrow the "
            "filters") in page
    assert len(read(client.get(f"/registry/export.{fmt}?unit=A"), fmt)) == 3  # within: a file
    with app.app_context():
        exported = db.session.scalars(select(AuditEvent.details).where(
            AuditEvent.action == "export.registry")).all()
    assert [details["rows"] for details in exported] == [2]


def test_the_cap_message_follows_the_language(app, client, province, make_person, login):
    app.config["EXPORT_MAX_ROWS"] = 1
    make_person("off_p")
    make_person("off_p")
    login("chief")
    page = client.get("/registry/export.csv", follow_redirects=True).get_data(as_text=True)
    assert "Có 2 đối tượng khớp bộ lọc" in page


def test_registry_xlsx_is_sent_as_a_stream_and_opens_with_the_rows(client, province,
                                                                   make_person, login,
                                                                   monkeypatch):
    import datetime as dt

    from wanted.oversight import exports

    monkeypatch.setattr(exports, "BATCH_ROWS", 2)
    for index in range(5):
        make_person("off_a", full_name=f"Trịnh Văn {'ABCDE'[index]}",
                    birth_date=f"199{index}-01-0{index + 1}")
    login("off_a")
    client.get("/lang/en")
    response = client.get("/registry/export.xlsx?q=trinh&sort=-name")
    assert response.status_code == 200 and response.is_streamed
    assert response.headers["Content-Disposition"].startswith("attachment; filename=danh-sach-")
    sheet = load_workbook(io.BytesIO(response.data)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][:5] == ("ID", "Full name", "Aliases", "Sex", "Born")
    assert [row[1] for row in rows[1:]] == [f"Trịnh Văn {c}" for c in "EDCBA"]
    assert rows[1][4] == dt.datetime(1994, 1, 5) and rows[5][4] == dt.datetime(1990, 1, 1)
    assert sheet.cell(row=2, column=5).number_format == "DD/MM/YYYY"
    assert sheet.cell(row=1, column=1).font.bold and sheet.freeze_panes == "A2"
