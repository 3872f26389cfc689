"""Configuration classes; `instance/config.py` and `WANTED_*` environment variables override."""

import json
import os

# Environment names that differ from the config key they set.
ENV_ALIASES = {
    "WANTED_DATABASE_URL": "SQLALCHEMY_DATABASE_URI",
}


class Config:
    """Defaults for every installation."""

    ENV_NAME = "development"
    SECRET_KEY: str | None = None
    REQUIRE_SECRET_KEY = False  # True: refuse to start rather than generate a local key
    SQLALCHEMY_DATABASE_URI: str | None = None  # default: SQLite file in instance/
    SQLALCHEMY_ENGINE_OPTIONS: dict = {"pool_pre_ping": True}
    STORAGE_DIR: str | None = None  # default: instance/photos

    BABEL_DEFAULT_LOCALE = "vi"
    BABEL_DEFAULT_TIMEZONE = "Asia/Ho_Chi_Minh"
    LANGUAGES = ("vi", "en")

    SESSION_COOKIE_HTTPONLY = True
    SESSION_COOKIE_SAMESITE = "Lax"
    SESSION_IDLE_MINUTES = 30  # a session unused this long ends (CJIS AC-11/AC-12)
    SESSION_MAX_HOURS = 12  # and every session ends this long after sign-in
    SESSION_REDIS_PREFIX = "wanted:"  # Redis keys of sessions when REDIS_URL is set
    WTF_CSRF_TIME_LIMIT = 12 * 3600
    MFA_REQUIRED = False  # True: every user must enrol a second factor before anything else
    API_TOKEN_DAYS = 90
    TRUSTED_PROXIES = 0  # reverse-proxy hops whose X-Forwarded-* headers are believed
    HSTS = False

    MAX_CONTENT_LENGTH = 25 * 1024 * 1024
    MAX_UPLOAD_BYTES = 20 * 1024 * 1024
    MAX_IMAGE_PIXELS = 50_000_000

    FACE_MODEL = "hog"
    FACE_UPSAMPLE = 1
    FACE_MAX_SIDE = 1000  # longest side before upsampling for detection
    MATCH_K = 5
    FACE_ENROL_JITTERS = 10  # resamplings averaged per registry face (searches use one)
    MATCH_THRESHOLDS: dict | None = None  # small-gallery distance bands; see matching/scoring.py
    GALLERY_APPROX_THRESHOLD = 100_000
    # Inline encoding bound: at most this many concurrent encodes per process.
    MATCH_INLINE_SLOTS = 1
    MATCH_SLOT_WAIT = 10  # seconds a request waits for a slot before answering 503
    MATCH_PENDING_TIMEOUT = 600  # seconds after which a queued search nobody finished fails
    DUPLICATE_CHECK_WAIT = 10  # seconds a request waits for a worker's duplicate check (queued)

    REDIS_URL: str | None = None  # set to use Redis rate limits and the RQ queue
    # The search worker lowers its CPU priority by this much (os.nice, and its session's when
    # it leads one) when it starts: a face search can wait a few seconds, an officer's page
    # should not. 0 leaves it as started. bench/load.py with the web saturated: 5 let face
    # searches raise page p95 by 62-68%, 10 by 40-41% (searches 4.3 s), 19 by 24-26% (8.2 s).
    SEARCH_WORKER_NICE = 10
    RQ_QUEUE = "wanted"
    RATE_LIMIT_PREFIX = "wanted:rl:"  # Redis keys; distinct per installation sharing a Redis
    LOCKOUT_AFTER = 5  # failed sign-ins within LOCKOUT_MINUTES that lock an account
    LOCKOUT_MINUTES = 15
    LOCKOUT_ADDRESS_AFTER = 5  # failed sign-ins from one address within LOCKOUT_MINUTES
    MATCH_RATE_LIMIT = (30, 3600)  # face searches per user per window (s)
    TOKEN_RATE_LIMIT = (5, 3600)  # API tokens a user may issue per window
    MFA_RATE_LIMIT = (10, 300)  # second-factor attempts per address per window

    # Audit chain: HMAC key (never in the database), checkpoints written outside the database.
    AUDIT_KEY: str | None = None  # default: generated into instance/audit_key (development only)
    REQUIRE_AUDIT_KEY = False
    AUDIT_ANCHOR_DIR: str | None = None  # default: instance/audit-anchors
    AUDIT_ANCHOR_SYSLOG: bool | str = False  # True (/dev/log) or a socket path: syslog too
    AUDIT_CHECKPOINT_EVERY = 1000  # events between checkpoints
    AUDIT_CHECKPOINT_MINUTES = 60  # or at the first event after this long; 0: count only
    AUDIT_PER_PAGE = 50

    BACKUP_KEY: str | None = None  # age identity (AGE-SECRET-KEY-1…) or recipient (age1…)
    RETENTION_CLOSED_YEARS = 5  # photos and faces of cases closed longer ago are removed
    RETENTION_FIELD_PHOTO_DAYS = 180  # field photos of face searches, with their faces

    PER_PAGE = 25
    EXPORT_MAX_ROWS = 50_000  # persons one registry export may hold; more: narrow the filters
    QUIET_DAYS = 30
    DEMO_SEED_ON_START = False

    # Response deadlines and periodic validation of wanted records.
    HIT_RESPONSE_MINUTES = 60  # a raised face-match hit waits at most this long
    TIP_RESPONSE_HOURS = 24  # a citizen tip waits at most this long in its unit's queue
    VALIDATION_MONTHS = 12  # each wanted record is re-validated by its unit this often

    # The public portal (create_public_app): tips, limits, and its mount in development.
    PUBLIC_MOUNT = False  # True: the intranet app also serves the portal at /public
    PUBLIC_PER_PAGE = 20
    PUBLIC_MAX_CONTENT_LENGTH = 12 * 1024 * 1024  # a whole tip request, photo included
    PUBLIC_TIP_RATE_LIMIT = (5, 3600)  # tips per address per window (seconds)
    PUBLIC_STATUS_RATE_LIMIT = (60, 3600)  # receipt look-ups per address per window
    PUBLIC_CHALLENGE_MAX_AGE = 3600  # seconds a tip form's arithmetic question stays valid


