"""The printed notice in the official layout; a closed case prints a notice of withdrawal."""

from wanted.auth import services as auth
from wanted.extensions import db
from wanted.pursuit import services as pursuit
from wanted.registry.models import WantedPerson

PERSON = {"full_name": "Phạm Văn Thông", "charges": ["173"],
          "decision": {"number": "15/QĐ-TN", "date": "2025-02-03", "agency": "CQCSĐT",
                       "issued_by": "Đại tá Nguyễn Văn Ký"}}


def test_notice_has_the_national_header_number_contact_and_signature(client, app, province,
                                                                     make_person, login):
    person = make_person("off_a", unit="A", **PERSON)
    login("admin")
    client.post(f"/admin/units/{province['off_a'].unit_id}/contact", data={
        "address": "12 Lê Lợi, phường Đông Thành", "phone": "0203 3851 113"})
    login("off_a")
    page = client.get(f"/persons/{person.id}/notice").get_data(as_text=True)
    assert "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" in page and "Độc lập - Tự do - Hạnh phúc" in page
    assert f"Số: {person.id}/TB-A" in page and 'data-testid="notice-date">Ngày ' in page
    assert "12 Lê Lợi, phường Đông Thành" in page and "Điện thoại: 0203 3851 113" in page
    assert "Quyết định truy nã số 15/QĐ-TN, 03/02/2025" in page
    assert "Thủ trưởng đơn vị" in page and "Đại tá Nguyễn Văn Ký" in page
    assert "Công an tỉnh Bình Sơn" in page  # the parent unit above the issuing one


def test_a_closed_case_prints_a_notice_of_withdrawal(client, app, province, make_person, login):
    person = make_person("off_a", unit="A", **PERSON)
    with app.app_context():
        pursuit.change_status(auth.user_by_username("sup_a"),
                              db.session.get(WantedPerson, person.id), "withdrawn", "hủy",
                              "20/QĐ-HB", document_date="2025-06-02")
        db.session.commit()
    login("off_a")
    page = client.get(f"/persons/{person.id}/notice").get_data(as_text=True)
    assert "Thông báo hủy bỏ thông báo truy nã" in page
    assert "20/QĐ-HB" in page and "02/06/2025" in page
    assert "Ai phát hiện đối tượng này" not in page
    assert 'data-testid="notice-closed"' in page
