"""The demo data generators: made-up people, units, charges and portraits."""

import io
import random
import re
import unicodedata
from collections import Counter
from datetime import date

import pytest
from PIL import Image

from wanted.demo import names
from wanted.demo.portraits import portrait_jpeg
from wanted.pursuit.models import ATTEMPT_OUTCOMES, CHANNELS, OUTREACH_OUTCOMES, TIP_SOURCES
from wanted.registry.charges_data import CATEGORIES, CHARGES
from wanted.registry.models import CAUTION_FLAGS, DANGER_CLASSES, SEXES

TODAY = date(2025, 11, 1)
CATEGORY_CODES = {
    "theft", "robbery", "snatching", "injury", "drugs", "loan_sharking", "fraud", "economic",
    "corruption", "environment", "organised", "murder", "other",
}


def people(seed: int, count: int = 200) -> list[names.SyntheticPerson]:
    """Return `count` made-up persons drawn from one seed."""
    rng = random.Random(seed)
    categories = sorted(CATEGORY_CODES)
    return [names.make_person(rng, TODAY, rng.choice(categories)) for _ in range(count)]


def walk(unit: names.UnitSeed) -> list[names.UnitSeed]:
    """Return the unit and every unit under it."""
    return [unit, *(child for sub in unit.children for child in walk(sub))]


def test_same_seed_gives_same_people():
    assert people(7) == people(7)


def test_different_seeds_give_different_people():
    assert [p.full_name for p in people(7)] != [p.full_name for p in people(8)]


def test_names_carry_diacritics_in_composed_form():
    full_names = [p.full_name for p in people(1, 500)]
    with_marks = [n for n in full_names if not n.isascii()]
    assert len(with_marks) > 0.9 * len(full_names)
    assert all(unicodedata.normalize("NFC", n) == n for n in full_names)
    assert all(len(n.split()) >= 2 for n in full_names)


def test_nguyen_is_the_most_common_family_name():
    families = Counter(p.full_name.split()[0] for p in people(2, 1000))
    assert families.most_common(1)[0][0] == "Nguyễn"
    assert 0.25 < families["Nguyễn"] / 1000 < 0.45


def test_nguyen_van_hung_can_occur():
    rng = random.Random(3)
    assert any(names.full_name(rng, "male") == "Nguyễn Văn Hùng" for _ in range(50_000))


def test_id_numbers_are_twelve_digits_under_the_fictional_province_code():
    numbered = [p for p in people(4, 500) if p.id_number is not None]
    assert len(numbered) > 400
    for person in numbered:
        assert re.fullmatch(r"\d{12}", person.id_number)
        assert person.id_number.startswith(names.PROVINCE_ID_CODE)
        century_sex = (0 if person.birth_year < 2000 else 2) + (person.sex == "female")
        assert person.id_number[3] == str(century_sex)
        assert person.id_number[4:6] == f"{person.birth_year % 100:02d}"


def test_some_records_only_know_the_birth_year():
    persons = people(5, 300)
    assert any(p.birth_date is None for p in persons)
    dated = [p for p in persons if p.birth_date is not None]
    assert dated and all(p.birth_date.year == p.birth_year for p in dated)
    assert all(p.decision_date.year - p.birth_year >= 18 for p in persons)
    assert all(p.decision_date < TODAY for p in persons)


def test_person_fields_use_the_registry_codes():
    units = {u.code for u in walk(names.UNIT_TREE)}
    for person in people(6, 300):
        assert person.sex in SEXES
        assert person.danger_class in DANGER_CLASSES
        assert set(person.caution_flags) <= set(CAUTION_FLAGS)
        assert 0 <= len(person.aliases) <= 2
        assert person.unit_code in units
        assert re.fullmatch(r"\d+/QĐ-(CSĐT|THAHS)", person.decision_number)


def test_addresses_name_commune_and_province_without_a_district():
    for person in people(7, 200):
        for address in (person.registered_address, person.last_known_address):
            assert address.endswith(f"tỉnh {names.PROVINCE}")
            assert re.search(r"\b(xã|phường) ", address)
            assert "huyện" not in address and "quận" not in address


def test_unit_tree_has_unique_codes_and_every_commune():
    units = walk(names.UNIT_TREE)
    codes = [u.code for u in units]
    assert len(codes) == len(set(codes))
    assert names.UNIT_TREE.name == "Công an tỉnh Bình Sơn"
    assert {c.unit_code for c in names.COMMUNES} <= set(codes)
    assert {"BS-PC02", "BS-PC03", "BS-PC04"} <= set(codes)


def test_timeline_notes_use_the_pursuit_codes():
    rng = random.Random(9)
    for person in people(9, 50):
        outreach = names.outreach_note(rng, person)
        assert outreach.channel in CHANNELS and outreach.outcome in OUTREACH_OUTCOMES
        assert outreach.contact_name and "{" not in outreach.notes
        tip = names.tip_note(rng, person)
        assert tip.source in TIP_SOURCES and tip.location and "{" not in tip.text
        for outcome in ATTEMPT_OUTCOMES:
            attempt = names.attempt_note(rng, person, outcome)
            assert attempt.outcome == outcome and "{" not in attempt.notes


def test_every_category_has_a_charge_and_a_label():
    assert set(CATEGORIES) == CATEGORY_CODES
    assert {category for _, _, category in CHARGES} == CATEGORY_CODES
    assert all(str(label) for label in CATEGORIES.values())


def test_charges_have_unique_numeric_articles_and_composed_names():
    articles = [article for article, _, _ in CHARGES]
    assert len(articles) == len(set(articles))
    assert all(article.isdigit() for article in articles)
    for _, name, _ in CHARGES:
        assert name and name[0].isupper() and not name.startswith("Tội")
        assert unicodedata.normalize("NFC", name) == name


def test_well_known_charges_are_filed_under_their_category():
    by_article = {article: (name, category) for article, name, category in CHARGES}
    assert by_article["173"] == ("Trộm cắp tài sản", "theft")
    assert by_article["201"] == ("Cho vay lãi nặng trong giao dịch dân sự", "loan_sharking")
    assert by_article["123"] == ("Giết người", "murder")


@pytest.mark.parametrize("sex", ["male", "female"])
def test_portraits_are_jpegs_of_the_requested_size(sex):
    data = portrait_jpeg(11, sex, size=(240, 320))
    image = Image.open(io.BytesIO(data))
    assert image.format == "JPEG"
    assert image.size == (240, 320)


def test_portraits_are_deterministic_and_differ_between_seeds():
    assert portrait_jpeg(5, "male") == portrait_jpeg(5, "male")
    assert len({portrait_jpeg(seed, "male") for seed in range(10)}) == 10
