"""Why a password is too easy to guess, judged by zxcvbn and its list of common passwords.

zxcvbn ships the 30,000 most common passwords of public breach corpora, with English words,
names, keyboard patterns, sequences, repeats and dates; a password it scores below 3 ("safely
unguessable" against throttled online attacks and offline slow hashes) is refused.
"""

import functools
from collections.abc import Callable

from flask_babel import gettext as _

MIN_SCORE = 3
# Longer input adds nothing to the judgement and costs zxcvbn quadratic time.
JUDGED_LENGTH = 100


@functools.cache
def judge() -> Callable[..., dict]:
    """Import zxcvbn on the first password judged: its word lists are slow to load at start-up."""
    from zxcvbn import zxcvbn

    return zxcvbn


def weakness(password: str, username: str = "") -> str | None:
    """Return why the password is refused, or None if it is strong enough."""
    result = judge()(password[:JUDGED_LENGTH], user_inputs=[username] if username else [])
    if result["score"] >= MIN_SCORE:
        return None
    patterns = {match["pattern"] for match in result["sequence"]}
    dictionaries = {match.get("dictionary_name") for match in result["sequence"]}
    if "user_inputs" in dictionaries:
        return _("It contains the username.")
    if "passwords" in dictionaries:
        return _("It is or contains one of the most common passwords found in data breaches.")
    if "spatial" in patterns:
        return _("It is a keyboard pattern, easy to guess.")
    if patterns & {"sequence", "repeat"}:
        return _("It is a sequence or repeated characters, easy to guess.")
    if "date" in patterns:
        return _("It is mostly a date, easy to guess.")
    return _("It is too easy to guess: use a longer phrase of unrelated words.")
