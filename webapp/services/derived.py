"""What pages derive from a user's history, kept under the user's data version.

Every page used to rebuild its plan and streak from the whole history. The database now keeps a
data version per user (`webapp/store/models.py: DataVersion`) that its triggers bump in the same
transaction as any change the plan, the streak or Progress is derived from, whichever code makes
it (a page, an import, a restore). A request reads that number with one indexed lookup; while it
and the day are unchanged, a value built before is the value a rebuild would give, so the
history is not read at all.

Each process keeps its own values (`Recent`), all keyed by the one number in the database: a
write through any process on any machine changes the key everywhere, so none serves a stale
value. The version is read before anything it guards, so a write landing in between makes a
value newer than its key, never older. The parts of the user's row a value reads (precautions,
time zone) are in the key too, so a row read before a change in the same request is harmless.
"""

from __future__ import annotations

import threading
import weakref
from collections import OrderedDict
from collections.abc import Callable, Hashable
from datetime import date
from typing import Any, Generic, Protocol, TypeVar

from routines.catalog.model import Catalog
from webapp.store.models import User
from webapp.store.training import TrainingStore

Key = TypeVar("Key", bound=Hashable)
Value = TypeVar("Value")


class Recent(Generic[Key, Value]):
    """The values built last, by everything they are built from, the least recently used dropped.

    For pure functions only: a value found here is the value building it again would give.
    Part of a key may be the `id()` of an object (the catalog a plan was built from, the plan a
    streak was walked on): the entry refers to that object weakly and counts only while that
    very object lives, so a reused id finds nothing and the cache keeps no object alive. Values
    are shared between requests, so they must be immutable; the lock keeps threads (the
    scheduler's) from tangling the order. Each value weighs what its caller says (a plan, its
    weeks), and the weights kept add up to at most `size`, so a few huge values can't fill a
    worker's memory where many small ones fit.
    """

    #: Every cache made, so `forget_all` can empty them together.
    every: weakref.WeakSet[Recent[Any, Any]] = weakref.WeakSet()

    def __init__(self, size: int) -> None:
        Recent.every.add(self)
        self.size = size
        self.values: OrderedDict[Key, tuple[Callable[[], object], Value, int]] = OrderedDict()
        self.weight = 0
        self.lock = threading.Lock()

    def get(
        self,
        key: Key,
        held: object | None,
        build: Callable[[], Value],
        weight: int | Callable[[Value], int] = 1,
    ) -> Value:
        """The value kept under `key`, else the one `build` makes, kept from now on."""
        with self.lock:
            found = self.values.get(key)
            if found is not None and found[0]() is held:
                self.values.move_to_end(key)
                return found[1]
        value = build()
        self.put(key, held, value, weight(value) if callable(weight) else weight)
        return value

    def peek(self, key: Key, held: object | None) -> Value | None:
        """The value kept under `key`, or None; nothing is built."""
        with self.lock:
            found = self.values.get(key)
            if found is None or found[0]() is not held:
                return None
            self.values.move_to_end(key)
            return found[1]

    def put(self, key: Key, held: object | None, value: Value, weight: int) -> None:
        """Keep `value` under `key`, dropping the least recently used beyond `size`."""
        with self.lock:
            self._drop(key)
            self.values[key] = (_nothing if held is None else weakref.ref(held), value, weight)
            self.weight += weight
            while self.weight > self.size and len(self.values) > 1:
                self._drop(next(iter(self.values)))

    def _drop(self, key: Key) -> None:
        gone = self.values.pop(key, None)
        if gone is not None:
            self.weight -= gone[2]

    def clear(self) -> None:
        with self.lock:
            self.values.clear()
            self.weight = 0


def forget_all() -> None:
    """Empty every cache of derived values in this process (a benchmark's cold start)."""
    for cache in list(Recent.every):
        cache.clear()


def _nothing() -> None:
    return None


#: What a kept value is found by: the catalog's id, the user, their data version, the day, the
#: user row's precautions and time zone, and what the caller asks for.
Found = tuple[int, int, int, date, str, str, Hashable]


class Shelf(Protocol[Value]):
    """Where kept values are shared with other processes (the database), by their key."""

    def read(self, key: Found) -> Value | None: ...

    def write(self, key: Found, value: Value) -> None: ...


def kept(
    cache: Recent[Found, Value],
    store: TrainingStore,
    catalog: Catalog,
    user: User,
    today: date,
    asked: Hashable,
    build: Callable[[], Value],
    weight: Callable[[Value], int],
    shelf: Shelf[Value] | None = None,
    version: int | None = None,
) -> Value:
    """The value `build` gives for this user and day, built again only after their data changed.

    Not kept in this process yet, it is taken from `shelf` when that holds it, and a value
    built here is put there too. `version` is the user's data version when the caller read it
    with their row, before anything it guards. With no user row yet, or a database that keeps
    no version, the value is built every time.
    """
    if version is None and user.id is not None:
        version = store.data_version(user.id)
    if version is None:
        return build()
    key = (id(catalog), user.id or 0, version, today, user.precautions, user.time_zone, asked)
    if shelf is None:
        return cache.get(key, catalog, build, weight)

    def shelved() -> Value:
        found = shelf.read(key)
        if found is None:
            found = build()
            shelf.write(key, found)
        return found

    return cache.get(key, catalog, shelved, weight)
