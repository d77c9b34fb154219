"""Settings: safe defaults for one machine, overridden from the environment."""

import os
import secrets
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def _secret_key(instance: Path) -> str:
    """The SECRET_KEY from the environment, or one generated once into the instance folder."""
    if os.environ.get("SECRET_KEY"):
        return os.environ["SECRET_KEY"]
    path = instance / "secret_key"
    if not path.exists():
        path.write_text(secrets.token_hex(32))
        path.chmod(0o600)
    return path.read_text().strip()


def _database_url(url: str) -> str:
    """Accept postgres:// and postgresql:// and drive both through psycopg 3."""
    for prefix in ("postgres://", "postgresql://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix):]
    return url


def from_environment(instance: Path) -> dict:
    """The configuration for an app whose instance folder is `instance`."""
    instance.mkdir(parents=True, exist_ok=True)
    env = os.environ
    return {
        "SECRET_KEY": _secret_key(instance),
        "SQLALCHEMY_DATABASE_URI": _database_url(
            env.get("DATABASE_URL") or f"sqlite:///{instance / 'network.db'}"
        ),
        "SEARCH_INDEX_DIR": env.get("SEARCH_INDEX_DIR") or str(instance / "search-index"),
        "SEARCH_ENGINE": env.get("SEARCH_ENGINE", "whoosh"),
        "MAIL_BACKEND": env.get("MAIL_BACKEND", "outbox"),
        "MAIL_FROM": env.get("MAIL_FROM", "no-reply@improvement-network.invalid"),
        "RATELIMIT_STORAGE_URI": env.get("REDIS_URL") or "memory://",
        # The job queue (network/ops/jobs.py): Redis when REDIS_URL is set, else a SQLite file
        # in the instance folder; JOBS_IMMEDIATE=1 runs each job as it is queued (unset: only
        # when testing).
        "REDIS_URL": env.get("REDIS_URL") or None,
        "JOBS_DATABASE": env.get("JOBS_DATABASE") or str(instance / "jobs.db"),
        "JOBS_IMMEDIATE": env["JOBS_IMMEDIATE"] == "1" if env.get("JOBS_IMMEDIATE") else None,
        "PASSWORD_HASH_METHOD": "scrypt",
        "PASSWORD_RESET_MAX_AGE": 3600,
        "SESSION_HOURS": int(env.get("SESSION_HOURS", "12")),
        "INVITATION_DAYS": 14,
        "MAX_CONTENT_LENGTH": 1024 * 1024,
        "MAX_FORM_PARTS": 500,
        "SESSION_COOKIE_HTTPONLY": True,
        "SESSION_COOKIE_SAMESITE": "Lax",
        "SESSION_COOKIE_SECURE": env.get("SESSION_COOKIE_SECURE", "") == "1",
        "SQLALCHEMY_ENGINE_OPTIONS": {"pool_pre_ping": True},
        "WTF_CSRF_TIME_LIMIT": None,
        "LOGIN_LIMIT": env.get("LOGIN_LIMIT", "5 per minute"),
        "LOGIN_ADDRESS_LIMIT": env.get("LOGIN_ADDRESS_LIMIT", "30 per minute"),
        "TWO_FACTOR_DAILY_LIMIT": env.get("TWO_FACTOR_DAILY_LIMIT", "30 per day"),
        "THROTTLE_KEY_PREFIX": env.get("THROTTLE_KEY_PREFIX", "network:sign-in:"),
        # "development" lets the app start without PUBLIC_URL (links then point at
        # http://127.0.0.1:5000); anywhere else PUBLIC_URL is required.
        "NETWORK_ENV": env.get("NETWORK_ENV", "production"),
        "PUBLIC_URL": env.get("PUBLIC_URL") or None,
        "TRUSTED_HOSTS": [h.strip() for h in env["TRUSTED_HOSTS"].split(",") if h.strip()]
        if env.get("TRUSTED_HOSTS") else None,
        "EMAIL_VERIFY_MAX_AGE": 2 * 24 * 3600,
        "DRAFT_MAX_BYTES": 200 * 1024,
        "DRAFTS_PER_PERSON": 5,
        "LOG_FORMAT": "text" if env.get("LOG_FORMAT", "json").lower() == "text" else "json",
    }
