"""Chats between buyers and the seller, plus one support chat per shop.

Buyer messages are deterministic: whether a posting's buyer writes, when and what, follows from
the world seed and the posting's index (never from the realized timeline, so seller actions do
not move them). Troubles (late packing, stalls, customs holds, losses, failed deliveries) make
buyers write more. On history (autopilot) postings the simulated seller answers most messages.

What the real seller does through the API (started chats, sent messages, read marks) lives in a
:class:`ChatState` kept per world.

Choices where Ozon's docs are silent [inferred]:
- chat ids are uuid-shaped strings that carry the posting index (xor a per-seed mask), so a
  chat id maps back to its posting without a table;
- message ids are uint64 ``3·10^18 + created_ms·1000 + salt``: they grow with time;
- a chat is CLOSED once its posting is delivered or cancelled and nothing was written for
  30 days;
- sending a message marks the buyer's earlier messages read; the buyer reads the seller's
  messages 2 hours after they are sent.
"""

from __future__ import annotations

import hashlib
import random
import threading
import weakref
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import datetime, timedelta

import numpy as np
import numpy.typing as npt

from ozonops.simulator.reference.texts import BUYER_MESSAGES
from ozonops.simulator.world.model import Posting, Scheme, Shop
from ozonops.simulator.world.world import World

H = 3600
D = 86400

#: Chats of postings created longer ago than this are not listed (and send no pushes).
CHAT_RETENTION_S = 180 * D
#: Buyers write this much more often when a posting has one of these troubles.
TROUBLE_BOOST = 3.0
TROUBLED = frozenset({"late_packing", "stall", "lost", "customs_hold", "failed_delivery"})
#: How often the simulated seller answers on history postings.
AUTOPILOT_REPLY_RATE = 0.85
#: ozon-rules.md "Chats".
START_WINDOW_S = 72 * H
AFTER_DELIVERY_WINDOW_S = 72 * H
REPLY_WINDOW_S = 48 * H
TEXT_MAX = 1000
CLOSE_AFTER_S = 30 * D
SELLER_READ_DELAY_S = 2 * H

MESSAGE_ID_BASE = 3 * 10**18
SUPPORT_USER_ID = "0"

BUYER_SELLER = "BUYER_SELLER"
SELLER_SUPPORT = "SELLER_SUPPORT"

# Texts by situation (indices into BUYER_MESSAGES).
_DELAY_TEXTS = (0, 1, 2, 3, 13, 15, 18, 19)
_BEFORE_TEXTS = (2, 4, 6, 8, 10, 11, 16, 19)
_AFTER_TEXTS = (5, 6, 7, 8, 9, 12, 14, 17)
_LOST_TEXTS = (0, 1, 13, 14)

SELLER_CHAT_REPLIES: tuple[str, ...] = (
    "Здравствуйте! Посылка в пути, по трек-номеру видно, что она прошла таможню. "
    "Ожидайте, пожалуйста, ещё несколько дней.",
    "Добрый день! Проверили ваш заказ: он передан в доставку, статус обновится в ближайшее время.",
    "Здравствуйте! Приносим извинения за задержку. Мы связались со службой доставки и следим "
    "за посылкой.",
    "Спасибо за сообщение! Инструкция на русском языке есть в карточке товара, отправим и сюда.",
    "Здравствуйте! Да, гарантия 12 месяцев. Если товар не работает, оформите возврат — "
    "мы заменим его или вернём деньги.",
    "Добрый день! Очень жаль, что так вышло. Пришлите, пожалуйста, фото — разберёмся и "
    "предложим решение.",
    "Здравствуйте! По таблице размеров вам подойдёт размер M.",
    "Спасибо, что написали! Новые цвета ожидаем в следующем месяце.",
)

SUPPORT_MESSAGES: tuple[str, ...] = (
    "Здравствуйте! Это чат с поддержкой Ozon. Здесь можно задать вопрос о работе магазина.",
    "Напоминаем: отправления Ozon Global нужно передать в доставку не позднее 10 дней после "
    "оформления заказа, иначе они будут отменены.",
)

