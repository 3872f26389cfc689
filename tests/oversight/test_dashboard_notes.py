"""Every figure of the dashboard says in one line what it counts, in Vietnamese and English."""

import re

EXPLAINED = {"status-counts", "wanted", "arrested", "surrendered", "deceased", "cancelled",
             "withdrawn", "special_outstanding", "hits_overdue", "tips_overdue",
             "validation_overdue", "median_hit_response_minutes", "weekly", "campaigns",
             "units", "quiet", "officers"}


def notes(page: str) -> dict[str, str]:
    """Map each explained figure to its line of explanation, as the page shows it."""
    return {key: re.sub(r"\s+", " ", text).strip()
            for key, text in re.findall(r'data-explain="([\w-]+)">([^<]+)<', page)}


def test_each_dashboard_figure_is_explained_in_vietnamese(client, app, province, login):
    app.config.update(QUIET_DAYS=45, HIT_RESPONSE_MINUTES=90, TIP_RESPONSE_HOURS=36,
                      VALIDATION_MONTHS=6)
    login("sup_a")
    shown = notes(client.get("/dashboard").get_data(as_text=True))
    assert set(shown) == EXPLAINED
    assert shown["wanted"] == "Đối tượng đang truy nã thuộc đơn vị của bạn"
    assert shown["cancelled"] == "Hồ sơ đã kết thúc theo quyết định đình nã"
    assert shown["special_outstanding"] == "Đối tượng truy nã đặc biệt còn đang lẩn trốn"
    assert "trong 45 ngày trở lên" in shown["quiet"]
    assert "quá 90 phút" in shown["hits_overdue"]
    assert "sau 36 giờ" in shown["tips_overdue"]
    assert "trong 6 tháng" in shown["validation_overdue"]
    assert "không tính các đơn vị trực thuộc" in shown["units"]
    assert all(not text.isascii() for text in shown.values())  # no English left behind


def test_each_dashboard_figure_is_explained_in_english(client, app, province, login):
    login("sup_a")
    client.get("/lang/en")
    shown = notes(client.get("/dashboard").get_data(as_text=True))
    assert set(shown) == EXPLAINED
    assert shown["wanted"] == "Wanted persons of your units still at large"
    assert shown["quiet"] == ("Wanted persons with no contact, attempt, tip or status change "
                              "logged for 30 days or more.")
    assert shown["hits_overdue"].startswith("Hits raised from a face search more than 60 minutes")
    assert "24 hours" in shown["tips_overdue"] and "12 months" in shown["validation_overdue"]
    assert "whatever the dates chosen" in shown["status-counts"]
