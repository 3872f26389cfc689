"""The second factor: TOTP (RFC 6238) with single-use recovery codes."""

import hashlib
import hmac
import secrets
import time

import pyotp
import qrcode
import qrcode.image.svg
from markupsafe import Markup
from sqlalchemy import delete, select

from wanted.audit import services as audit
from wanted.auth.models import RecoveryCode, User
from wanted.extensions import db
from wanted.timeutil import utcnow

ISSUER = "Wanted registry"
RECOVERY_CODE_COUNT = 10
# Accept the code of the previous and the next 30-second step too: phone clocks drift.
VALID_WINDOW = 1


def new_secret() -> str:
    """Return a fresh random TOTP secret (base32)."""
    return pyotp.random_base32()


def provisioning_uri(username: str, secret: str) -> str:
    """Return the otpauth:// URI an authenticator app reads."""
    return pyotp.TOTP(secret).provisioning_uri(name=username, issuer_name=ISSUER)


def qr_svg(uri: str) -> Markup:
    """Draw the URI as an SVG QR code, here on the server: no outside service sees the secret."""
    image = qrcode.make(uri, image_factory=qrcode.image.svg.SvgPathImage, box_size=8)
    return Markup(image.to_string(encoding="unicode"))  # noqa: S704 - SVG drawn by qrcode


def matching_step(secret: str, code: str, after_step: int | None) -> int | None:
    """Return the time-step whose code this is, if it is current and newer than `after_step`."""
    code = "".join(code.split())
    if not (code.isascii() and code.isdigit() and len(code) == 6):  # "²" is a digit too
        return None
    totp = pyotp.TOTP(secret)
    now_step = totp.timecode(time.time())
    for step in range(now_step - VALID_WINDOW, now_step + VALID_WINDOW + 1):
        if (after_step is None or step > after_step) and hmac.compare_digest(
                totp.generate_otp(step), code):
            return step
    return None


def _code_hash(code: str) -> str:
    return hashlib.sha256(code.encode()).hexdigest()


def _normal_recovery_code(code: str) -> str:
    return "".join(ch for ch in code.lower() if ch.isalnum())


def new_recovery_codes(user: User) -> list[str]:
    """Replace the user's recovery codes with ten new ones; return them (shown once)."""
    db.session.execute(delete(RecoveryCode).where(RecoveryCode.user_id == user.id))
    codes = [secrets.token_hex(5) for _ in range(RECOVERY_CODE_COUNT)]
    db.session.add_all(RecoveryCode(user_id=user.id, code_hash=_code_hash(code))
                       for code in codes)
    return [f"{code[:5]}-{code[5:]}" for code in codes]


def enrol(user: User, secret: str, code: str) -> list[str] | None:
    """Enrol the secret if the code proves the app holds it; return the recovery codes."""
    step = matching_step(secret, code, None)
    if step is None:
        return None
    user.mfa_secret = secret
    user.mfa_enrolled_at = utcnow()
    user.mfa_last_step = step
    audit.record("mfa.enrol", actor=user, object_type="user", object_id=user.id)
    return new_recovery_codes(user)


def enrol_without_code(user: User) -> str:
    """Enrol a new secret at once (for set-up scripts); return its otpauth:// URI."""
    secret = new_secret()
    user.mfa_secret = secret
    user.mfa_enrolled_at = utcnow()
    user.mfa_last_step = None
    new_recovery_codes(user)
    audit.record("mfa.enrol", object_type="user", object_id=user.id, details={"via": "cli"})
    return provisioning_uri(user.username, secret)


def verify(user: User, code: str) -> str | None:
    """Check a TOTP or recovery code and use it up; return which kind it was, or None."""
    if not user.mfa_enrolled_at or not user.mfa_secret:
        return None
    step = matching_step(user.mfa_secret, code, user.mfa_last_step)
    if step is not None:
        user.mfa_last_step = step
        return "totp"
    normal = _normal_recovery_code(code)
    row = db.session.scalar(select(RecoveryCode).where(
        RecoveryCode.user_id == user.id, RecoveryCode.code_hash == _code_hash(normal),
        RecoveryCode.used_at.is_(None))) if len(normal) == 10 else None
    if row is None:
        return None
    row.used_at = utcnow()
    audit.record("mfa.recovery_code", actor=user, object_type="user", object_id=user.id)
    return "recovery"


def reset(user: User) -> None:
    """Remove the user's second factor and recovery codes (an admin's act, audited)."""
    user.mfa_secret = None
    user.mfa_enrolled_at = None
    user.mfa_last_step = None
    db.session.execute(delete(RecoveryCode).where(RecoveryCode.user_id == user.id))
    audit.record("mfa.reset", object_type="user", object_id=user.id)
