"""What buyers do after a posting's life: returns, rFBS return requests and reviews.

Everything here is a pure function of the world seed and one posting's realized timeline, so
the same world derives the same aftersales on every run. Randomness per posting comes from
``random.Random(f"{seed}:<what>:{posting_number}")`` (the number, not the index, so split
postings get their own draws). What the seller does through the API lives in
``world.aftersales``; this module only describes what would happen and when.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import Decimal

from ozonops.simulator.config import SimConfig
from ozonops.simulator.reference.ozon_codes import RETURN_REASONS, ReturnReason
from ozonops.simulator.world.model import Event, Line, Posting, Scheme

H = timedelta(hours=1)
D = timedelta(days=1)

#: Visual return statuses (``/v1/returns/list`` ``visual.status``): sys_name -> (id, name).
#: id 3 for ArrivedAtReturnPlace is from the spec's example; the other ids are ours.
VISUAL_STATUSES: dict[str, tuple[int, str]] = {
    "MovingToOzon": (1, "В пути на склад Ozon"),
    "ReturnedToOzon": (2, "На складе Ozon"),
    "ArrivedAtReturnPlace": (3, "В пункте выдачи"),
    "MovingToSeller": (4, "В пути к продавцу"),
    "ReceivedBySeller": (5, "Получен продавцом"),
    "Utilizing": (6, "На утилизации"),
    "Utilized": (7, "Утилизирован"),
}

#: Compensation statuses (``compensation_status_id`` filter): id -> (sys_name, name).
COMPENSATION_STATUSES: dict[int, tuple[str, str]] = {
    1: ("Sent", "Отправлено на компенсацию"),
    2: ("Received", "Компенсация получена"),
    3: ("Canceled", "Компенсация отменена"),
    4: ("DecompensationSent", "Произведена декомпенсация"),
}

#: Ozon's return hubs in Russia (ours, modelled on the spec's example).
RETURN_PLACES: tuple[tuple[int, str, str], ...] = (
    (
        23869688194000,
        "СЦ_Львовский_Возвраты",
        "Россия, обл. Московская, г. Подольск, промышленная зона Львовский, ул. Московская, "
        "д. 69, стр. 5",
    ),
    (
        23902290867000,
        "Хоругвино_Возвраты",
        "Россия, обл. Московская, г. Солнечногорск, д. Хоругвино, тер. Логистический парк, 1",
    ),
    (
        24011395736000,
        "Екатеринбург_СЦ_Возвраты",
        "Россия, г. Екатеринбург, ул. Серовская, д. 4",
    ),
)

#: How a buyer sends an rFBS return back (ours).
RFBS_RETURN_METHODS: tuple[tuple[int, str], ...] = (
    (1, "Почтой России"),
    (2, "Курьерской службой"),
    (3, "Через пункт выдачи"),
)

#: Free storage at a return place before tariffication starts, and the daily fee (ours).
FREE_STORAGE = 7 * D
STORAGE_FEE_PER_DAY = Decimal("15")
#: A return left at the return place this long is sent to disposal (ours).
UTILIZATION_AFTER = 30 * D


# --- returns (/v1/returns/list) -------------------------------------------------------------
@dataclass(frozen=True, slots=True)
class VisualStep:
    at: datetime
    sys_name: str


@dataclass(frozen=True, slots=True)
class ReturnItem:
    """One returned product of an FBS or FBO posting."""

    id: int
    posting: Posting
    line: Line
    quantity: int
    type: str  # ClientReturn | FullReturn | Cancellation
    schema: str  # FBS | FBO
    reason: str
    return_date: datetime
    steps: tuple[VisualStep, ...]
    barcode: str
    clearing_id: int
    return_clearing_id: int
    exemplar_ids: tuple[int, ...]
    place: tuple[int, str, str]
    target_place: tuple[int, str, str]
    arrived_at: datetime | None  # at the return place, ready for handover
    compensation: tuple[tuple[datetime, int], ...]  # (at, compensation status id)
    is_opened: bool

    def step_at(self, now: datetime) -> VisualStep | None:
        found = None
        for s in self.steps:
            if s.at > now:
                break
            found = s
        return found

    def compensation_at(self, now: datetime) -> tuple[datetime, int] | None:
        found = None
        for c in self.compensation:
            if c[0] > now:
                break
            found = c
        return found


def _last(p: Posting) -> Event:
    return p.timeline[-1]


def _delivered(p: Posting) -> Event | None:
    ev = _last(p)
    return ev if ev.kind == "delivered" else None


def is_damaged(p: Posting) -> bool:
    return any(t.kind == "damaged" for t in p.troubles)


def is_late(p: Posting) -> bool:
    ev = _delivered(p)
    return ev is not None and ev.at > p.delivery_date_end


def _return_id(at: datetime, p: Posting, k: int) -> int:
    """Time-ordered int64 ids: a return made later has a larger id."""
    return int(at.timestamp()) * 1_000_000 + (p.index % 100_000) * 10 + k


def derive_returns(cfg: SimConfig, p: Posting) -> list[ReturnItem]:
    """FBS/FBO returns of ``p``: a client return after delivery, or a logistic one."""
    if p.scheme not in (Scheme.FBS, Scheme.FBO):
        return []
    rng = random.Random(f"{cfg.seed}:returns:{p.posting_number}")
    last = _last(p)
    damaged = is_damaged(p)
    if last.kind == "delivered":
        rate = cfg.outcomes.client_return
        if damaged:
            rate = min(0.9, rate * 6 + 0.3)
        if rng.random() >= rate:
            return []
        if damaged:
            reason: ReturnReason = next(r for r in RETURN_REASONS if r.id == 8)
        else:
            reason = rng.choices(RETURN_REASONS, weights=(8, 10, 8, 9, 3, 5, 5, 2, 3, 3))[0]
        line = rng.choice(p.lines)
        start = last.at + timedelta(seconds=rng.uniform(0.5, 14) * 86400)
        return [_client_return(rng, p, line, rng.randint(1, line.quantity), reason, start, damaged)]
    if last.kind in ("not_collected", "returned_to_sender"):
        kind = "FullReturn" if last.kind == "not_collected" else "Cancellation"
        reason_name = p.cancellation_plan.reason if p.cancellation_plan else "Возврат"
        return [
            _logistic_return(rng, p, line, k, kind, reason_name, last.at)
            for k, line in enumerate(p.lines)
        ]
    return []


def _exemplars(rng: random.Random, qty: int) -> tuple[int, ...]:
    return tuple(rng.randint(10**15, 10**16 - 1) for _ in range(qty))


def _client_return(
    rng: random.Random,
    p: Posting,
    line: Line,
    qty: int,
    reason: ReturnReason,
    start: datetime,
    damaged: bool,
) -> ReturnItem:
    schema = "FBO" if p.is_fbo else "FBS"
    place = rng.choice(RETURN_PLACES)
    t = start
    steps = [VisualStep(t, "MovingToOzon")]
    t += rng.uniform(2, 5) * D
    steps.append(VisualStep(t, "ReturnedToOzon"))
    arrived: datetime | None = None
    compensation: list[tuple[datetime, int]] = []
    if damaged:
        # Damaged in delivery: Ozon compensates and disposes of the item.
        sent = t + rng.uniform(0.5, 2) * D
        compensation = [(sent, 1), (sent + rng.uniform(4, 10) * D, 2)]
        t += rng.uniform(2, 6) * D
        steps.append(VisualStep(t, "Utilizing"))
        steps.append(VisualStep(t + rng.uniform(1, 3) * D, "Utilized"))
    elif reason.is_defect and schema == "FBS":
        # Defective FBS items go back to the seller's return place (ozon-rules.md Returns).
        t += rng.uniform(0.5, 2) * D
        steps.append(VisualStep(t, "MovingToSeller"))
        t += rng.uniform(2, 5) * D
        steps.append(VisualStep(t, "ArrivedAtReturnPlace"))
        arrived = t
        if rng.random() < 0.6:
            steps.append(VisualStep(t + rng.uniform(1, 10) * D, "ReceivedBySeller"))
        else:
            steps.append(VisualStep(t + UTILIZATION_AFTER, "Utilizing"))
            steps.append(VisualStep(t + UTILIZATION_AFTER + rng.uniform(1, 3) * D, "Utilized"))
    elif reason.is_defect:
        t += rng.uniform(3, 10) * D
        steps.append(VisualStep(t, "Utilizing"))
        steps.append(VisualStep(t + rng.uniform(1, 3) * D, "Utilized"))
    return ReturnItem(
        posting=p,
        line=line,
        quantity=qty,
        type="ClientReturn",
        schema=schema,
        reason=reason.name_ru,
        return_date=start,
        steps=tuple(steps),
        place=place,
        target_place=place,
        arrived_at=arrived,
        compensation=tuple(compensation),
        is_opened=True,
        id=_return_id(start, p, 0),
        barcode=f"ii{rng.randint(10**9, 10**10 - 1)}",
        clearing_id=rng.randint(10**13, 10**14 - 1),
        return_clearing_id=rng.randint(10**13, 10**14 - 1),
        exemplar_ids=_exemplars(rng, qty),
    )


def _logistic_return(
    rng: random.Random,
    p: Posting,
    line: Line,
    k: int,
    kind: str,
    reason: str,
    cancelled_at: datetime,
) -> ReturnItem:
    schema = "FBO" if p.is_fbo else "FBS"
    place = rng.choice(RETURN_PLACES)
    t = cancelled_at
    steps = [VisualStep(t, "MovingToOzon")]
    arrived: datetime | None = None
    if schema == "FBO":
        steps.append(VisualStep(t + rng.uniform(1, 3) * D, "ReturnedToOzon"))
    else:
        t += rng.uniform(0.5, 3) * D
        steps.append(VisualStep(t, "MovingToSeller"))
        t += rng.uniform(2, 7) * D
        steps.append(VisualStep(t, "ArrivedAtReturnPlace"))
        arrived = t
        if rng.random() < 0.6:  # cross-border sellers often leave returns to disposal
            steps.append(VisualStep(t + rng.uniform(1, 12) * D, "ReceivedBySeller"))
        else:
            steps.append(VisualStep(t + UTILIZATION_AFTER, "Utilizing"))
            steps.append(VisualStep(t + UTILIZATION_AFTER + rng.uniform(1, 3) * D, "Utilized"))
    return ReturnItem(
        posting=p,
        line=line,
        quantity=line.quantity,
        type=kind,
        schema=schema,
        reason=reason,
        return_date=cancelled_at,
        steps=tuple(steps),
        place=place,
        target_place=place,
        arrived_at=arrived,
        compensation=(),
        is_opened=False,
        id=_return_id(cancelled_at, p, k),
        barcode=f"ii{rng.randint(10**9, 10**10 - 1)}",
        clearing_id=rng.randint(10**13, 10**14 - 1),
        return_clearing_id=rng.randint(10**13, 10**14 - 1),
        exemplar_ids=_exemplars(rng, line.quantity),
    )


# --- rFBS return requests --------------------------------------------------------------------
@dataclass(frozen=True, slots=True)
class RfbsRequest:
    """A buyer's rFBS return request and the buyer's side of its future (pre-drawn)."""

    return_id: int
    return_number: str
    posting: Posting
    line: Line
    created_at: datetime
    reason: ReturnReason
    comment: str
    photos: tuple[str, ...]
    method: tuple[int, str]
    ru_post_tracking_number: str
    ship_delay: timedelta  # approval -> buyer hands the parcel over
    transit: timedelta  # handed over -> arrives at the seller
    accepts_partial: bool
    partial_answer: timedelta
    disputes: bool
    dispute_delay: timedelta
    arbitration_for_buyer: bool
    arbitration_delay: timedelta
    autopilot_seed: str


_RFBS_COMMENTS: dict[bool, tuple[str, ...]] = {
    False: (
        "Не подошёл размер, хочу вернуть.",
        "Цвет отличается от фото на сайте.",
        "Передумала, товар в упаковке, не использовался.",
        "",
    ),
    True: (
        "Товар не включается, прикладываю фото.",
        "Пришёл с трещиной на корпусе.",
        "Не хватает детали из комплекта.",
        "Через два дня перестал работать.",
    ),
}


def derive_rfbs(cfg: SimConfig, p: Posting) -> RfbsRequest | None:
    """The buyer's rFBS return request for a delivered rFBS posting, if there is one."""
    if not p.scheme.is_rfbs:
        return None
    last = _delivered(p)
    if last is None:
        return None
    rng = random.Random(f"{cfg.seed}:rfbs-returns:{p.posting_number}")
    damaged = is_damaged(p)
    rate = cfg.outcomes.client_return
    if damaged:
        rate = min(0.9, rate * 6 + 0.3)
    if rng.random() >= rate:
        return None
    if damaged:
        reason = next(r for r in RETURN_REASONS if r.id == 8)
    else:
        reason = rng.choices(RETURN_REASONS, weights=(8, 10, 8, 9, 3, 5, 5, 2, 3, 3))[0]
    created = last.at + timedelta(seconds=rng.uniform(0.3, 12) * 86400)
    suffix = int(p.posting_number.rsplit("-", 1)[1])
    return_id = 500_000_000 + p.index * 8 + min(suffix - 1, 7)
    photos = tuple(
        f"https://cdn1.ozone.ru/s3/rfbs-returns/{return_id}/{k + 1}.jpg"
        for k in range(rng.randint(1, 4) if reason.is_defect else rng.randint(0, 1))
    )
    method = rng.choice(RFBS_RETURN_METHODS)
    office = rng.choice(("101000", "190000", "620014", "630099", "420111"))
    serial = f"{office}{rng.randint(0, 9_999_999):07d}"
    track = serial + str(sum(int(c) for c in serial) % 10) if method[0] == 1 else ""
    return RfbsRequest(
        return_id=return_id,
        return_number=f"{p.order_number}-R{suffix}",
        posting=p,
        line=rng.choice(p.lines),
        created_at=created,
        reason=reason,
        comment=rng.choice(_RFBS_COMMENTS[reason.is_defect]),
        photos=photos,
        method=method,
        ru_post_tracking_number=track,
        ship_delay=rng.uniform(0.5, 4) * D,
        transit=rng.uniform(3, 12) * D,
        accepts_partial=rng.random() < 0.6,
        partial_answer=rng.uniform(2, 40) * H,
        disputes=rng.random() < 0.35,
        dispute_delay=rng.uniform(0.5, 5) * D,
        arbitration_for_buyer=rng.random() < 0.5,
        arbitration_delay=rng.uniform(1, 3) * D,
        autopilot_seed=f"{cfg.seed}:rfbs-seller:{p.posting_number}",
    )
