"""A world's aftersales: the returns, rFBS return requests and reviews derived from its
postings, indexed per shop, plus what the seller changed through the API.

The state lives beside the world (a ``WeakKeyDictionary`` keyed by it), not inside it. Each
shop's index scans the order index once and keeps what it derived; a posting whose fate can
still change (a live posting waiting for the seller) is re-checked on each call until it is
settled, so repeated pages cost a bisect and a filter, not a rebuild.
"""

from __future__ import annotations

import bisect
import random
import weakref
from dataclasses import dataclass, field
from datetime import datetime

import numpy as np

from ozonops.simulator.world.aftersales_derive import (
    ReturnItem,
    RfbsRequest,
    derive_returns,
    derive_rfbs,
)
from ozonops.simulator.world.aftersales_reviews import Comment, Review, derive_review, uuid7
from ozonops.simulator.world.aftersales_rfbs import Decision, RfbsStep, realize_rfbs, step_at
from ozonops.simulator.world.model import Posting, Shop
from ozonops.simulator.world.world import World

_TERMINAL = ("delivered", "cancelled")


@dataclass(slots=True)
class ShopAftersales:
    """Everything derived for one shop, sorted for paging."""

    scanned: dict[bool, int] = field(default_factory=lambda: {False: 0, True: 0})
    pending: list[int] = field(default_factory=list)  # posting indices not settled yet
    returns: list[ReturnItem] = field(default_factory=list)  # by id
    return_ids: list[int] = field(default_factory=list)
    rfbs: list[RfbsRequest] = field(default_factory=list)  # by return_id
    rfbs_ids: list[int] = field(default_factory=list)
    rfbs_by_id: dict[int, RfbsRequest] = field(default_factory=dict)
    reviews: list[Review] = field(default_factory=list)  # by (published_at, id)
    review_keys: list[tuple[datetime, str]] = field(default_factory=list)
    review_by_id: dict[str, Review] = field(default_factory=dict)


@dataclass(slots=True)
class Aftersales:
    shops: dict[int, ShopAftersales] = field(default_factory=dict)
    review_status: dict[str, list[tuple[datetime, str]]] = field(default_factory=dict)
    review_comments: dict[str, list[Comment]] = field(default_factory=dict)
    rfbs_decisions: dict[int, list[Decision]] = field(default_factory=dict)
    rfbs_steps: dict[int, tuple[int, list[RfbsStep]]] = field(default_factory=dict)


_STATES: weakref.WeakKeyDictionary[World, Aftersales] = weakref.WeakKeyDictionary()


def state(world: World) -> Aftersales:
    st = _STATES.get(world)
    if st is None:
        with world.lock:
            st = _STATES.get(world)
            if st is None:
                st = Aftersales()
                _STATES[world] = st
    return st


def _settled(p: Posting, now: datetime) -> bool:
    last = p.timeline[-1]
    return p.autopilot or (last.status in _TERMINAL and last.at <= now)


def shop_index(world: World, shop: Shop) -> ShopAftersales:
    """The shop's aftersales, brought up to ``world.now()``."""
    now = world.now()
    st = state(world)
    with world.lock:
        sa = st.shops.get(shop.index)
        if sa is None:
            sa = st.shops[shop.index] = ShopAftersales()
        created = world.index.created
        stamp = int(now.timestamp())
        for fbo in (False, True):
            orders = world.index.shop_orders(shop.index, fbo=fbo)
            start = sa.scanned[fbo]
            hi = int(np.searchsorted(created[orders[start:]], stamp, side="right")) + start
            for i in orders[start:hi]:
                _take(world, sa, int(i), now)
            sa.scanned[fbo] = hi
        if sa.pending:
            waiting, sa.pending = sa.pending, []
            for i in waiting:
                _take(world, sa, i, now)
    return sa


