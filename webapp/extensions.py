"""The one place that wires Hipday's parts: the catalog, the stores, the VAPID key, the sender.

`init_app` builds them once per app; the rest of the web layer reaches them through the typed
getters below, and hands them to services as arguments (services never look them up).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from cryptography.hazmat.primitives.asymmetric.ec import EllipticCurvePrivateKey
from flask import Flask, current_app

from routines.catalog.load import load_catalog
from routines.catalog.model import Catalog
from webapp.push.recording import RecordingSender
from webapp.push.sender import application_server_key, insecure_endpoints, load_vapid
from webapp.services.reminders import Links
from webapp.store.accounts import AccountStore
from webapp.store.db import make_engine, reader_for
from webapp.store.guests import GuestStore
from webapp.store.reminders import ReminderStore
from webapp.store.training import TrainingStore


@dataclass
class Parts:
    """Everything a request or a sweep needs besides its input."""

    catalog: Catalog
    store: TrainingStore
    reminders: ReminderStore
    accounts: AccountStore
    guests: GuestStore
    vapid: EllipticCurvePrivateKey
    vapid_public: str
    sender: RecordingSender  # one per process, so its connections are reused


def init_app(app: Flask) -> None:
    """Build the parts from the app's config."""
    engine = make_engine(app.config["DATABASE_URL"])
    vapid = load_vapid(Path(app.instance_path), app.config["VAPID_PRIVATE_KEY"])
    app.extensions["hipday"] = Parts(
        catalog=load_catalog(),
        store=TrainingStore(engine, reader_for(engine)),
        reminders=ReminderStore(engine),
        accounts=AccountStore(engine),
        guests=GuestStore(engine),
        vapid=vapid,
        vapid_public=application_server_key(vapid),
        sender=_sender(app, vapid),
    )


def _sender(app: Flask, vapid: EllipticCurvePrivateKey) -> RecordingSender:
    """The push sender, as the config sets it; it starts threads only once it sends."""
    config = app.config
    return RecordingSender(
        vapid,
        config["VAPID_SUBJECT"],
        timeout=config["PUSH_TIMEOUT"],
        workers=config["PUSH_WORKERS"],
        attempts=config["PUSH_ATTEMPTS"],
        backoff=config["PUSH_BACKOFF"],
        insecure_endpoints=insecure_endpoints(config),
    )


def parts() -> Parts:
    """The current app's parts."""
    found: Parts = current_app.extensions["hipday"]
    return found


def catalog() -> Catalog:
    return parts().catalog


def store() -> TrainingStore:
    return parts().store


def reminder_store() -> ReminderStore:
    return parts().reminders


def account_store() -> AccountStore:
    return parts().accounts


def guest_store() -> GuestStore:
    return parts().guests


def vapid_public() -> str:
    return parts().vapid_public


def sender() -> RecordingSender:
    return parts().sender


def links() -> Links:
    """Pages' paths and the signing key, for notifications made with or without a request."""
    url_map = current_app.url_map

    def path(endpoint: str, **values: str) -> str:
        return url_map.bind("hipday").build(endpoint, values)

    return Links(path, current_app.config["SECRET_KEY"])