_MASK64 = (1 << 64) - 1


@dataclass(frozen=True, slots=True)
class Message:
    message_id: int
    created_at: datetime
    user_type: str  # Customer | Seller | Support
    user_id: str
    text: str


@dataclass(slots=True)
class Chat:
    chat_id: str
    chat_type: str
    shop_index: int
    created_at: datetime
    posting: Posting | None
    messages: list[Message]  # visible now, oldest first
    status: str
    read_upto: int  # the seller has read buyer messages with ids <= this


@dataclass(slots=True)
class ChatState:
    """What the seller did through the API, plus caches of the deterministic part."""

    started: dict[int, datetime] = field(default_factory=dict)  # posting index -> start time
    sent: dict[str, list[Message]] = field(default_factory=dict)  # chat id -> messages
    read_upto: dict[str, int] = field(default_factory=dict)
    plans: dict[int, tuple[Message, ...]] = field(default_factory=dict)
    candidates: dict[int, list[int]] = field(default_factory=dict)  # shop -> posting indices
    scanned: int = 0  # index length the candidates cover
    lock: threading.Lock = field(default_factory=threading.Lock)


_STATES: weakref.WeakKeyDictionary[World, ChatState] = weakref.WeakKeyDictionary()
_STATES_LOCK = threading.Lock()


def state(world: World) -> ChatState:
    with _STATES_LOCK:
        st = _STATES.get(world)
        if st is None:
            st = _STATES[world] = ChatState()
        return st


# --- ids --------------------------------------------------------------------------------------
def _mask(seed: int) -> int:
    return int.from_bytes(hashlib.sha256(f"{seed}:chat-mask".encode()).digest()[:6], "big")


def chat_id_for(world: World, index: int, *, support: bool = False) -> str:
    """A uuid-shaped id that encodes ``index`` (a posting index, or a shop index for support)."""
    seed = world.config.seed
    rng = random.Random(f"{seed}:chat-id:{'s' if support else 'p'}:{index}")
    head = rng.getrandbits(64)
    tail = (index ^ _mask(seed)) & 0xFFFF_FFFF_FFFF
    variant = "9" if support else "8"
    h = f"{head:016x}"
    return f"{h[:8]}-{h[8:12]}-4{h[12:15]}-{variant}{rng.getrandbits(12):03x}-{tail:012x}"


def decode_chat_id(world: World, chat_id: str) -> tuple[bool, int] | None:
    """(is_support, index) for a well-formed id this world could have made, else None."""
    parts = chat_id.split("-")
    if len(parts) != 5 or len(parts[4]) != 12 or len(parts[3]) != 4:
        return None
    try:
        index = int(parts[4], 16) ^ _mask(world.config.seed)
    except ValueError:
        return None
    support = parts[3][0] == "9"
    if chat_id_for(world, index, support=support) != chat_id:
        return None
    return support, index


def message_id(at: datetime, salt: int) -> int:
    ms = int(at.timestamp() * 1000)
    return MESSAGE_ID_BASE + ms * 1000 + salt % 1000


# --- deterministic buyer messages --------------------------------------------------------------
def _rolls(seed: int, idx: npt.NDArray[np.int64]) -> npt.NDArray[np.float64]:
    """A uniform [0, 1) number per posting index (splitmix64 of seed and index)."""
    x = idx.astype(np.uint64) + np.uint64((seed * 0x9E3779B97F4A7C15) & _MASK64)
    with np.errstate(over="ignore"):
        x = x + np.uint64(0x9E3779B97F4A7C15)
        x = (x ^ (x >> np.uint64(30))) * np.uint64(0xBF58476D1CE4E5B9)
        x = (x ^ (x >> np.uint64(27))) * np.uint64(0x94D049BB133111EB)
        x = x ^ (x >> np.uint64(31))
    return (x >> np.uint64(11)).astype(np.float64) / float(1 << 53)


