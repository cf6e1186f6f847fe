"""Configuration classes read from the environment; nothing below sib/ reads os.environ."""

import math
import os
import tempfile
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent
DEFAULT_SECRET = "dev-only-secret-change-me"  # noqa: S105 - a marker production refuses
DEFAULT_PSEUDONYM_KEY = "dev-only-pseudonym-key-change-me"
DEFAULT_AUDIT_KEY = "dev-only-audit-key-change-me"
#: base64 of SHA-256("dev-only-audit-signing-key-change-me"): an Ed25519 key anyone can rebuild
DEFAULT_AUDIT_SIGNING_KEY = "cPlYAeO28McD30w/beqtKwEJM+taR6gVnojsqNIVXEk="


def _env_int(name: str, default: int) -> int:
    return int(os.environ.get(name, default))


INSTANCE_DIR = Path(os.environ.get("SIB_INSTANCE_PATH", BASE_DIR / "instance")).resolve()


def _default_database_url() -> str:
    return f"sqlite:///{INSTANCE_DIR / 'sib.sqlite'}"


class Config:
    """Settings for a developer machine: SQLite in the instance folder."""

    INSTANCE_PATH = str(INSTANCE_DIR)
    SECRET_KEY = os.environ.get("SECRET_KEY", DEFAULT_SECRET)
    #: key of the HMAC that pseudonymises participant identifiers
    PSEUDONYM_KEY = os.environ.get("PSEUDONYM_KEY", DEFAULT_PSEUDONYM_KEY)
    #: key of the HMAC that seals each audit event and signs checkpoints; never in the database
    AUDIT_KEY = os.environ.get("AUDIT_KEY", DEFAULT_AUDIT_KEY)
    #: earlier audit keys, comma-separated, still accepted when verifying (key rotation)
    AUDIT_PREVIOUS_KEYS = os.environ.get("AUDIT_PREVIOUS_KEYS", "")
    #: Ed25519 private key (base64 of its 32 bytes) that also signs checkpoints, so auditors
    #: check them with the public key alone (docs/audit.md); never in the database
    AUDIT_SIGNING_KEY = os.environ.get("AUDIT_SIGNING_KEY", DEFAULT_AUDIT_SIGNING_KEY)
    #: earlier signing keys' public keys (base64), comma-separated: their checkpoints still count
    AUDIT_PREVIOUS_PUBLIC_KEYS = os.environ.get("AUDIT_PREVIOUS_PUBLIC_KEYS", "")
    #: outbox of signed audit checkpoints, outside the database (empty: none written or read)
    AUDIT_CHECKPOINT_DIR = os.environ.get(
        "AUDIT_CHECKPOINT_DIR", str(INSTANCE_DIR / "audit-checkpoints")
    )
    #: audit rows up to this seq may lack a seal (written before the log was keyed); 0: none
    AUDIT_UNSEALED_UNTIL = _env_int("AUDIT_UNSEALED_UNTIL", 0)
    SQLALCHEMY_DATABASE_URI = os.environ.get("DATABASE_URL") or _default_database_url()
    SQLALCHEMY_ENGINE_OPTIONS: dict = {"pool_pre_ping": True}
    #: the business day, ISO date, for the demo only: its contract's periods lie in 2027-2030,
    #: so `./dev serve` travels to a day when they can be settled (empty: today, in UTC)
    TODAY = os.environ.get("SIB_TODAY") or None

    API_TITLE = "Outcome contract tracker"
    API_VERSION = "v1"
    OPENAPI_VERSION = "3.0.3"
    OPENAPI_URL_PREFIX = "/api/v1"
    OPENAPI_JSON_PATH = "openapi.json"
    OPENAPI_SWAGGER_UI_PATH = "docs"
    #: Swagger UI assets are served by the app itself (no CDN): see sib/docs_ui.py
    OPENAPI_SWAGGER_UI_URL = "/api/v1/docs/assets/"
    API_SPEC_OPTIONS = {
        "info": {"description": "System of record for outcome-based financing contracts."}
    }

    #: bytes; the largest outcome workbook accepted
    MAX_UPLOAD_BYTES = _env_int("MAX_UPLOAD_BYTES", 64 * 1024 * 1024)
    MAX_CONTENT_LENGTH = MAX_UPLOAD_BYTES + 1024 * 1024
    #: rows per sheet of an outcome workbook
    MAX_ROWS_PER_SHEET = _env_int("MAX_ROWS_PER_SHEET", 2_000_000)
    #: bytes of XML a workbook may unpack to
    MAX_UNCOMPRESSED_BYTES = _env_int("MAX_UNCOMPRESSED_BYTES", 1024 * 1024 * 1024)
    #: files inside a workbook's zip archive
    MAX_ZIP_ENTRIES = _env_int("MAX_ZIP_ENTRIES", 1000)
    #: how many times larger than its compressed size an archive member may unpack
    MAX_COMPRESSION_RATIO = _env_int("MAX_COMPRESSION_RATIO", 200)
    #: bytes; workbooks up to this size are read by the fast reader (calamine), larger ones
    #: are streamed by openpyxl so memory stays bounded
    FAST_READER_MAX_BYTES = _env_int("FAST_READER_MAX_BYTES", 8 * 1024 * 1024)
    #: ... and whose every sheet spans at most this many cells from A1 to its last cell
    FAST_READER_MAX_CELLS = _env_int("FAST_READER_MAX_CELLS", 4_000_000)
    #: columns a sheet of an outcome workbook may reach; a cell beyond is refused (422)
    MAX_COLUMNS_PER_SHEET = _env_int("MAX_COLUMNS_PER_SHEET", 1024)
    #: a rejected workbook larger than this (bytes) or holding more cells comes back as the
    #: Errors sheet alone instead of a marked-up copy (memory: openpyxl edits whole workbooks)
    ERRORS_COPY_MAX_BYTES = _env_int("ERRORS_COPY_MAX_BYTES", 8 * 1024 * 1024)
    ERRORS_COPY_MAX_CELLS = _env_int("ERRORS_COPY_MAX_CELLS", 200_000)
    INBOX_DIR = os.environ.get("INBOX_DIR", str(INSTANCE_DIR / "inbox"))
    #: minutes between inbox scans
    INBOX_SCAN_MINUTES = _env_int("INBOX_SCAN_MINUTES", 5)
    #: seconds between inbox scans; when set, overrides INBOX_SCAN_MINUTES (e.g. in fault tests)
    INBOX_SCAN_SECONDS = _env_int("INBOX_SCAN_SECONDS", 0)
    #: JSON file mapping each inbox folder (a contract reference) to the organisation and user
    #: its files are submitted for: {"BOT-NAC-2027": {"organisation": "framsteg",
    #: "user": "finance@framsteg.example"}}; a folder not named there is not ingested
    INBOX_FOLDERS = os.environ.get("INBOX_FOLDERS", str(INSTANCE_DIR / "inbox.json"))
    #: seconds without a change after which a dropped file counts as completely written
    INBOX_QUIET_SECONDS = _env_int("INBOX_QUIET_SECONDS", 60)
    PERIOD_CLOSE_CRON = os.environ.get("PERIOD_CLOSE_CRON", "15 2 * * *")
    OVERDUE_CRON = os.environ.get("OVERDUE_CRON", "30 2 * * *")
    #: when the scheduler signs the audit chain's head into AUDIT_CHECKPOINT_DIR (UTC)
    AUDIT_CHECKPOINT_CRON = os.environ.get("AUDIT_CHECKPOINT_CRON", "45 2 * * *")
    #: seconds a scheduler's lease lasts without a heartbeat
    SCHEDULER_LEASE_SECONDS = _env_int("SCHEDULER_LEASE_SECONDS", 60)
    #: statements each worker keeps until the next audited write (0: build every one afresh);
    #: see outcomes/statements/cache.py
    STATEMENT_CACHE_SIZE = _env_int("STATEMENT_CACHE_SIZE", 256)
    #: days an API token lives unless another expiry is given
    TOKEN_DAYS = _env_int("TOKEN_DAYS", 90)
    SESSION_COOKIE_HTTPONLY = True
    SESSION_COOKIE_SAMESITE = "Lax"
    LOG_LEVEL = os.environ.get("LOG_LEVEL", "INFO")
    #: reverse proxies in front of the app whose X-Forwarded-For is trusted (0: none); the
    #: login slowdown is per client address, so behind a proxy set this or all share one
    TRUSTED_PROXY_HOPS = _env_int("TRUSTED_PROXY_HOPS", 0)
    #: whether GET /readyz answers 503 while no scheduler holds the lease (see docs/operations.md)
    READY_REQUIRES_SCHEDULER = os.environ.get("READY_REQUIRES_SCHEDULER", "1") != "0"


