"""Results computed once per document (or project) object and shared by the checks that
read them in one scoring run, without keeping finished documents alive."""

from __future__ import annotations

import threading
import weakref
from collections.abc import Callable
from typing import Generic, TypeVar

K = TypeVar("K")
V = TypeVar("V")


class PerObject(Generic[K, V]):
    """``get(obj, compute)``: ``compute(obj)`` once per live object. Keyed by identity
    (the facts objects are unhashable dataclasses); an entry is dropped when its object
    is collected (a weak reference's callback), so a long-running service does not grow.
    Listing the dead entries on every store instead cost the number of entries each
    time: quadratic in a document's projects for the per-project memos."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._entries: dict[int, tuple[weakref.ref, V]] = {}

    def has(self, obj: K) -> bool:
        with self._lock:
            entry = self._entries.get(id(obj))
            return entry is not None and entry[0]() is obj

    def get(self, obj: K, compute: Callable[[K], V]) -> V:
        key = id(obj)
        with self._lock:
            entry = self._entries.get(key)
            if entry is not None and entry[0]() is obj:
                return entry[1]
        value = compute(obj)
        with self._lock:
            self._entries[key] = (weakref.ref(obj, self._dropper(key)), value)
        return value

    def _dropper(self, key: int) -> Callable[[weakref.ref], None]:
        entries = self._entries

        def drop(ref: weakref.ref) -> None:
            # Runs when the object is collected, at any point of any thread (even one
            # holding the lock), so it takes no lock: it removes the entry only if it is
            # still this object's, not a newer object's that was given the same id.
            entry = entries.get(key)
            if entry is not None and entry[0] is ref:
                entries.pop(key, None)

        return drop
