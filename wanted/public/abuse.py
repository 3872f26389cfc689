"""Abuse control of the tip form without outside services: limits, a honeypot, a question."""

import hashlib
import hmac
import secrets

from flask import current_app
from itsdangerous import BadSignature, URLSafeTimedSerializer

from wanted.ratelimit import rate_limiter

# The honeypot: a field people never see (hidden by the stylesheet) and bots fill in.
HONEYPOT_FIELD = "website"


def allow(kind: str, address: str) -> bool:
    """Count one request of this kind from the address; False once over its limit."""
    limit, window = current_app.config[f"PUBLIC_{kind.upper()}_RATE_LIMIT"]
    return rate_limiter().hit(f"public:{kind}:{address}", limit, window)


def _serializer() -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt="public-challenge")


def _answer_mac(nonce: str, answer: int) -> str:
    key = current_app.config["SECRET_KEY"].encode()
    return hmac.new(key, f"{nonce}:{answer}".encode(), hashlib.sha256).hexdigest()


def new_challenge() -> tuple[str, str]:
    """Make an arithmetic question; return its text and a signed token that hides the answer."""
    a, b = secrets.randbelow(9) + 1, secrets.randbelow(9) + 1
    nonce = secrets.token_urlsafe(12)
    return f"{a} + {b}", _serializer().dumps({"n": nonce, "q": f"{a} + {b}",
                                              "m": _answer_mac(nonce, a + b)})


def question_of(token: str) -> str | None:
    """Return the question a token was made for, to ask it again; None if the token is bad."""
    try:
        return _serializer().loads(token or "")["q"]
    except (BadSignature, KeyError, TypeError):
        return None


def check_answer(token: str, answer: str) -> bool:
    """Tell whether the answer fits the token's question; each token is good for one tip."""
    try:
        payload = _serializer().loads(token or "",
                                      max_age=current_app.config["PUBLIC_CHALLENGE_MAX_AGE"])
        nonce, mac = payload["n"], payload["m"]
    except (BadSignature, KeyError, TypeError):
        return False
    answer = (answer or "").strip()
    if not (answer.isascii() and answer.isdigit()) or len(answer) > 3:  # not "²" or "١"
        return False
    if not hmac.compare_digest(mac, _answer_mac(nonce, int(answer))):
        return False
    # A solved question is spent: a second use of the same token is refused.
    return rate_limiter().hit(f"public:challenge:{nonce}", 1,
                              current_app.config["PUBLIC_CHALLENGE_MAX_AGE"])
