"""Retention removes exactly the photos and faces past their time, and keeps the records."""

import hashlib
import io
from datetime import timedelta

from PIL import Image
from sqlalchemy import select

from wanted.audit.models import AuditEvent
from wanted.extensions import db
from wanted.matching.models import Face, MatchFace, MatchSearch, Photo
from wanted.registry.models import WantedPerson
from wanted.storage import photo_store
from wanted.timeutil import utcnow


def jpeg(shade: int) -> tuple[str, bytes]:
    buffer = io.BytesIO()
    Image.new("RGB", (60, 60), (shade, 120, 60)).save(buffer, "JPEG")
    return hashlib.sha256(buffer.getvalue()).hexdigest(), buffer.getvalue()


def add_photo(person_id: int | None, shade: int, kind: str = "registry", faces: int = 1) -> Photo:
    digest, data = jpeg(shade)
    photo_store().put(digest, data)
    photo = Photo(sha256=digest, person_id=person_id, kind=kind)
    db.session.add(photo)
    db.session.flush()
    for _ in range(faces):
        db.session.add(Face(photo_id=photo.id, person_id=person_id, top=1, right=50, bottom=50,
                            left=1, encoding=bytes(512), model="test"))
    return photo


def close(person_id: int, years_ago: float) -> None:
    person = db.session.get(WantedPerson, person_id)
    person.status = "arrested"
    person.status_changed_at = utcnow() - timedelta(days=365.25 * years_ago)


def add_search(actor_id: int, days_ago: int, shade: int) -> MatchSearch:
    photo = add_photo(None, shade, kind="field", faces=0)
    search = MatchSearch(photo=photo, uploaded_by_id=actor_id, purpose="patrol", case_ref="CR-1",
                         thresholds={"strong": 0.45, "possible": 0.5, "weak": 0.55},
                         status="done", created_at=utcnow() - timedelta(days=days_ago))
    search.faces.append(MatchFace(index=0, top=1, right=40, bottom=40, left=1,
                                  quality={"size": 39}))
    db.session.add(search)
    db.session.flush()
    return search


def test_retention_removes_exactly_what_is_past_its_time(app, client, login, runner, province,
                                                         make_person):
    old, recent, wanted = (make_person(full_name=name).id for name in ("Cũ", "Mới", "Đang"))
    with app.app_context():
        old_photos = [add_photo(old, 10), add_photo(old, 20, faces=2)]
        recent_photo, wanted_photo = add_photo(recent, 30), add_photo(wanted, 40)
        # Same bytes as one of the old person's photos: the file must stay for this one.
        shared = add_photo(wanted, 10)
        close(old, years_ago=6)
        close(recent, years_ago=1)
        old_search = add_search(province["off_a"].id, days_ago=200, shade=50)
        new_search = add_search(province["off_a"].id, days_ago=10, shade=60)
        db.session.commit()
        ids = {"old": [p.id for p in old_photos], "kept": [recent_photo.id, wanted_photo.id,
                                                         shared.id, new_search.photo_id],
               "old_search": old_search.id, "old_field": old_search.photo_id,
               "new_search": new_search.id}
        digests = {p.id: p.sha256 for p in db.session.scalars(select(Photo))}

    dry = runner.invoke(args=["retention", "run", "--dry-run"])
    assert dry.exit_code == 0 and "1 person(s), 2 photo(s), 3 face(s)" in dry.output
    assert "1 field photo(s)" in dry.output
    with app.app_context():
        assert len(db.session.scalars(select(Photo)).all()) == 7

    result = runner.invoke(args=["retention", "run"])
    assert result.exit_code == 0, result.output
    with app.app_context():
        remaining = set(db.session.scalars(select(Photo.id)))
        assert remaining == set(ids["kept"])
        assert set(db.session.scalars(select(Face.photo_id))) == {ids["kept"][0], ids["kept"][1],
                                                                   ids["kept"][2]}
        assert db.session.get(WantedPerson, old).full_name == "Cũ"
        search = db.session.get(MatchSearch, ids["old_search"])
        assert search.photo_id is None and len(search.faces) == 1
        assert db.session.get(MatchSearch, ids["new_search"]).photo_id is not None
        store = photo_store()
        assert store.count() == 6 - 2  # the old person's second photo and the old field photo
        assert store.get(digests[ids["old"][0]])  # still used by the wanted person's copy
        actions = [row for row in db.session.execute(
            select(AuditEvent.action, AuditEvent.object_id, AuditEvent.details)
            .where(AuditEvent.action.like("retention.%")).order_by(AuditEvent.id))]
    assert [(a, o) for a, o, _d in actions] == [
        ("retention.run", None), ("retention.person_photos", str(old)),
        ("retention.field_photo", str(ids["old_search"])), ("retention.run", None)]
    assert actions[0][2]["dry_run"] is True and actions[-1][2]["dry_run"] is False

    login("off_a")
    page = client.get(f"/matches/{ids['old_search']}")
    assert page.status_code == 200 and 'data-testid="photo-removed"' in page.get_data(as_text=True)
    assert client.get(f"/matches/{ids['old_search']}/faces/0.jpg").status_code == 404
