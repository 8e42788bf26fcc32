"""The methods of 17TRACK API v2.2 (carriers.md §2.2), each a function of the account, the
request body and the simulated now, answering 17TRACK's envelope.

Per-number failures are normal: they go to ``data.rejected`` as ``{number, carrier, error:
{code, message}}`` beside ``data.accepted``. Whole-request failures (not a JSON array, more
than 40 items) raise :class:`Refusal`; the endpoint answers them as ``{"code": 0, "data":
{"errors": [{code, message}]}}``, the shape 17TRACK documents for invalid parameters.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from ozonops.simulator.track17 import reference as ref
from ozonops.simulator.track17.accounts import MAX_CARRIER_CHANGES, Account, Registration
from ozonops.simulator.track17.lookup import detect
from ozonops.simulator.track17.render import track_info, tracklist_item
from ozonops.simulator.track17.service import Track17Service

JSON = dict[str, Any]
MAX_ITEMS = 40
PAGE_SIZE = 40
_NUMBER = re.compile(r"^[A-Za-z0-9-]{5,50}$")


class Refusal(Exception):
    """A whole request refused with a 17TRACK error code."""

    def __init__(self, code: int, *args: object, http_status: int = 200) -> None:
        super().__init__(ref.message(code, *args))
        self.code = code
        self.message = ref.message(code, *args)
        self.http_status = http_status

    def body(self) -> JSON:
        return {"code": 0, "data": {"errors": [{"code": self.code, "message": self.message}]}}


@dataclass(slots=True)
class Call:
    service: Track17Service
    account: Account
    body: Any
    now: datetime


class _Batch:
    """accepted / rejected, in request order."""

    def __init__(self) -> None:
        self.accepted: list[JSON] = []
        self.rejected: list[JSON] = []

    def reject(self, item: JSON, code: int, *args: object) -> None:
        number = item.get("number")
        entry: JSON = {"number": number, "carrier": item.get("carrier") or 0}
        if item.get("tag") is not None:
            entry["tag"] = item.get("tag")
        entry["error"] = {"code": code, "message": ref.message(code, *args)}
        self.rejected.append(entry)

    def envelope(self) -> JSON:
        return {"code": 0, "data": {"accepted": self.accepted, "rejected": self.rejected}}


def _items(body: Any) -> list[JSON]:
    if not isinstance(body, list) or not all(isinstance(x, dict) for x in body):
        raise Refusal(ref.INVALID_DATA)
    if len(body) > MAX_ITEMS:
        raise Refusal(ref.OVER_40)
    return body


def _int(value: Any) -> int | None:
    """A carrier key as given (int or digit string); None when absent; -1 when malformed."""
    if value is None or value == "" or value == 0:
        return None
    if isinstance(value, bool):
        return -1
    if isinstance(value, int):
        return value
    if isinstance(value, str) and value.strip().lstrip("-").isdigit():
        return int(value)
    return -1


def _number(batch: _Batch, item: JSON) -> str | None:
    number = item.get("number")
    if not isinstance(number, str) or not number.strip():
        batch.reject(item, ref.FIELD_REQUIRED, "number")
        return None
    number = number.strip().upper()
    if not _NUMBER.match(number):
        batch.reject(item, ref.INVALID_FORMAT, number)
        return None
    return number


def _registered(batch: _Batch, call: Call, item: JSON) -> Registration | None:
    number = _number(batch, item)
    if number is None:
        return None
    reg = call.account.registrations.get(number)
    carrier = _int(item.get("carrier"))
    if reg is None or (carrier is not None and carrier != reg.carrier):
        batch.reject(item, ref.NOT_REGISTERED, number)
        return None
    return reg


def _each_registered(batch: _Batch, call: Call) -> Iterator[tuple[JSON, Registration]]:
    """The request's items that name a registered number (the others are rejected)."""
    for item in _items(call.body):
        reg = _registered(batch, call, item)
        if reg is not None:
            yield item, reg