def buyer_rate(world: World, p: Posting) -> float:
    base = world.config.outcomes.buyer_message
    if any(t.kind in TROUBLED for t in p.troubles):
        return min(1.0, base * TROUBLE_BOOST)
    return base


def _candidates(world: World, st: ChatState, shop_index: int) -> list[int]:
    """Indices of the shop's postings whose buyer may write (a cheap pre-roll on the index)."""
    n = len(world.index)
    if st.scanned < n:
        with st.lock:
            if st.scanned < n:
                start = st.scanned
                idx = np.arange(start, n, dtype=np.int64)
                cap = min(1.0, world.config.outcomes.buyer_message * TROUBLE_BOOST)
                hit = idx[_rolls(world.config.seed, idx) < cap]
                shops = world.index.shop[hit]
                for s in range(len(world.shops)):
                    st.candidates.setdefault(s, []).extend(int(i) for i in hit[shops == s])
                st.scanned = n
    return st.candidates.get(shop_index, [])


def planned_messages(world: World, p: Posting) -> tuple[Message, ...]:
    """Every message the buyer (and, on autopilot postings, the seller) will ever write."""
    st = state(world)
    cached = st.plans.get(p.index)
    if cached is not None:
        return cached
    roll = float(_rolls(world.config.seed, np.array([p.index], dtype=np.int64))[0])
    out: list[Message] = []
    if roll < buyer_rate(world, p):
        out = _plan(world, p)
    result = tuple(out)
    st.plans[p.index] = result
    return result


def _plan(world: World, p: Posting) -> list[Message]:
    rng = random.Random(f"{world.config.seed}:chat-plan:{p.index}")
    shop = world.shops[p.shop_index]
    base = p.in_process_at
    end_offset = p.plan[-1].offset_s if p.plan else 0
    kinds = {t.kind: t for t in p.troubles}
    texts: tuple[int, ...]
    delivered = bool(p.plan) and p.plan[-1].status == "delivered"
    if "lost" in kinds or "stall" in kinds or "customs_hold" in kinds:
        t = kinds.get("stall") or kinds.get("customs_hold") or kinds["lost"]
        first = t.offset_s + rng.uniform(1, 4) * D
        texts = _LOST_TEXTS if "lost" in kinds else _DELAY_TEXTS
    elif "late_packing" in kinds:
        first = kinds["late_packing"].offset_s - rng.uniform(0.1, 0.9) * D
        texts = _DELAY_TEXTS
    elif "failed_delivery" in kinds:
        first = kinds["failed_delivery"].offset_s - rng.uniform(0.5, 2) * D
        texts = (15, 14, 4)
    elif delivered and rng.random() < 0.5:
        first = end_offset + rng.uniform(0.1, 2.5) * D
        texts = _AFTER_TEXTS
    else:
        first = rng.uniform(1 * H, max(2 * H, end_offset * 0.8))
        texts = _BEFORE_TEXTS
    first = max(first, 10 * 60)
    n = rng.choices((1, 2, 3), weights=(60, 30, 10))[0]
    at = base + timedelta(seconds=int(first))
    customer = str(p.buyer.customer_id)
    salt = p.index * 7
    out: list[Message] = []
    for k in range(n):
        text = BUYER_MESSAGES[rng.choice(texts)]
        out.append(Message(message_id(at, salt + k * 2), at, "Customer", customer, text))
        if p.autopilot and rng.random() < AUTOPILOT_REPLY_RATE:
            reply_at = at + timedelta(seconds=int(rng.uniform(0.3, 20) * H))
            reply = rng.choice(SELLER_CHAT_REPLIES)
            out.append(
                Message(
                    message_id(reply_at, salt + k * 2 + 1),
                    reply_at,
                    "Seller",
                    str(shop.seller_id),
                    reply,
                )
            )
            at = reply_at
        at += timedelta(seconds=int(rng.uniform(6 * H, 3 * D)))
    out.sort(key=lambda m: m.message_id)
    return out


