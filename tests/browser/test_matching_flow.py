"""An officer uploads a field photo, sees the candidates as leads, and records a review."""

from tests.conftest import FACES
from wanted.auth import services as auth
from wanted.extensions import db
from wanted.matching import services as matching
from wanted.registry.services import create_person


def enrol(app, name: str, relative: str) -> None:
    with app.app_context():
        officer = auth.user_by_username("off_a")
        person = create_person(officer, {"full_name": name})
        check = matching.check_registry_photo(officer, person, (FACES / relative).read_bytes())
        matching.save_registry_photo(officer, person, check)
        db.session.commit()


def test_upload_see_candidates_and_review(live_app, live_server, page, sign_in):
    enrol(live_app, "Đối tượng thử nghiệm A", "obama/1.jpg")
    enrol(live_app, "Đối tượng thử nghiệm B", "kit_harington/1.jpg")
    sign_in("off_a")
    page.goto(f"{live_server}/matches/new")
    page.set_input_files("#photo", str(FACES / "obama/2.jpg"))
    page.fill("#purpose", "Xác minh người nghi vấn tại bến xe")
    page.fill("#case_ref", "VV-07/2026")
    page.click("main form button[type=submit]")

    page.wait_for_selector("[data-testid=candidate]")
    assert page.locator("[data-testid=lead-warning]").is_visible()
    first = page.locator("[data-testid=candidate]").first
    assert "Đối tượng thử nghiệm A" in first.inner_text()
    crop = page.locator("img.face-crop").first
    crop.wait_for()  # the candidate list can be in the page before its images have arrived
    page.wait_for_function("img => img.complete", arg=crop.element_handle())
    assert crop.evaluate("img => img.naturalWidth") > 0, "the face crop did not load"
    photo = page.locator("[data-testid=field-photo] img").bounding_box()
    box = page.locator("[data-testid=face-box]").first
    assert box.inner_text() == "1"
    area = box.bounding_box()
    assert 0 < area["width"] < photo["width"] and 0 < area["height"] < photo["height"]
    assert photo["x"] <= area["x"] and area["x"] + area["width"] <= photo["x"] + photo["width"]
    assert photo["y"] <= area["y"] and area["y"] + area["height"] <= photo["y"] + photo["height"]

    first.locator("select[name=decision]").select_option("candidate")
    first.locator("input[name=note]").fill("Khớp vết sẹo ở cằm")
    first.locator("button[type=submit]").click()
    page.click("[data-testid=confirm]")  # raising a hit is confirmed on its own page
    review = page.locator("[data-testid=review]").first
    review.wait_for()
    assert "Khớp vết sẹo ở cằm" in review.inner_text()
