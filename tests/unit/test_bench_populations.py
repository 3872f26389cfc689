"""The per-population figures of bench/matching.py count what docs/matching.md says they count."""

import sys
from types import SimpleNamespace

from tests.conftest import REPO

sys.path.insert(0, str(REPO / "bench"))
import populations  # noqa: E402


def test_figures_count_pairs_bands_rank_1_and_strangers_with_a_strong_candidate():
    searches = [
        populations.Search("a", "g", False, 3, [("a", 0.3, "strong"), ("b", 0.4, "possible")]),
        populations.Search("a", "g", False, 3, [("b", 0.3, "strong"), ("a", 0.5, "weak")]),
        populations.Search("z", "g", True, 3, [("a", 0.3, "strong")]),
        populations.Search("z", "g", True, 3, []),
    ]
    counted = populations.figures(searches)
    # A pair is (search, registry person other than the searched one): 2 + 2 + 3 + 3.
    assert (counted.genuine, counted.strangers, counted.pairs) == (2, 2, 10)
    assert counted.first == 1
    assert counted.reached == {"strong": 1, "possible": 1, "weak": 2}
    assert counted.wrong == {"strong": 2, "possible": 1, "weak": 0}
    assert counted.stranger_strong == 1


def test_each_identity_is_never_enrolled_in_exactly_one_fold_and_enrolled_with_its_first_photos():
    photos = [SimpleNamespace(identity=f"p{i}", number=n) for i in range(8) for n in range(3)]
    folds = populations.folds(photos)
    assert sorted(name for fold in folds for name in fold) == sorted(f"p{i}" for i in range(8))
    registry, searches = populations.registry_split(photos, 2, folds[0])
    assert {p.identity for p in registry}.isdisjoint(folds[0])
    assert all(p.number < 2 for p in registry) and len(registry) == 2 * (8 - len(folds[0]))
    assert all(stranger == (p.identity in folds[0]) for p, stranger in searches)
    assert len(searches) == 3 * len(folds[0]) + (8 - len(folds[0]))