def support_messages(world: World, shop: Shop) -> list[Message]:
    start = world.config.start - timedelta(days=world.config.history_days)
    out = []
    for k, text in enumerate(SUPPORT_MESSAGES):
        at = start + timedelta(days=k * 7, hours=10)
        out.append(Message(message_id(at, shop.index * 10 + k), at, "Support", "0", text))
    return out


# --- chats as the seller sees them ---------------------------------------------------------------
def _visible(msgs: list[Message], now: datetime) -> list[Message]:
    return [m for m in msgs if m.created_at <= now]


def chat_for_posting(world: World, p: Posting, now: datetime) -> Chat | None:
    """The posting's buyer chat as of ``now``, or None if nobody has started one yet."""
    st = state(world)
    cid = chat_id_for(world, p.index)
    msgs = _visible(list(planned_messages(world, p)), now)
    msgs += _visible(st.sent.get(cid, []), now)
    started = st.started.get(p.index)
    if started is not None and started > now:
        started = None
    if not msgs and started is None:
        return None
    msgs.sort(key=lambda m: m.message_id)
    created = min([m.created_at for m in msgs] + ([started] if started else []))
    return Chat(
        chat_id=cid,
        chat_type=BUYER_SELLER,
        shop_index=p.shop_index,
        created_at=created,
        posting=p,
        messages=msgs,
        status=_status(world, p, msgs, created, now),
        read_upto=_read_upto(st, cid, msgs),
    )


def support_chat(world: World, shop: Shop, now: datetime) -> Chat:
    st = state(world)
    cid = chat_id_for(world, shop.index, support=True)
    msgs = _visible(support_messages(world, shop) + st.sent.get(cid, []), now)
    msgs.sort(key=lambda m: m.message_id)
    created = msgs[0].created_at if msgs else now
    return Chat(cid, SELLER_SUPPORT, shop.index, created, None, msgs, "OPENED", 0)


def _read_upto(st: ChatState, cid: str, msgs: list[Message]) -> int:
    """Buyer messages followed by a seller message count as read, and so do marked ones."""
    upto = st.read_upto.get(cid, 0)
    for m in msgs:
        if m.user_type == "Seller":
            upto = max(upto, m.message_id)
    return upto


def _status(world: World, p: Posting, msgs: list[Message], created: datetime, now: datetime) -> str:
    ev = world.event(p, now)
    last = msgs[-1].created_at if msgs else created
    if ev.status in ("delivered", "cancelled") and (now - last).total_seconds() > CLOSE_AFTER_S:
        return "CLOSED"
    return "OPENED"


def unread(chat: Chat) -> list[Message]:
    if chat.chat_type == SELLER_SUPPORT:
        return []
    return [m for m in chat.messages if m.user_type == "Customer" and m.message_id > chat.read_upto]


def is_read(chat: Chat, m: Message, now: datetime) -> bool:
    if m.user_type == "Customer":
        return m.message_id <= chat.read_upto
    if m.user_type == "Seller":
        return (now - m.created_at).total_seconds() >= SELLER_READ_DELAY_S
    return True


def shop_chats(world: World, shop: Shop, now: datetime) -> list[Chat]:
    """Every chat of ``shop`` visible at ``now``, newest first (then by chat id)."""
    st = state(world)
    lo = int((now - timedelta(seconds=CHAT_RETENTION_S)).timestamp())
    hi = int(now.timestamp())
    seen: set[int] = set()
    out: list[Chat] = [support_chat(world, shop, now)]
    created = world.index.created
    for i in _candidates(world, st, shop.index):
        c = int(created[i])
        if c < lo or c > hi:
            continue
        seen.add(i)
        chat = chat_for_posting(world, world.posting(i), now)
        if chat is not None:
            out.append(chat)
    for i in list(st.started):
        if i in seen:
            continue
        p = world.posting(i)
        if p.shop_index != shop.index:
            continue
        chat = chat_for_posting(world, p, now)
        if chat is not None:
            out.append(chat)
    out.sort(key=lambda c: (-c.created_at.timestamp(), c.chat_id))
    return out