class TestConfig(Config):
    """Settings for the test suite: TEST_DATABASE_URL, else a throwaway SQLite file.

    A file rather than an in-memory database: in memory, every connection shares one, so two
    transactions at once (a test tampering beside the session) would be one.
    """

    TESTING = True
    SECRET_KEY = "test-secret"  # noqa: S105
    PSEUDONYM_KEY = "test-pseudonym-key"
    AUDIT_KEY = "test-audit-key"
    #: base64 of SHA-256("test-audit-signing-key")
    AUDIT_SIGNING_KEY = "2TskdK/Pt/PgzTo8alj3wX73nDZ5xFI9Av9KI7VbNE4="
    #: tests that publish checkpoints point this at their own folder
    AUDIT_CHECKPOINT_DIR = ""
    SQLALCHEMY_DATABASE_URI = os.environ.get("TEST_DATABASE_URL") or (
        f"sqlite:///{tempfile.mkdtemp(prefix='sib-test-')}/test.sqlite"
    )
    WTF_CSRF_ENABLED = False
    #: past every test contract's payment dates; tests of "not yet" set their own day
    TODAY = "2031-12-31"


class ProductionConfig(Config):
    """Settings for production: PostgreSQL, secure cookies, and no default secrets."""

    SESSION_COOKIE_SECURE = True
    #: production acts on the real day only; SIB_TODAY is for the demo
    TODAY = None

    @classmethod
    def check(cls) -> None:
        """Refuse to start with a default, empty, guessable or shared secret."""
        if os.environ.get("SIB_TODAY"):
            raise RuntimeError(
                "SIB_TODAY is set: it moves the business day for the demo and is refused in "
                "production, where payments follow the real date. Unset it."
            )
        seen: dict[str, str] = {}
        for name, default in (
            ("SECRET_KEY", DEFAULT_SECRET),
            ("PSEUDONYM_KEY", DEFAULT_PSEUDONYM_KEY),
            ("AUDIT_KEY", DEFAULT_AUDIT_KEY),
            ("AUDIT_SIGNING_KEY", DEFAULT_AUDIT_SIGNING_KEY),
        ):
            value = getattr(cls, name)
            weakness = "is the development default" if value == default else key_weakness(value)
            if weakness is None and value in seen:
                weakness = f"is the same as {seen[value]}; each key must be its own"
            if weakness:
                raise RuntimeError(
                    f"{name} {weakness}. Set it in the environment to its own random value of "
                    "at least 32 characters before the service runs in production, e.g. "
                    "python -c 'import secrets; print(secrets.token_urlsafe(32))'"
                )
            seen[value] = name


#: bits a production key must carry at least, estimated from its characters' spread
MIN_KEY_BITS = 64


def key_weakness(value: str | None) -> str | None:
    """Why a secret key is too weak to use, or None; the key itself is never in the answer."""
    if not value:
        return "is not set"
    if len(value) < 32:
        return f"has {len(value)} characters, fewer than 32"
    # A key built by repeating a short piece ("aaaa...", "abcabc...") is guessable whatever
    # its length: reject any key that is a prefix of its own first half repeated.
    for size in range(1, len(value) // 2 + 1):
        if value == (value[:size] * (len(value) // size + 1))[: len(value)]:
            return f"repeats the same {size} character(s) over and over"
    counts = [value.count(ch) for ch in set(value)]
    bits = -sum(n * math.log2(n / len(value)) for n in counts)
    if bits < MIN_KEY_BITS:
        return f"is too predictable (about {bits:.0f} bits, at least {MIN_KEY_BITS} needed)"
    return None


CONFIGS = {"development": Config, "test": TestConfig, "production": ProductionConfig}


def config_from_env() -> type[Config]:
    """Pick the configuration class named by SIB_ENV (development by default)."""
    return CONFIGS[os.environ.get("SIB_ENV", "development")]
