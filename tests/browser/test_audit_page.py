"""An admin reads the audit log on a phone: one card per event, nothing wider than the screen."""

from wanted.audit import services as audit
from wanted.extensions import db


def test_the_audit_log_fits_a_phone(live_app, live_server, page, sign_in):
    with live_app.app_context():
        for number in range(30):
            audit.record("person.search", actor_name="off_a", details={
                "q": "Nguyễn Văn Hùng " * 6, "filters": {"status": "wanted", "unit": "A1"},
                "page": number})
        db.session.commit()
    sign_in("admin")
    page.goto(f"{live_server}/admin/audit/?actor=off_a")
    rows = page.locator("[data-testid=audit-row]")
    assert rows.count() == 30
    assert "Nguyễn Văn Hùng" in rows.first.inner_text()
    overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
    assert overflow <= 0
    assert page.locator("[data-testid=chain-status]").get_attribute("data-ok") == "true"
