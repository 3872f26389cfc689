"""Both catalogues hold every user-facing string of the code, with the same placeholders."""

import subprocess
import sys
from pathlib import Path

import pytest
from babel.messages.pofile import read_po

REPO = Path(__file__).resolve().parents[2]
CATALOGUES = REPO / "wanted" / "translations"


@pytest.fixture(scope="module")
def extracted(tmp_path_factory) -> set[str]:
    """Extract the msgids of the code now, as scripts/translations.sh does."""
    pot = tmp_path_factory.mktemp("pot") / "messages.pot"
    subprocess.run([Path(sys.executable).parent / "pybabel", "-q", "extract", "-F", "babel.cfg",  # noqa: S603
                    "-k", "_l", "-k", "lazy_gettext", "-k", "ngettext:1,2", "--no-location",
                    "-o", str(pot), "."], cwd=REPO, check=True)
    with pot.open("rb") as handle:
        return {message.id if isinstance(message.id, str) else message.id[0]
                for message in read_po(handle) if message.id}


@pytest.mark.parametrize("lang", ["vi", "en"])
def test_catalogue_is_complete_and_consistent(extracted, lang):
    with (CATALOGUES / lang / "LC_MESSAGES" / "messages.po").open("rb") as handle:
        catalogue = read_po(handle)
    missing, untranslated, fuzzy = [], [], []
    for msgid in sorted(extracted):
        message = catalogue.get(msgid)
        if message is None:
            missing.append(msgid)
        elif not (message.string if isinstance(message.string, str) else all(message.string)):
            untranslated.append(msgid)
        elif message.fuzzy:
            fuzzy.append(msgid)
    assert not missing, f"run scripts/translations.sh; missing in {lang}: {missing[:10]}"
    assert not untranslated, f"untranslated in {lang}: {untranslated[:10]}"
    assert not fuzzy, f"fuzzy in {lang}: {fuzzy[:10]}"
    problems = [(message.id, errors) for message, errors in catalogue.check() if errors]
    assert not problems, problems[:5]
