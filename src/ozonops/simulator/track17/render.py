"""17TRACK's JSON shapes: ``track_info`` (gettrackinfo and TRACKING_UPDATED) and the
``gettracklist`` item, as carriers.md §2.3 documents them.

Events are listed newest first, per provider (the first-mile carrier, then the Russian
last-mile carrier), as 17TRACK does. ``latest_status`` is the newest event's, or ``NotFound``
(``NotFound_InvalidCode`` when the number does not fit the registered carrier's format), or
``Expired`` when a parcel still on its way has had no news for 30 days.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone
from typing import Any

from ozonops.simulator.reference.tracking_numbers import matches_format
from ozonops.simulator.track17 import reference as ref
from ozonops.simulator.track17.accounts import EXPIRED_DAYS, Registration
from ozonops.simulator.track17.events import FINAL_SUB_STATUSES, CarrierEvent, Parcel
from ozonops.simulator.track17.lookup import carrier_by_key

JSON = dict[str, Any]


def utc(dt: datetime | None) -> str | None:
    if dt is None:
        return None
    return dt.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def _local(dt: datetime, offset_h: int) -> datetime:
    return dt.astimezone(timezone(timedelta(hours=offset_h)))


def _address(country: str, city: str | None) -> JSON:
    return {
        "country": country,
        "state": None,
        "city": city,
        "street": None,
        "postal_code": None,
        "coordinates": {"longitude": None, "latitude": None},
    }


def event_json(e: CarrierEvent) -> JSON:
    local = _local(e.at, e.utc_offset_h)
    tz = local.strftime("%z")
    tz = f"{tz[:3]}:{tz[3:]}"
    return {
        "time_iso": local.isoformat(timespec="seconds"),
        "time_utc": utc(e.at),
        "time_raw": {
            "date": local.strftime("%Y-%m-%d"),
            "time": local.strftime("%H:%M:%S"),
            "timezone": tz,
        },
        "description": e.description,
        "description_translation": {"lang": "en", "description": e.description_en},
        "location": f"{e.city}, {e.country}",
        "stage": e.stage or None,
        "sub_status": e.sub_status,
        "address": _address(e.country, e.city),
    }


def latest_status(
    reg: Registration, parcel: Parcel | None, events: list[CarrierEvent], now: datetime
) -> tuple[str, str, str | None]:
    """``(status, sub_status, sub_status_descr)`` of what 17TRACK shows."""
    if not events:
        carrier = carrier_by_key(reg.carrier)
        if carrier is not None and not matches_format(carrier, reg.number):
            return "NotFound", "NotFound_InvalidCode", "The number is not valid for the carrier"
        return "NotFound", "NotFound_Other", None
    last = events[-1]
    stale = reg.view_until(now) - last.at >= timedelta(days=EXPIRED_DAYS)
    if stale and last.sub_status not in FINAL_SUB_STATUSES:
        return "Expired", "Expired_Other", f"No update for {EXPIRED_DAYS} days"
    return last.status, last.sub_status, None


def track_info(
    reg: Registration, parcel: Parcel | None, events: list[CarrierEvent], now: datetime
) -> JSON:
    status, sub, descr = latest_status(reg, parcel, events, now)
    newest = events[-1] if events else None
    until = reg.view_until(now)
    first = events[0].at if events else None
    delivered = next((e.at for e in events if e.sub_status == "Delivered_Other"), None)
    providers: list[JSON] = []
    for key in _provider_keys(events):
        prov = ref.PROVIDERS[key]
        own = [event_json(e) for e in reversed(events) if e.provider == key]
        providers.append(
            {
                "provider": {
                    "key": prov.key,
                    "name": prov.name,
                    "alias": prov.alias,
                    "tel": None,
                    "homepage": prov.homepage or None,
                    "country": prov.country,
                },
                "service_type": None,
                "latest_sync_status": "Success",
                "latest_sync_time": utc(until),
                "events_hash": hash(tuple(e.at for e in events if e.provider == key)) & 0x7FFFFFFF,
                "events": own,
            }
        )
    return {
        "shipping_info": {
            "shipper_address": _address("CN", parcel.origin_city if parcel else None),
            "recipient_address": _address("RU", parcel.posting.buyer.city if parcel else None),
        },
        "latest_status": {"status": status, "sub_status": sub, "sub_status_descr": descr},
        "latest_event": event_json(newest) if newest else None,
        "time_metrics": {
            "days_after_order": _days(parcel.posting.created_at, until) if parcel else 0,
            "days_of_transit": _days(first, delivered or until) if first else 0,
            "days_of_transit_done": _days(first, delivered) if first and delivered else 0,
            "days_after_last_update": _days(newest.at, until) if newest else 0,
            "estimated_delivery_date": _estimate(parcel),
        },
        "milestone": [
            {
                "key_stage": e.stage,
                "time_iso": event_json(e)["time_iso"],
                "time_utc": utc(e.at),
                "time_raw": event_json(e)["time_raw"],
            }
            for e in events
            if e.stage
        ],
        "misc_info": {
            "risk_factor": 0,
            "service_type": None,
            "weight_raw": None,
            "weight_kg": None,
            "pieces": None,
            "dimensions": None,
            "customer_number": None,
            "reference_number": None,
            **_local_carrier(parcel, events),
        },
        "tracking": {
            "providers_hash": hash(tuple(_provider_keys(events))) & 0x7FFFFFFF,
            "providers": providers,
        },
    }


def tracklist_item(
    reg: Registration, parcel: Parcel | None, events: list[CarrierEvent], now: datetime
) -> JSON:
    status, _, _ = latest_status(reg, parcel, events, now)
    newest = events[-1] if events else None
    delivered = next((e.at for e in events if e.sub_status == "Delivered_Other"), None)
    return {
        "number": reg.number,
        "param": reg.param,
        "param_type": "None",
        "data_origin": "Api",
        "carrier": reg.carrier,
        "shipping_country": "CN" if parcel else None,
        "final_carrier": reg.final_carrier,
        "recipient_country": "RU" if parcel else None,
        "register_time": utc(reg.registered_at),
        "tracking_status": "Tracking" if reg.tracking else "Stopped",
        "package_status": status,
        "track_time": utc(reg.track_time),
        "sync_status": True,
        "push_time": utc(reg.push_time),
        "push_status": reg.push_status,
        "push_status_code": reg.push_status_code,
        "stop_track_time": utc(reg.stopped_at),
        "stop_track_reason": reg.stop_reason,
        "is_retracked": reg.retracked,
        "carrier_change_count": reg.carrier_changes,
        "tag": reg.tag or None,
        "order_no": reg.order_no,
        "latest_event_time": event_json(newest)["time_iso"] if newest else None,
        "latest_event_info": newest.description if newest else None,
        "delievery_time": utc(delivered),  # sic: 17TRACK's spelling
    }


def _provider_keys(events: list[CarrierEvent]) -> list[int]:
    keys: list[int] = []
    for e in events:
        if e.provider not in keys and e.provider in ref.PROVIDERS:
            keys.append(e.provider)
    return keys


def _local_carrier(parcel: Parcel | None, events: list[CarrierEvent]) -> JSON:
    """``local_number`` / ``local_provider`` / ``local_key``: the last-mile carrier, once it
    has the parcel."""
    if parcel is None or not any(e.provider == parcel.last_mile for e in events):
        return {"local_number": None, "local_provider": None, "local_key": None}
    return {
        "local_number": parcel.last_mile_number,
        "local_provider": ref.PROVIDERS[parcel.last_mile].name,
        "local_key": parcel.last_mile,
    }


def _days(start: datetime | None, end: datetime | None) -> int:
    if start is None or end is None:
        return 0
    return max((end - start).days, 0)


def _estimate(parcel: Parcel | None) -> JSON:
    if parcel is None:
        return {"source": None, "from": None, "to": None}
    p = parcel.posting
    return {"source": "17TRACK", "from": utc(p.delivery_date_begin), "to": utc(p.delivery_date_end)}
