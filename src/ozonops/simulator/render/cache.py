"""A bounded cache of rendered postings, one per world.

A posting's list shape reads the same until its current event changes, the seller changes it
(``Posting.version``), or its chat window closes, so those (with the shape and the ``with``
options) make the key. Cached dicts are shared between answers: never change them.
"""

from __future__ import annotations

import threading
import weakref
from collections import OrderedDict
from collections.abc import Callable, Hashable
from datetime import datetime
from typing import Any, TypeVar

from ozonops.simulator.world import Posting, World
from ozonops.simulator.world.actions import chat_open

JSON = dict[str, Any]
#: A shape's options (``render.postings.With``): part of the key, so hashable.
Options = TypeVar("Options", bound=Hashable)

#: Rendered postings kept per world (least recently used go first); about 3 KB each.
RENDER_CACHE_SIZE = 50_000


class RenderCache:
    """A bounded LRU of rendered postings, keyed by what the rendering depends on."""

    def __init__(self, size: int) -> None:
        self.size = size
        self._lock = threading.Lock()
        self._items: OrderedDict[tuple[object, ...], JSON] = OrderedDict()

    def render(
        self,
        fn: Callable[[World, Posting, datetime, Options], JSON],
        world: World,
        p: Posting,
        now: datetime,
        w: Options,
    ) -> JSON:
        k = p.event_index(now)
        ev = p.timeline[max(k, 0)]
        # Everything a shape shows at `now` follows from these (see the module docstring).
        key = (fn, p.posting_number, p.version, k, chat_open(p, ev, now), w)
        with self._lock:
            out = self._items.get(key)
            if out is not None:
                self._items.move_to_end(key)
                return out
        out = fn(world, p, now, w)
        with self._lock:
            self._items[key] = out
            while len(self._items) > self.size:
                self._items.popitem(last=False)
        return out


_CACHES: weakref.WeakKeyDictionary[World, RenderCache] = weakref.WeakKeyDictionary()
_CACHES_LOCK = threading.Lock()


def render_cache(world: World) -> RenderCache:
    cache = _CACHES.get(world)
    if cache is None:
        with _CACHES_LOCK:
            cache = _CACHES.setdefault(world, RenderCache(RENDER_CACHE_SIZE))
    return cache
