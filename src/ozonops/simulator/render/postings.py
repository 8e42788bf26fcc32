"""FBS/rFBS postings as each read method's response schema wants them.

Three shapes share one core (:func:`_common`):

- :func:`v4_list_posting` for ``/v4/posting/fbs/list`` and ``/v4/posting/fbs/unfulfilled/list``
  (``products[].price`` is ``{amount: str, currency}``; ``financial_data`` has a
  ``commission`` object and a money ``customer_price``);
- :func:`v3_list_posting` for ``/v3/posting/fbs/list`` (prices as strings with
  ``currency_code``, flat ``commission_amount``/``commission_percent``, numeric
  ``customer_price``);
- :func:`v3_get_posting` for ``/v3/posting/fbs/get`` (the v3 list fields plus
  ``provider_status``, ``fact_delivery_date``, ``delivery_price``, ``previous_substatus``,
  ``courier``, ``related_postings``, ``additional_data`` and product dimensions).

Everything is shown as Ozon shows it at ``now``: the status is the realized timeline's event at
``now``. Where Ozon sends ``null`` (a field the schema does not mark nullable) we leave the key
out, so answers validate against the schema. As Ozon does, FBS postings carry no ``customer``
or ``addressee`` (Ozon hides the buyer); rFBS postings show the buyer and the address.
Money comes only from :func:`ozonops.simulator.world.money.line_money`.

The list shapes are cached per world (:mod:`.cache`); cached dicts are shared between answers:
never change them.

Spec quirk: the description of the v4 list's ``status`` lists every status but ``delivered``
(ozon-api.md §2.1). The schema itself has no enum there (a plain string), and Ozon does return
delivered postings in the list, so we show ``delivered`` and the answer validates.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from typing import Any

from ozonops.simulator.reference.names import MALE_FIRST_NAMES, MALE_LAST_NAMES
from ozonops.simulator.render.cache import render_cache
from ozonops.simulator.routing import iso
from ozonops.simulator.world import World
from ozonops.simulator.world.actions import available_actions
from ozonops.simulator.world.model import Event, Posting, Scheme
from ozonops.simulator.world.money import CURRENCY, line_money

JSON = dict[str, Any]

#: Event kinds that mean the parcel was handed to delivery (``delivering_date``).
HANDOVER_KINDS = frozenset({"handed_over", "in_transit"})

_REQUIREMENT_KEYS = (
    "products_requiring_change_country",
    "products_requiring_gtd",
    "products_requiring_country",
    "products_requiring_mandatory_mark",
    "products_requiring_jw_uin",
    "products_requiring_rnpt",
    "products_requiring_weight",
    "products_requiring_imei",
)


@dataclass(frozen=True, slots=True)
class With:
    """The ``with`` options of a read request (``translit`` sits at the top level in v4)."""

    analytics_data: bool = False
    barcodes: bool = False
    financial_data: bool = False
    legal_info: bool = False
    translit: bool = False
    related_postings: bool = False
    product_exemplars: bool = False

    @classmethod
    def from_body(cls, body: dict[str, Any]) -> With:
        w = body.get("with") or {}

        def flag(name: str) -> bool:
            return bool(w.get(name))

        return cls(
            analytics_data=flag("analytics_data"),
            barcodes=flag("barcodes"),
            financial_data=flag("financial_data"),
            legal_info=flag("legal_info"),
            translit=bool(body.get("translit")) or flag("translit"),
            related_postings=flag("related_postings"),
            product_exemplars=flag("product_exemplars"),
        )


# --- derived facts -----------------------------------------------------------------------------
def delivering_date(p: Posting, now: datetime) -> datetime | None:
    """When the posting was handed to delivery: the first handover-ish event at or before now."""
    for ev in p.timeline:
        if ev.at > now:
            return None
        if ev.kind in HANDOVER_KINDS:
            return ev.at
    return None


def previous_substatus(p: Posting, ev: Event, now: datetime) -> str:
    """The substatus before the current one ("" when there was none)."""
    current = ev.substatus
    prev = ""
    for e in p.timeline:
        if e.at > now or e is ev:
            break
        if e.substatus != current:
            prev = e.substatus
    return prev


def is_pickup(p: Posting) -> bool:
    return any("pickup_point" in step.substatus for step in p.plan)


def related_numbers(world: World, p: Posting) -> list[str]:
    """The other postings of the same order made by splitting it on packing."""
    root = world.posting(p.index)
    numbers = [root.posting_number, *(c.posting_number for c in world.split_children(p.index))]
    return [n for n in numbers if n != p.posting_number] if len(numbers) > 1 else []


# --- transliteration (GOST 7.79-2000 system B, simplified) ----------------------------------------
_TRANSLIT = {
    "а": "a", "б": "b", "в": "v", "г": "g", "д": "d", "е": "e", "ё": "yo", "ж": "zh", "з": "z",
    "и": "i", "й": "j", "к": "k", "л": "l", "м": "m", "н": "n", "о": "o", "п": "p", "р": "r",
    "с": "s", "т": "t", "у": "u", "ф": "f", "х": "x", "ц": "cz", "ч": "ch", "ш": "sh",
    "щ": "shh", "ъ": "", "ы": "y", "ь": "", "э": "e", "ю": "yu", "я": "ya",
}  # fmt: skip


def translit(text: str) -> str:
    """Cyrillic to Latin, keeping case of the first letter of each transliterated chunk."""
    out: list[str] = []
    for ch in text:
        low = ch.lower()
        if low in _TRANSLIT:
            lat = _TRANSLIT[low]
            out.append(lat.capitalize() if ch != low else lat)
        else:
            out.append(ch)
    return "".join(out)


# --- blocks ---------------------------------------------------------------------------------
def _money(amount: Decimal) -> str:
    return f"{amount:.2f}"


def _delivery_method(world: World, p: Posting) -> JSON:
    m = world.method_by_id[p.delivery_method_id]
    wh = world.warehouse(p.warehouse_id)
    return {
        "id": m.id,
        "name": m.name,
        "warehouse_id": p.warehouse_id,
        "warehouse": wh.name if wh else "",
        "tpl_provider_id": m.provider_id,
        "tpl_provider": m.provider_name,
    }


def _cancellation(world: World, p: Posting, now: datetime) -> JSON:
    c = world.cancellation(p, now)
    if c is None:
        return {
            "cancel_reason_id": 0,
            "cancel_reason": "",
            "cancellation_type": "",
            "cancelled_after_ship": False,
            "affect_cancellation_rating": False,
            "cancellation_initiator": "",
        }
    return {
        "cancel_reason_id": c.reason_id,
        "cancel_reason": c.reason,
        "cancellation_type": c.cancellation_type,
        "cancelled_after_ship": c.cancelled_after_ship,
        "affect_cancellation_rating": c.affect_cancellation_rating,
        "cancellation_initiator": c.initiator,
    }


def _customer(p: Posting, w: With) -> JSON:
    b = p.buyer
    t = translit if w.translit else (lambda s: s)
    return {
        "customer_id": b.customer_id,
        "name": t(b.name),
        "phone": b.phone,
        "address": {
            "address_tail": t(f"{b.region}, {b.city}, {b.address_tail}"),
            "city": t(b.city),
            "comment": "",
            "country": t("Россия"),
            "district": "",
            "latitude": round(b.latitude, 6),
            "longitude": round(b.longitude, 6),
            "provider_pvz_code": "",
            "pvz_code": (b.customer_id % 900_000) + 100_000 if is_pickup(p) else 0,
            "region": t(b.region),
            "zip_code": b.postcode,
        },
    }


def _analytics(world: World, p: Posting) -> JSON:
    m = world.method_by_id[p.delivery_method_id]
    wh = world.warehouse(p.warehouse_id)
    rfbs = p.scheme.is_rfbs
    cid = p.buyer.customer_id
    return {
        # "Only for rFBS postings" (the spec): Ozon hides the FBS buyer's region and city.
        "region": p.buyer.region if rfbs else "",
        "city": p.buyer.city if rfbs else "",
        "delivery_type": "PVZ" if is_pickup(p) else "Courier",
        "is_premium": cid % 7 == 0,
        "payment_type_group_name": "картой онлайн" if cid % 5 else "Ozon Карта",
        "warehouse_id": p.warehouse_id,
        "warehouse": wh.name if wh else "",
        "tpl_provider_id": m.provider_id,
        "tpl_provider": m.provider_name,
        "delivery_date_begin": iso(p.delivery_date_begin),
        "delivery_date_end": iso(p.delivery_date_end),
        "is_legal": False,
    }


def _barcodes(p: Posting, now: datetime) -> JSON:
    if p.first("packed", now) is None:
        return {"upper_barcode": "", "lower_barcode": ""}
    return {
        "upper_barcode": f"%101%{p.order_id % 10**12:012d}",
        "lower_barcode": f"{p.index:010d}{p.posting_number[-1]}",
    }


_LEGAL = {"company_name": "", "inn": "", "kpp": ""}


def _clusters(world: World, p: Posting) -> tuple[str, str]:
    wh = world.warehouse(p.warehouse_id)
    return (wh.cluster_name or wh.city) if wh else "", p.buyer.region


def _financial_v4(world: World, p: Posting) -> JSON:
    cluster_from, cluster_to = _clusters(world, p)
    products = []
    for line in p.lines:
        m = line_money(line, p.scheme)
        products.append(
            {
                "product_id": line.sku.sku,
                "quantity": m.quantity,
                "price": float(m.price),
                "old_price": float(m.old_price),
                "payout": float(m.payout),
                "commission": {
                    "amount": float(m.commission_amount),
                    "percent": m.commission_percent,
                    "currency": m.currency,
                },
                "customer_price": {"amount": _money(m.customer_price), "currency": m.currency},
                "total_discount_value": float(m.total_discount_value),
                "total_discount_percent": float(m.total_discount_percent),
                "actions": [],
            }
        )
    return {"cluster_from": cluster_from, "cluster_to": cluster_to, "products": products}


def _financial_v3(world: World, p: Posting) -> JSON:
    cluster_from, cluster_to = _clusters(world, p)
    products = []
    for line in p.lines:
        m = line_money(line, p.scheme)
        products.append(
            {
                "product_id": line.sku.sku,
                "quantity": m.quantity,
                "price": float(m.price),
                "old_price": float(m.old_price),
                "payout": float(m.payout),
                "commission_amount": float(m.commission_amount),
                "commission_percent": m.commission_percent,
                "commissions_currency_code": m.currency,
                "currency_code": m.currency,
                "customer_currency_code": m.currency,
                "customer_price": float(m.customer_price),
                "total_discount_value": float(m.total_discount_value),
                "total_discount_percent": float(m.total_discount_percent),
                "actions": [],
            }
        )
    return {"cluster_from": cluster_from, "cluster_to": cluster_to, "products": products}


def _common(world: World, p: Posting, now: datetime, w: With) -> tuple[JSON, Event]:
    """Fields every read method shows the same way, and the event the status comes from."""
    ev = world.event(p, now)
    out: JSON = {
        "posting_number": p.posting_number,
        "order_id": p.order_id,
        "order_number": p.order_number,
        "parent_posting_number": p.parent_posting_number,
        "status": ev.status,
        "substatus": ev.substatus,
        "available_actions": available_actions(p, ev, now),
        "delivery_method": _delivery_method(world, p),
        "tracking_number": world.tracking_number(p, now),
        "tpl_integration_type": p.scheme.tpl_integration_type,
        "integration_type_flow": p.scheme.tpl_integration_type,
        "in_process_at": iso(p.in_process_at),
        "shipment_date": iso(p.shipment_date),
        "shipment_date_without_delay": iso(p.shipment_date),
        "cancellation": _cancellation(world, p, now),
        "is_express": world.method_by_id[p.delivery_method_id].is_express,
        "is_multibox": False,
        "multi_box_qty": 1,
        "requirements": {key: [] for key in _REQUIREMENT_KEYS},
        "optional": {"products_with_possible_mandatory_mark": []},
    }
    handed = delivering_date(p, now)
    if handed is not None:
        out["delivering_date"] = iso(handed)
    if p.scheme.is_rfbs:
        customer = _customer(p, w)
        out["customer"] = customer
        out["addressee"] = {"name": customer["name"], "phone": p.buyer.phone}
    if w.analytics_data:
        out["analytics_data"] = _analytics(world, p)
    if w.barcodes:
        out["barcodes"] = _barcodes(p, now)
    if w.legal_info:
        out["legal_info"] = dict(_LEGAL)
    return out, ev


# --- the three shapes ---------------------------------------------------------------------------
def v4_list_posting(world: World, p: Posting, now: datetime, w: With) -> JSON:
    """One posting of ``/v4/posting/fbs/list`` (and the v4 unfulfilled list); shared, cached."""
    return render_cache(world).render(_v4_list_posting, world, p, now, w)


def v3_list_posting(world: World, p: Posting, now: datetime, w: With) -> JSON:
    """One posting of the legacy ``/v3/posting/fbs/list``; shared, cached."""
    return render_cache(world).render(_v3_list_posting, world, p, now, w)


def _v4_list_posting(world: World, p: Posting, now: datetime, w: With) -> JSON:
    out, _ = _common(world, p, now, w)
    out["delivery_schema"] = "rFBS" if p.scheme.is_rfbs else "FBS"
    out["products"] = [
        {
            "sku": line.sku.sku,
            "offer_id": line.sku.offer_id,
            "name": line.sku.name,
            "quantity": line.quantity,
            "price": {"amount": _money(line.price), "currency": CURRENCY},
            "imei": [],
            "is_blr_traceable": False,
            "is_marketplace_buyout": False,
            "weight": round(line.sku.weight_g / 1000, 3),
        }
        for line in p.lines
    ]
    if w.financial_data:
        out["financial_data"] = _financial_v4(world, p)
    return out


def _v3_products(p: Posting) -> list[JSON]:
    return [
        {
            "sku": line.sku.sku,
            "offer_id": line.sku.offer_id,
            "name": line.sku.name,
            "quantity": line.quantity,
            "price": _money(line.price),
            "currency_code": CURRENCY,
            "imei": [],
            "is_blr_traceable": False,
            "is_marketplace_buyout": False,
        }
        for line in p.lines
    ]


def _v3_list_posting(world: World, p: Posting, now: datetime, w: With) -> JSON:
    out, _ = _common(world, p, now, w)
    out["products"] = _v3_products(p)
    if w.financial_data:
        out["financial_data"] = _financial_v3(world, p)
    return out


def v3_get_posting(world: World, p: Posting, now: datetime, w: With) -> JSON:
    """The ``result`` of ``/v3/posting/fbs/get``."""
    out, ev = _common(world, p, now, w)
    products = _v3_products(p)
    for prod, line in zip(products, p.lines, strict=True):
        del prod["imei"]
        prod["mandatory_mark"] = []
        prod["jw_uin"] = []
        prod["has_imei"] = False
        prod["is_weight_needed"] = False
        prod["dimensions"] = {
            "height": "100.00",
            "length": "150.00",
            "width": "100.00",
            "weight": str(line.sku.weight_g),
        }
    out["products"] = products
    out["provider_status"] = ev.provider_status
    out["previous_substatus"] = previous_substatus(p, ev, now)
    handed = delivering_date(p, now)
    if handed is not None:
        out["fact_delivery_date"] = iso(handed)
    out["delivery_price"] = (
        _money(sum((line_money(x, p.scheme).logistics_estimate for x in p.lines), Decimal(0)))
        if p.scheme.is_rfbs
        else ""
    )
    out["additional_data"] = []
    courier = _courier(p, ev)
    if courier is not None:
        out["courier"] = courier
    if w.related_postings:
        out["related_postings"] = {"related_posting_numbers": related_numbers(world, p)}
    if w.product_exemplars:
        out["product_exemplars"] = {
            "products": [
                {
                    "sku": line.sku.sku,
                    "exemplars": [
                        {
                            "exemplar_id": p.index * 100 + k * 10 + n,
                            "mandatory_mark": "",
                            "gtd": "",
                            "is_gtd_absent": True,
                            "rnpt": "",
                            "is_rnpt_absent": True,
                            "imei": [],
                        }
                        for n in range(line.quantity)
                    ],
                }
                for k, line in enumerate(p.lines)
            ]
        }
    if w.financial_data:
        out["financial_data"] = _financial_v3(world, p)
    return out


def _courier(p: Posting, ev: Event) -> JSON | None:
    """The courier of a seller-delivered rFBS posting out for delivery [inferred]."""
    if p.scheme is not Scheme.RFBS_NON_INTEGRATED or ev.substatus != "posting_in_courier_service":
        return None
    rng = random.Random(f"courier:{p.posting_number}")
    return {
        "name": f"{rng.choice(MALE_FIRST_NAMES)} {rng.choice(MALE_LAST_NAMES)}",
        "phone": "",  # the spec: always an empty string
        "car_model": rng.choice(("Lada Largus", "Hyundai Solaris", "Renault Logan")),
        "car_number": f"{rng.choice('АВЕКМНОРСТУХ')}{rng.randint(100, 999)}"
        f"{rng.choice('АВЕКМНОРСТУХ')}{rng.choice('АВЕКМНОРСТУХ')}77",
    }