class DevelopmentConfig(Config):
    """The embedded default: SQLite and files under instance/, demo data loaded."""

    DEMO_SEED_ON_START = True
    PUBLIC_MOUNT = True


class ProductionConfig(Config):
    """PostgreSQL, Redis and a secret key from the environment; refuses to start without one."""

    ENV_NAME = "production"
    REQUIRE_SECRET_KEY = True
    REQUIRE_AUDIT_KEY = True
    MFA_REQUIRED = True
    HSTS = True
    SESSION_COOKIE_SECURE = True
    PREFERRED_URL_SCHEME = "https"


class TestConfig(Config):
    """Fast, isolated settings for the test suite."""

    ENV_NAME = "test"
    TESTING = True
    WTF_CSRF_ENABLED = False
    SECRET_KEY = "test-secret-key"  # noqa: S105 - test only, never loaded outside tests
    LOCKOUT_ADDRESS_AFTER = 1000  # tests of the address limit set their own
    AUDIT_KEY = "test-audit-key"  # noqa: S105 - test only
    AUDIT_CHECKPOINT_MINUTES = 0


CONFIGS = {
    "development": DevelopmentConfig,
    "production": ProductionConfig,
    "test": TestConfig,
}


def env_overrides(environ: dict[str, str] | None = None) -> dict:
    """Read `WANTED_*` variables as config keys; values that parse as JSON are typed."""
    environ = os.environ if environ is None else environ
    overrides = {}
    for name, raw in environ.items():
        if not name.startswith("WANTED_") or name == "WANTED_ENV":
            continue
        key = ENV_ALIASES.get(name, name.removeprefix("WANTED_"))
        try:
            overrides[key] = json.loads(raw)
        except ValueError:
            overrides[key] = raw
    return overrides
