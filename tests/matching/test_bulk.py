"""Bulk enrolment from the command line: folders or CSV, rejected files named, resumable."""

import shutil

from sqlalchemy import func, select

from tests.conftest import FACES
from wanted.extensions import db
from wanted.matching.models import Face, Photo
from wanted.registry.models import WantedPerson


def test_folder_import_enrols_reports_rejects_and_resumes(app, runner, province, tmp_path):
    for folder, files in {"Nguyen_Van_A": ["obama/1.jpg", "obama/2.jpg"],
                          "Tran_Thi_B": ["rose_leslie/1.jpg"]}.items():
        (tmp_path / folder).mkdir()
        for index, relative in enumerate(files):
            shutil.copy(FACES / relative, tmp_path / folder / f"{index}.jpg")
    (tmp_path / "Tran_Thi_B" / "broken.jpg").write_bytes(
        (FACES / "biden/1.jpg").read_bytes()[:300])

    result = runner.invoke(args=["faces", "import", str(tmp_path), "--user", "off_a",
                                 "--workers", "2"])
    assert result.exit_code == 0, result.output
    assert "broken.jpg: corrupt" in result.output
    assert "Enrolled 3 photo(s); rejected 1." in result.output
    with app.app_context():
        names = set(db.session.scalars(select(WantedPerson.full_name)))
        assert names == {"Nguyen Van A", "Tran Thi B"}
        assert db.session.scalar(select(func.count(Face.id))) == 3

    again = runner.invoke(args=["faces", "import", str(tmp_path), "--user", "off_a",
                                "--workers", "1"])
    assert "4 photo(s), 3 already enrolled." in again.output
    with app.app_context():
        assert db.session.scalar(select(func.count(Photo.id))) == 3


def test_csv_import_attaches_to_existing_persons(app, runner, province, make_person, tmp_path):
    person = make_person(full_name="Có sẵn")
    shutil.copy(FACES / "biden/2.jpg", tmp_path / "b.jpg")
    (tmp_path / "list.csv").write_text(f"photo,person_id\nb.jpg,{person.id}\nmissing.jpg,"
                                       f"{person.id}\n")
    result = runner.invoke(args=["faces", "import", str(tmp_path / "list.csv"), "--user",
                                 "off_a", "--workers", "1"])
    assert "missing.jpg: unreadable" in result.output
    assert "Enrolled 1 photo(s); rejected 1." in result.output
    with app.app_context():
        photo = db.session.scalars(select(Photo)).one()
        assert photo.person_id == person.id and len(photo.faces) == 1


def test_reindex_recomputes_faces(app, runner, province, make_person, tmp_path):
    shutil.copy(FACES / "biden/2.jpg", tmp_path / "b.jpg")
    (tmp_path / "l.csv").write_text(f"photo,full_name\nb.jpg,{'Người B'}\n")
    runner.invoke(args=["faces", "import", str(tmp_path / "l.csv"), "--user", "off_a",
                        "--workers", "1"])
    result = runner.invoke(args=["faces", "reindex"])
    assert "1 photo(s) reindexed, 1 face(s) found." in result.output
    with app.app_context():
        assert db.session.scalar(select(func.count(Face.id))) == 1
