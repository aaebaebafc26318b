"""Configuration: defaults, environment variables and the instance folder."""

from __future__ import annotations

import os
import secrets
from datetime import timedelta
from pathlib import Path
from typing import Any

#: Chrome caps cookie lifetimes at 400 days; a guest account lives as long as its cookie.
GUEST_COOKIE_DAYS = 400


def secret_key(instance_path: Path) -> str:
    """The key that signs cookies: `HIPDAY_SECRET_KEY`, else one generated once into instance/."""
    from_env = os.environ.get("HIPDAY_SECRET_KEY")
    if from_env:
        return from_env
    key_file = instance_path / "secret_key"
    if not key_file.exists():
        instance_path.mkdir(parents=True, exist_ok=True)
        try:
            descriptor = os.open(key_file, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        except FileExistsError:  # another worker made it a moment ago
            pass
        else:
            with os.fdopen(descriptor, "w") as handle:
                handle.write(secrets.token_urlsafe(48))
    return key_file.read_text().strip()


def default_config(instance_path: Path) -> dict[str, Any]:
    """Settings for a real run; tests override any of them through `create_app(config)`."""
    database_file = instance_path / "hipday.sqlite3"
    return {
        "DATABASE_URL": os.environ.get("DATABASE_URL", f"sqlite:///{database_file}"),
        **_web(),
        **_push(),
        **_reminders(),
    }


def _web() -> dict[str, Any]:
    """Cookies, CSRF, request limits, compression and the proxies in front."""
    return {
        "SESSION_COOKIE_NAME": "hipday",
        "SESSION_COOKIE_HTTPONLY": True,
        "SESSION_COOKIE_SAMESITE": "Lax",
        "PERMANENT_SESSION_LIFETIME": timedelta(days=GUEST_COOKIE_DAYS),
        # The cookie goes out only when the session changed (webapp/web/guests.py renews it daily).
        "SESSION_REFRESH_EACH_REQUEST": False,
        # A CSRF token lives as long as the guest's session: pages stay open for hours on a phone.
        "WTF_CSRF_TIME_LIMIT": None,
        "WTF_CSRF_SSL_STRICT": False,
        "MAX_CONTENT_LENGTH": 64 * 1024,
        # Login rate limits: counters in memory per process unless a shared store is given.
        "RATELIMIT_STORAGE_URI": os.environ.get("HIPDAY_RATELIMIT_STORAGE_URI", "memory://"),
        "RATELIMIT_HEADERS_ENABLED": True,
        # Failed logins per account from all addresses together; "" keeps webapp/web/limits.py's.
        "LOGIN_FAILED_PER_ACCOUNT": os.environ.get("HIPDAY_LOGIN_FAILED_PER_ACCOUNT", ""),
        # Passkeys belong to this host name unless set (e.g. "hipday.app" for its subdomains).
        "WEBAUTHN_RP_ID": os.environ.get("HIPDAY_WEBAUTHN_RP_ID", ""),
        "COMPRESS_MIMETYPES": [
            "text/html",
            "text/css",
            "text/javascript",
            "application/javascript",
            "application/json",
            "application/manifest+json",
            "image/svg+xml",
        ],  # fmt: skip
        "COMPRESS_ALGORITHM": ["br", "gzip"],
        "SEND_FILE_MAX_AGE_DEFAULT": timedelta(hours=1),
        # Today, Progress and the plan keep their rendered page under the user's data version, in
        # the database (webapp/views: render_kept); tests turn it off to compare with a render.
        "KEEP_PAGES": True,
        # How many reverse proxies in front set X-Forwarded-*; 0 trusts none of those headers.
        "PROXY_HOPS": int(os.environ.get("HIPDAY_PROXY_HOPS", "0")),
    }


def _push() -> dict[str, Any]:
    """The VAPID key and how the push sender connects."""
    return {
        # Web Push: the private key from the environment, else a file made once in instance/.
        "VAPID_PRIVATE_KEY": os.environ.get("HIPDAY_VAPID_PRIVATE_KEY", ""),
        "VAPID_SUBJECT": os.environ.get("HIPDAY_VAPID_SUBJECT", "mailto:reminders@hipday.app"),
        "PUSH_TIMEOUT": 10.0,
        "PUSH_WORKERS": 32,
        "PUSH_ATTEMPTS": 3,
        "PUSH_BACKOFF": 1.0,
        # "Send a test notification" waits this long for all of the devices together.
        "PUSH_TEST_SECONDS": 10.0,
        # Only tests send to a local mock push service over plain http.
        "PUSH_INSECURE_ENDPOINTS": False,
    }


def _reminders() -> dict[str, Any]:
    """How late a reminder may go out, and how the sweep decides them."""
    return {
        "REMINDER_CATCH_UP_MINUTES": 120,
        # A sweep decides reminders on this many threads and stops waiting for a decision after
        # this many seconds (it is sent by a later sweep once decided): see
        # webapp/scheduler/decisions.py.
        "REMINDER_DECIDE_WORKERS": 4,
        "REMINDER_DECIDE_SECONDS": 5.0,
        # On PostgreSQL, several scheduler processes share each sweep (HIPDAY_SCHEDULERS_SHARE=1);
        # otherwise a second one waits for the first to stop. See webapp/scheduler/locks.py.
        "SCHEDULERS_SHARE": os.environ.get("HIPDAY_SCHEDULERS_SHARE", "") in ("1", "true", "yes"),
        # Tests only: called with each user before their reminder is decided, to make an
        # account fail or stall on purpose.
        "TEST_BEFORE_DECIDING": None,
    }
