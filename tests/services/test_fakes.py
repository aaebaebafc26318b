"""The fakes stand in for the real stores: each of their methods is one the real store has,
taking the same arguments, so a use case that passes against a fake calls the real thing."""

from __future__ import annotations

import inspect

import pytest

from tests.services.fake_hip_checks import FakeHipChecks
from tests.services.fake_reminders import FakeReminderStore
from tests.services.fakes import FakeAccountStore, FakeGuestStore, FakeTrainingStore
from webapp.store.accounts import AccountStore
from webapp.store.guests import GuestStore
from webapp.store.reminders import ReminderStore
from webapp.store.training import TrainingStore

#: Helpers the tests use to set a fake up, which no use case calls.
SET_UP = {"add_user"}


def public_methods(cls: type) -> list[str]:
    return [
        name
        for name, member in vars(cls).items()
        if callable(member) and not name.startswith("_") and name not in SET_UP
    ]


def parameters(method: object) -> list[tuple[str, object, object]]:
    found = inspect.signature(method).parameters.values()
    return [(p.name, p.kind, p.default) for p in found]


@pytest.mark.parametrize(
    ("fake", "real"),
    [
        (FakeTrainingStore, TrainingStore),
        (FakeHipChecks, TrainingStore),
        (FakeAccountStore, AccountStore),
        (FakeGuestStore, GuestStore),
        (FakeReminderStore, ReminderStore),
    ],
)
def test_every_method_of_a_fake_is_the_real_stores_with_the_same_arguments(
    fake: type, real: type
) -> None:
    for name in public_methods(fake):
        assert hasattr(real, name), f"{real.__name__} has no {name}"
        assert parameters(getattr(fake, name)) == parameters(getattr(real, name)), name