def find_chat(world: World, shop: Shop, chat_id: str, now: datetime) -> Chat | None:
    decoded = decode_chat_id(world, chat_id)
    if decoded is None:
        return None
    support, index = decoded
    if support:
        return support_chat(world, shop, now) if index == shop.index else None
    if index >= len(world.index):
        return None
    p = world.posting(index)
    if p.shop_index != shop.index or p.created_at > now:
        return None
    return chat_for_posting(world, p, now)


def buyer_messages_between(
    world: World, shop: Shop, since: datetime, to: datetime
) -> Iterator[tuple[Chat, Message]]:
    """Buyer messages of ``shop`` written in ``(since, to]`` (for TYPE_NEW_MESSAGE pushes)."""
    st = state(world)
    lo = int((since - timedelta(seconds=CHAT_RETENTION_S)).timestamp())
    hi = int(to.timestamp())
    created = world.index.created
    for i in _candidates(world, st, shop.index):
        c = int(created[i])
        if c < lo or c > hi:
            continue
        p = world.posting(i)
        plan = planned_messages(world, p)
        hits = [m for m in plan if m.user_type == "Customer" and since < m.created_at <= to]
        if not hits:
            continue
        chat = chat_for_posting(world, p, to)
        if chat is None:
            continue
        for m in hits:
            yield chat, m


# --- rules for the seller's actions ---------------------------------------------------------------
def start_refusal(world: World, p: Posting, now: datetime) -> str | None:
    """Why the seller may not start a chat on ``p`` now (None if allowed)."""
    if p.scheme is Scheme.FBO:
        return "CHAT_START_NOT_ALLOWED_FOR_FBO: only the buyer can start a chat on an FBO posting"
    if now < p.in_process_at:
        return "CHAT_START_NOT_ALLOWED: the posting is not paid yet"
    if (now - p.in_process_at).total_seconds() <= START_WINDOW_S:
        ev = world.event(p, now)
        if ev.status != "cancelled":
            return None
    delivered = p.first("delivered", now)
    if delivered is not None and (now - delivered.at).total_seconds() <= START_WINDOW_S:
        return None
    return (
        "CHAT_START_TIME_EXPIRED: a chat can be started within 72 hours after payment "
        "or after delivery"
    )


def send_refusal(world: World, chat: Chat, now: datetime) -> str | None:
    """Why the seller may not write to ``chat`` now (None if allowed)."""
    if chat.chat_type == SELLER_SUPPORT:
        return None
    p = chat.posting
    assert p is not None
    buyer = [m for m in chat.messages if m.user_type == "Customer"]
    if buyer and (now - buyer[-1].created_at).total_seconds() <= REPLY_WINDOW_S:
        return None
    if p.scheme is Scheme.FBO:
        return "CHAT_SEND_TIME_EXPIRED: on FBO postings you can only reply within 48 hours"
    if chat.status == "CLOSED":
        return "CHAT_CLOSED: the chat is closed"
    ev = world.event(p, now)
    if ev.status in ("delivered", "cancelled"):
        end = ev.at
        if (now - end).total_seconds() > AFTER_DELIVERY_WINDOW_S:
            return (
                "CHAT_SEND_TIME_EXPIRED: after 72 hours from delivery you can only reply "
                "within 48 hours of the buyer's last message"
            )
    return None


def start(world: World, p: Posting, now: datetime) -> str:
    st = state(world)
    with world.lock:
        if chat_for_posting(world, p, now) is None:
            st.started[p.index] = now
    return chat_id_for(world, p.index)


def send(world: World, shop: Shop, chat: Chat, text: str, now: datetime) -> Message:
    st = state(world)
    with world.lock:
        sent = st.sent.setdefault(chat.chat_id, [])
        salt = 500 + len(sent)
        last = max([m.message_id for m in chat.messages] + [m.message_id for m in sent] + [0])
        mid = max(message_id(now, salt), last + 1)
        msg = Message(mid, now, "Seller", str(shop.seller_id), text)
        sent.append(msg)
        st.read_upto[chat.chat_id] = max(st.read_upto.get(chat.chat_id, 0), last)
    return msg
