"""The gallery is saved per version beside the photos; a new process loads it and catches up."""

import pytest

from tests.conftest import FACES
from tests.matching.test_search_flow import ENROL, enrol
from wanted import create_app
from wanted.matching import services
from wanted.matching.gallery import Gallery

pytestmark = pytest.mark.skipif(not FACES.is_dir(), reason=f"sample faces absent at {FACES}")


def test_a_new_process_loads_the_saved_gallery_then_replays_later_changes(
        app, client, token, province, make_person, monkeypatch):
    headers = token("off_a")
    obama, biden = make_person(full_name="Test obama"), make_person(full_name="Test biden")
    enrol(client, headers, obama.id, ENROL["obama"])
    with app.app_context():
        query = services.active_faces()[0][2]
        # The first process built the gallery (at its first duplicate check) and saved it.
        assert services.current_gallery().search(query, k=1, max_distance=0.6)
        assert services.snapshots()
    enrol(client, headers, biden.id, ENROL["biden"])

    def no_build(self, rows):
        raise AssertionError("a new process must load the saved gallery, not rebuild it")

    monkeypatch.setattr(Gallery, "build", no_build)
    second = create_app({"SQLALCHEMY_DATABASE_URI": app.config["SQLALCHEMY_DATABASE_URI"],
                         "STORAGE_DIR": app.config["STORAGE_DIR"]})
    with second.app_context():
        gallery = services.current_gallery()
        assert len(gallery) == 2  # loaded from the file, then the change log replayed
        assert gallery.search(query, k=1, max_distance=0.6)[0].person_id == obama.id