def _take(world: World, sa: ShopAftersales, i: int, now: datetime) -> None:
    p = world.posting(i)
    family = [p, *world.split_children(i)]
    if not all(_settled(x, now) for x in family):
        sa.pending.append(i)
        return
    cfg = world.config
    for x in family:
        for r in derive_returns(cfg, x):
            k = bisect.bisect(sa.return_ids, r.id)
            sa.return_ids.insert(k, r.id)
            sa.returns.insert(k, r)
        req = derive_rfbs(cfg, x)
        if req is not None:
            k = bisect.bisect(sa.rfbs_ids, req.return_id)
            sa.rfbs_ids.insert(k, req.return_id)
            sa.rfbs.insert(k, req)
            sa.rfbs_by_id[req.return_id] = req
        rev = derive_review(cfg, world.history_end, x)
        if rev is not None:
            key = (rev.published_at, rev.id)
            k = bisect.bisect(sa.review_keys, key)
            sa.review_keys.insert(k, key)
            sa.reviews.insert(k, rev)
            sa.review_by_id[rev.id] = rev


# --- reviews -----------------------------------------------------------------------------------
def visible_reviews(sa: ShopAftersales, now: datetime) -> list[Review]:
    """Reviews published by ``now``, oldest first."""
    hi = bisect.bisect(sa.review_keys, (now, "\uffff"))
    return sa.reviews[:hi]


def find_review(world: World, shop: Shop, review_id: str) -> Review | None:
    rev = shop_index(world, shop).review_by_id.get(review_id)
    if rev is None or rev.published_at > world.now():
        return None
    return rev


def review_status(world: World, rev: Review, now: datetime) -> str:
    status = "NEW"
    for at, s in rev.statuses:
        if at > now:
            break
        status = s
    for at, s in state(world).review_status.get(rev.id, ()):
        if at <= now:
            status = s
    return status


def set_review_status(world: World, rev: Review, status: str, now: datetime) -> None:
    with world.lock:
        state(world).review_status.setdefault(rev.id, []).append((now, status))


def review_comments(world: World, rev: Review, now: datetime) -> list[Comment]:
    own = state(world).review_comments.get(rev.id, [])
    return [c for c in (*rev.comments, *own) if c.published_at <= now]


def add_comment(world: World, rev: Review, text: str, parent: str, now: datetime) -> Comment:
    with world.lock:
        own = state(world).review_comments.setdefault(rev.id, [])
        rng = random.Random(f"{world.config.seed}:comment:{rev.id}:{len(own)}")
        comment = Comment(
            id=uuid7(rng, now),
            review_id=rev.id,
            text=text,
            published_at=now,
            parent_comment_id=parent,
            is_owner=True,
            is_official=True,
        )
        own.append(comment)
    return comment


# --- rFBS return requests ---------------------------------------------------------------------
def rfbs_steps(world: World, req: RfbsRequest) -> list[RfbsStep]:
    st = state(world)
    decisions = st.rfbs_decisions.get(req.return_id, [])
    cached = st.rfbs_steps.get(req.return_id)
    if cached is not None and cached[0] == len(decisions):
        return cached[1]
    until = None if world.config.autopilot else world.history_end
    steps = realize_rfbs(req, decisions, until)
    st.rfbs_steps[req.return_id] = (len(decisions), steps)
    return steps


def rfbs_step(world: World, req: RfbsRequest, now: datetime) -> RfbsStep:
    return step_at(rfbs_steps(world, req), now)


def find_rfbs(world: World, shop: Shop, return_id: int) -> RfbsRequest | None:
    req = shop_index(world, shop).rfbs_by_id.get(return_id)
    if req is None or req.created_at > world.now():
        return None
    return req


def add_decision(world: World, req: RfbsRequest, decision: Decision) -> None:
    with world.lock:
        state(world).rfbs_decisions.setdefault(req.return_id, []).append(decision)


def last_rejection(world: World, req: RfbsRequest, now: datetime) -> Decision | None:
    found = None
    for s in rfbs_steps(world, req):
        if s.at > now:
            break
        if s.decision is not None and s.decision.action_id in (-1, -10):
            found = s.decision
    return found