# --- methods -----------------------------------------------------------------------------------
def register(call: Call) -> JSON:
    batch = _Batch()
    account, now = call.account, call.now
    for item in _items(call.body):
        number = _number(batch, item)
        if number is None:
            continue
        carrier = _int(item.get("carrier"))
        if number in account.registrations:
            batch.reject(item, ref.ALREADY_REGISTERED, number)
            continue
        if carrier is not None and carrier not in ref.PROVIDERS:
            batch.reject(item, ref.WRONG_CARRIER, item.get("carrier"))
            continue
        origin = 2
        if carrier is None:
            detected = detect(number)
            if detected is None or detected.track17_code is None:
                batch.reject(item, ref.CARRIER_NOT_DETECTED)
                continue
            carrier, origin = detected.track17_code, 1
        if account.quota_remain <= 0:
            batch.reject(item, ref.QUOTA_EXHAUSTED)
            continue
        if account.today_used(now) >= account.max_track_daily:
            batch.reject(item, ref.DAILY_LIMIT)
            continue
        tag = item.get("tag")
        reg = Registration(
            number=number,
            carrier=carrier,
            origin=origin,
            registered_at=now,
            tracking_since=now,
            tag=str(tag) if tag is not None else "",
            param=item.get("param"),
            order_no=item.get("order_no"),
            final_carrier=_int(item.get("final_carrier")) or 0,
        )
        account.registrations[number] = reg
        account.charge(now)
        accepted: JSON = {"origin": origin, "number": number, "carrier": carrier}
        if tag is not None:
            accepted["tag"] = tag
        batch.accepted.append(accepted)
    return batch.envelope()


def changecarrier(call: Call) -> JSON:
    batch = _Batch()
    for item in _items(call.body):
        number = _number(batch, item)
        if number is None:
            continue
        reg = call.account.registrations.get(number)
        old, new = _int(item.get("carrier_old")), _int(item.get("carrier_new"))
        if reg is None:
            batch.reject(item, ref.NOT_REGISTERED, number)
        elif old is None:
            batch.reject(item, ref.CARRIER_OLD_REQUIRED)
        elif new is None:
            batch.reject(item, ref.CARRIER_NEW_REQUIRED)
        elif new not in ref.PROVIDERS:
            batch.reject(item, ref.CARRIER_NEW_INVALID, item.get("carrier_new"))
        elif old != reg.carrier:
            batch.reject(item, ref.CARRIER_OLD_MISMATCH)
        elif new == old:
            batch.reject(item, ref.CARRIER_SAME)
        elif not reg.tracking:
            batch.reject(item, ref.CARRIER_CHANGE_STOPPED)
        elif reg.carrier_changes >= MAX_CARRIER_CHANGES:
            batch.reject(item, ref.CARRIER_CHANGE_LIMIT, number)
        else:
            reg.carrier = new
            reg.carrier_changes += 1
            reg.pushed_upto = None  # another carrier: its scans are news
            batch.accepted.append({"number": number, "carrier": new})
    return batch.envelope()


def stoptrack(call: Call) -> JSON:
    batch = _Batch()
    for item, reg in _each_registered(batch, call):
        call.service.view(reg, call.now)  # an automatic stop that is due happens first
        if not reg.tracking:
            batch.reject(item, ref.STOP_ONLY_TRACKING)
            continue
        reg.tracking = False
        reg.stopped_at = call.now
        reg.stop_reason = "ByRequest"
        batch.accepted.append({"number": reg.number, "carrier": reg.carrier})
    return batch.envelope()


def retrack(call: Call) -> JSON:
    batch = _Batch()
    for item, reg in _each_registered(batch, call):
        call.service.view(reg, call.now)
        if reg.tracking:
            batch.reject(item, ref.RETRACK_ONLY_STOPPED)
        elif reg.retracked:
            batch.reject(item, ref.RETRACK_ONLY_ONCE)
        else:
            reg.tracking, reg.retracked = True, True
            reg.stopped_at, reg.stop_reason = None, None
            reg.tracking_since = call.now
            reg.stop_pushed = False
            batch.accepted.append({"number": reg.number, "carrier": reg.carrier})
    return batch.envelope()


