"""Reviews buyers leave on a posting: derived from the seller's seed and the posting's fate.

Ratings fall when the parcel came late (after ``delivery_date_end``) or damaged; texts are the
reference set's. Reviews published before the world's history ended were already handled by
the simulated seller (viewed, mostly answered and processed).
"""

from __future__ import annotations

import random
import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta

from ozonops.simulator.config import SimConfig
from ozonops.simulator.reference.texts import (
    REVIEW_TEXTS,
    SELLER_REPLY_FOLLOW_UP,
    SELLER_REPLY_THANKS,
)
from ozonops.simulator.world.aftersales_derive import is_damaged
from ozonops.simulator.world.model import Posting

H = timedelta(hours=1)


@dataclass(frozen=True, slots=True)
class Comment:
    id: str
    review_id: str
    text: str
    published_at: datetime
    parent_comment_id: str
    is_owner: bool
    is_official: bool


@dataclass(frozen=True, slots=True)
class Review:
    id: str
    posting_number: str
    shop_index: int
    sku: int
    text: str
    rating: int
    order_status: str  # DELIVERED | CANCELLED
    published_at: datetime
    is_rating_participant: bool
    photos: int
    videos: int
    likes: int
    dislikes: int
    statuses: tuple[tuple[datetime, str], ...]  # the simulated seller's own status moves
    comments: tuple[Comment, ...]  # the simulated seller's own replies


#: Rating weights 1..5 (ours): on time and intact, late, damaged.
RATING_WEIGHTS = {
    "ok": (4, 3, 7, 20, 66),
    "late": (14, 12, 20, 26, 28),
    "damaged": (45, 25, 15, 9, 6),
}


def uuid7(rng: random.Random, at: datetime) -> str:
    """A UUIDv7-shaped id (time-ordered by ``at``) from ``rng``: deterministic per world."""
    ms = int(at.timestamp() * 1000) & ((1 << 48) - 1)
    value = (ms << 80) | (0x7 << 76) | (rng.getrandbits(12) << 64)
    value |= (0b10 << 62) | rng.getrandbits(62)
    return str(uuid.UUID(int=value))


def derive_review(cfg: SimConfig, history_end: datetime, p: Posting) -> Review | None:
    """The buyer's review of ``p``, if the buyer writes one."""
    last = p.timeline[-1]
    rng = random.Random(f"{cfg.seed}:reviews:{p.posting_number}")
    if last.kind == "delivered":
        if rng.random() >= cfg.outcomes.review:
            return None
        mood = "damaged" if is_damaged(p) else "late" if last.at > p.delivery_date_end else "ok"
        order_status = "DELIVERED"
        published = last.at + timedelta(seconds=rng.uniform(0.5, 12) * 86400)
    elif last.status == "cancelled" and last.kind in ("lost", "not_collected", "buyer_cancelled"):
        if rng.random() >= cfg.outcomes.review * 0.08:
            return None
        mood = "damaged"
        order_status = "CANCELLED"
        published = last.at + timedelta(seconds=rng.uniform(0.2, 5) * 86400)
    else:
        return None
    rating = rng.choices((1, 2, 3, 4, 5), weights=RATING_WEIGHTS[mood])[0]
    text = "" if rng.random() < 0.2 else rng.choice(REVIEW_TEXTS[rating])
    review_id = uuid7(rng, published)
    photos = rng.randint(1, 5) if rng.random() < (0.35 if rating <= 2 else 0.12) else 0
    videos = 1 if rng.random() < 0.03 else 0
    statuses: list[tuple[datetime, str]] = []
    comments: list[Comment] = []
    if cfg.autopilot or published < history_end:
        viewed = published + rng.uniform(1, 30) * H
        processed = viewed + rng.uniform(0.1, 24) * H
        if cfg.autopilot or processed < history_end:
            statuses.append((viewed, "VIEWED"))
            if rng.random() < 0.85:
                statuses.append((processed, "PROCESSED"))
                replies = SELLER_REPLY_THANKS if rating >= 4 else SELLER_REPLY_FOLLOW_UP
                comments.append(
                    Comment(
                        id=uuid7(rng, processed),
                        review_id=review_id,
                        text=rng.choice(replies),
                        published_at=processed,
                        parent_comment_id="",
                        is_owner=True,
                        is_official=True,
                    )
                )
        elif viewed < history_end:
            statuses.append((viewed, "VIEWED"))
    return Review(
        id=review_id,
        posting_number=p.posting_number,
        shop_index=p.shop_index,
        sku=rng.choice(p.lines).sku.sku,
        text=text,
        rating=rating,
        order_status=order_status,
        published_at=published,
        is_rating_participant=order_status == "DELIVERED",
        photos=photos,
        videos=videos,
        likes=rng.choice((0, 0, 0, 1, 1, 2, 3, 5)),
        dislikes=rng.choice((0, 0, 0, 0, 1, 2)),
        statuses=tuple(statuses),
        comments=tuple(comments),
    )
