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
    (the facts objects are unhashable dataclasses); an entry whose object is gone is
    dropped on the next store, so a long-running service does not grow."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._entries: dict[int, tuple[weakref.ref, V]] = {}

    def has(self, obj: K) -> bool:
        with self._lock:
            entry = self._entries.get(id(obj))
            return entry is not None and entry[0]() is obj

    def get(self, obj: K, compute: Callable[[K], V]) -> V:
        with self._lock:
            entry = self._entries.get(id(obj))
            if entry is not None and entry[0]() is obj:
                return entry[1]
        value = compute(obj)
        with self._lock:
            for key in [k for k, (ref, _) in self._entries.items() if ref() is None]:
                del self._entries[key]
            self._entries[id(obj)] = (weakref.ref(obj), value)
        return value