def deletetrack(call: Call) -> JSON:
    batch = _Batch()
    for _item, reg in _each_registered(batch, call):
        del call.account.registrations[reg.number]
        batch.accepted.append({"number": reg.number, "carrier": reg.carrier})
    return batch.envelope()


def gettrackinfo(call: Call) -> JSON:
    batch = _Batch()
    for _item, reg in _each_registered(batch, call):
        parcel, events = call.service.view(reg, call.now)
        reg.track_time = call.now
        batch.accepted.append(
            {
                "number": reg.number,
                "carrier": reg.carrier,
                "param": reg.param,
                "tag": reg.tag or None,
                "track_info": track_info(reg, parcel, events, call.now),
            }
        )
    return batch.envelope()


def gettracklist(call: Call) -> JSON:
    body = call.body if isinstance(call.body, dict) else None
    if body is None:
        raise Refusal(ref.INVALID_DATA)
    numbers = body.get("number")
    if isinstance(numbers, str):
        numbers = [n.strip().upper() for n in numbers.split(",") if n.strip()]
    if numbers is not None and not isinstance(numbers, list):
        raise Refusal(ref.INVALID_VALUE, "number")
    if numbers is not None and len(numbers) > MAX_ITEMS:
        raise Refusal(ref.OVER_40)
    page_no = body.get("page_no", 1)
    if not isinstance(page_no, int) or isinstance(page_no, bool) or page_no < 1:
        raise Refusal(ref.INVALID_VALUE, "page_no")
    wanted = {"tracking_status": body.get("tracking_status"),
              "package_status": body.get("package_status"),
              "carrier": _int(body.get("carrier"))}  # fmt: skip
    since = body.get("register_time_from")
    until = body.get("register_time_to")
    rows: list[JSON] = []
    regs = call.account.registrations
    chosen = [regs[n] for n in numbers if n in regs] if numbers is not None else list(regs.values())
    for reg in sorted(chosen, key=lambda r: (r.registered_at, r.number)):
        parcel, events = call.service.view(reg, call.now)
        row = tracklist_item(reg, parcel, events, call.now)
        if wanted["carrier"] is not None and reg.carrier != wanted["carrier"]:
            continue
        if wanted["tracking_status"] and row["tracking_status"] != wanted["tracking_status"]:
            continue
        if wanted["package_status"] and row["package_status"] != wanted["package_status"]:
            continue
        if since and (row["register_time"] or "") < str(since):
            continue
        if until and (row["register_time"] or "") > str(until):
            continue
        rows.append(row)
    total = len(rows)
    page = rows[(page_no - 1) * PAGE_SIZE : page_no * PAGE_SIZE]
    return {
        "page": {
            "data_total": total,
            "page_total": -(-total // PAGE_SIZE),
            "page_no": page_no,
            "page_size": PAGE_SIZE,
        },
        "code": 0,
        "data": {"accepted": page, "rejected": []},
    }


def getquota(call: Call) -> JSON:
    account = call.account
    return {
        "code": 0,
        "data": {
            "quota_total": account.quota_total,
            "quota_used": account.quota_used,
            "quota_remain": account.quota_remain,
            "today_used": account.today_used(call.now),
            "max_track_daily": account.max_track_daily,
            "free_email_quota": 0,
            "free_email_quotaused": 0,
        },
    }


def push(call: Call) -> JSON:
    """Re-send the current data of numbers to the webhook (queued for the next tick)."""
    if call.account.webhook_url is None:
        raise Refusal(ref.WEBHOOK_NOT_SET)
    batch = _Batch()
    for _item, reg in _each_registered(batch, call):
        reg.pushed_upto = None
        batch.accepted.append({"number": reg.number, "carrier": reg.carrier})
    return batch.envelope()


METHODS: dict[str, Callable[[Call], JSON]] = {
    "register": register,
    "changecarrier": changecarrier,
    "stoptrack": stoptrack,
    "retrack": retrack,
    "deletetrack": deletetrack,
    "gettrackinfo": gettrackinfo,
    "gettracklist": gettracklist,
    "getquota": getquota,
    "push": push,
}
