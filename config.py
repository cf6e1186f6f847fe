"""Configuration classes read from the environment; nothing below sib/ reads os.environ."""

import os
import tempfile
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent
DEFAULT_SECRET = "dev-only-secret-change-me"  # noqa: S105 - a marker production refuses
DEFAULT_PSEUDONYM_KEY = "dev-only-pseudonym-key-change-me"


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
    SQLALCHEMY_DATABASE_URI = os.environ.get("DATABASE_URL") or _default_database_url()
    SQLALCHEMY_ENGINE_OPTIONS: dict = {"pool_pre_ping": True}

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
    INBOX_DIR = os.environ.get("INBOX_DIR", str(INSTANCE_DIR / "inbox"))
    #: minutes between inbox scans
    INBOX_SCAN_MINUTES = _env_int("INBOX_SCAN_MINUTES", 5)
    #: seconds without a change after which a dropped file counts as completely written
    INBOX_QUIET_SECONDS = _env_int("INBOX_QUIET_SECONDS", 60)
    PERIOD_CLOSE_CRON = os.environ.get("PERIOD_CLOSE_CRON", "15 2 * * *")
    OVERDUE_CRON = os.environ.get("OVERDUE_CRON", "30 2 * * *")
    #: seconds a scheduler's lease lasts without a heartbeat
    SCHEDULER_LEASE_SECONDS = _env_int("SCHEDULER_LEASE_SECONDS", 60)
    #: days an API token lives unless another expiry is given
    TOKEN_DAYS = _env_int("TOKEN_DAYS", 90)
    SESSION_COOKIE_HTTPONLY = True
    SESSION_COOKIE_SAMESITE = "Lax"
    LOG_LEVEL = os.environ.get("LOG_LEVEL", "INFO")


class TestConfig(Config):
    """Settings for the test suite: TEST_DATABASE_URL, else a throwaway SQLite file.

    A file rather than an in-memory database: in memory, every connection shares one, so two
    transactions at once (a test tampering beside the session) would be one.
    """

    TESTING = True
    SECRET_KEY = "test-secret"  # noqa: S105
    PSEUDONYM_KEY = "test-pseudonym-key"
    SQLALCHEMY_DATABASE_URI = os.environ.get("TEST_DATABASE_URL") or (
        f"sqlite:///{tempfile.mkdtemp(prefix='sib-test-')}/test.sqlite"
    )
    WTF_CSRF_ENABLED = False


class ProductionConfig(Config):
    """Settings for production: PostgreSQL, secure cookies, and no default secrets."""

    SESSION_COOKIE_SECURE = True

    @classmethod
    def check(cls) -> None:
        """Refuse to start with a default or empty secret."""
        for name, default in (
            ("SECRET_KEY", DEFAULT_SECRET),
            ("PSEUDONYM_KEY", DEFAULT_PSEUDONYM_KEY),
        ):
            value = getattr(cls, name)
            if not value or value == default or len(value) < 32:
                raise RuntimeError(
                    f"{name} must be set in the environment to a random value of at least "
                    "32 characters before the service runs in production"
                )


CONFIGS = {"development": Config, "test": TestConfig, "production": ProductionConfig}


def config_from_env() -> type[Config]:
    """Pick the configuration class named by SIB_ENV (development by default)."""
    return CONFIGS[os.environ.get("SIB_ENV", "development")]
