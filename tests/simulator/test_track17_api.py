"""The simulated 17TRACK over raw HTTP: 17TRACK's envelope, error codes, quota and limits."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime, timedelta
from typing import Any

import pytest

from ozonops.simulator import track17
from ozonops.simulator.app import create_app
from ozonops.simulator.reference.tracking_numbers import is_valid_rpo, is_valid_s10
from ozonops.simulator.world import World

from .conftest import AsgiClient, make_world

API = "/17track/track/v2.2"


class Track17Caller:
    def __init__(self, client: AsgiClient, world: World) -> None:
        self.client = client
        self.world = world
        self.service = track17.service_for(world)
        self.token = next(iter(self.service.accounts))

    def post(self, method: str, body: Any, *, token: str | None = None) -> Any:
        resp = self.client.post(
            f"{API}/{method}", json=body, headers={"17token": token or self.token}
        )
        assert resp.status_code == 200, resp.text
        return resp.json()

    def numbers(self, n: int) -> list[str]:
        found: list[str] = self.client.get(f"/_sim/17track/numbers?limit={n}").json()["numbers"]
        assert len(found) == n
        return found


@contextmanager
def caller_for(world: World, **limits: int) -> Iterator[Track17Caller]:
    """A caller with a new account of ``world``'s 17TRACK."""
    client = AsgiClient(create_app(world.config, world=world), base_url="http://sim")
    try:
        c = Track17Caller(client, world)
        c.token = c.service.open_account(**{"per_second": 100, **limits}).token
        yield c
    finally:
        client.close()


@pytest.fixture
def caller() -> Iterator[Track17Caller]:
    world = make_world(rate_limit_per_second=1000)
    client = AsgiClient(create_app(world.config, world=world), base_url="http://sim")
    try:
        c = Track17Caller(client, world)
        c.service.accounts[c.token].per_second = 1000  # these tests are not about the limit
        yield c
    finally:
        client.close()


def test_register_accepts_and_rejects_per_number(caller: Track17Caller) -> None:
    good = caller.numbers(3)
    body = [
        {"number": good[0]},
        {"number": good[1], "carrier": 190094 if good[1].startswith("4PX") else 3011, "tag": "t1"},
        {"number": good[2]},
        {"number": good[0]},
        {"number": "ab"},
        {"carrier": 3011},
        {"number": "ZZ12345678901", "carrier": 999_999},
        {"number": "ZZ12345678901"},
    ]
    out = caller.post("register", body)
    assert out["code"] == 0
    accepted = out["data"]["accepted"]
    assert [a["number"] for a in accepted] == good
    assert accepted[0]["origin"] == 1
    assert accepted[1]["origin"] == 2
    assert accepted[1]["tag"] == "t1"
    codes = [(r["number"], r["error"]["code"]) for r in out["data"]["rejected"]]
    assert codes == [
        (good[0], -18019901),
        ("ab", -18010012),
        (None, -18010010),
        ("ZZ12345678901", -18019910),
        ("ZZ12345678901", -18019903),
    ]
    assert all(r["error"]["message"] for r in out["data"]["rejected"])


def test_quota_falls_per_new_number_and_runs_out(caller: Track17Caller) -> None:
    quota = caller.post("getquota", [])["data"]
    assert quota == {
        "quota_total": 100, "quota_used": 0, "quota_remain": 100, "today_used": 0,
        "max_track_daily": 10_000_000, "free_email_quota": 0, "free_email_quotaused": 0,
    }  # fmt: skip
    caller.service.accounts[caller.token].quota_total = 5
    numbers = caller.numbers(7)
    out = caller.post("register", [{"number": n} for n in numbers])
    assert len(out["data"]["accepted"]) == 5
    assert [r["error"]["code"] for r in out["data"]["rejected"]] == [-18019908, -18019908]
    caller.post("register", [{"number": numbers[0]}])  # a repeat costs nothing
    quota = caller.post("getquota", [])["data"]
    assert (quota["quota_used"], quota["quota_remain"], quota["today_used"]) == (5, 0, 5)


def test_daily_limit(caller: Track17Caller) -> None:
    caller.service.accounts[caller.token].max_track_daily = 2
    out = caller.post("register", [{"number": n} for n in caller.numbers(3)])
    assert [r["error"]["code"] for r in out["data"]["rejected"]] == [-18019907]


def test_whole_request_refusals(caller: Track17Caller) -> None:
    over = [{"number": n} for n in caller.numbers(41)]
    for body in (over, {"number": "x"}, "text"):
        out = caller.post("register", body)
        assert out["code"] == 0
        assert "accepted" not in out["data"]
        (error,) = out["data"]["errors"]
        assert error["code"] == (-18010014 if body is over else -18010013)
    resp = caller.client.post(f"{API}/register", content=b"[{", headers={"17token": caller.token})
    assert resp.json()["data"]["errors"][0]["code"] == -18010013


def test_bad_token_is_401(caller: Track17Caller) -> None:
    for headers in ({"17token": "0" * 32}, {}):
        resp = caller.client.post(f"{API}/getquota", json=[], headers=headers)
        assert resp.status_code == 401
        assert resp.json()["code"] == -18010002
        assert resp.json()["data"]["errors"][0]["code"] == -18010002
    resp = caller.client.post(f"{API}/nosuchmethod", json=[], headers={"17token": caller.token})
    assert resp.status_code == 404


def test_rate_limit_is_3_per_second_per_key(caller: Track17Caller) -> None:
    account = caller.service.accounts[caller.token]
    account.per_second = 3
    statuses = [
        caller.client.post(f"{API}/getquota", json=[], headers={"17token": caller.token})
        for _ in range(5)
    ]
    assert [r.status_code for r in statuses[:3]] == [200, 200, 200]
    assert [r.status_code for r in statuses[3:]] == [429, 429]
    assert statuses[3].headers["retry-after"] == "1"
    other = caller.service.open_account()
    resp = caller.client.post(f"{API}/getquota", json=[], headers={"17token": other.token})
    assert resp.status_code == 200  # per key


def test_stop_retrack_change_carrier_delete(caller: Track17Caller) -> None:
    (number,) = caller.numbers(1)
    caller.post("register", [{"number": number}])
    carrier = caller.service.accounts[caller.token].registrations[number].carrier
    item = [{"number": number}]
    assert caller.post("retrack", item)["data"]["rejected"][0]["error"]["code"] == -18019904
    assert caller.post("stoptrack", item)["data"]["accepted"] == [
        {"number": number, "carrier": carrier}
    ]
    assert caller.post("stoptrack", item)["data"]["rejected"][0]["error"]["code"] == -18019906
    change = [{"number": number, "carrier_old": carrier, "carrier_new": 100030}]
    assert caller.post("changecarrier", change)["data"]["rejected"][0]["error"]["code"] == (
        -18019806
    )
    assert caller.post("retrack", item)["data"]["accepted"][0]["number"] == number
    caller.post("stoptrack", item)
    assert caller.post("retrack", item)["data"]["rejected"][0]["error"]["code"] == -18019905
    assert (
        caller.post("retrack", [{"number": "LX000000000CN"}])["data"]["rejected"][0]["error"][
            "code"
        ]
        == -18019902
    )


def test_change_carrier_rules(caller: Track17Caller) -> None:
    (number,) = caller.numbers(1)
    caller.post("register", [{"number": number}])
    carrier = caller.service.accounts[caller.token].registrations[number].carrier

    def code(item: dict[str, Any]) -> int | None:
        data = caller.post("changecarrier", [{"number": number, **item}])["data"]
        return data["rejected"][0]["error"]["code"] if data["rejected"] else None

    assert code({"carrier_new": 100030}) == -18019801
    assert code({"carrier_old": carrier}) == -18019804
    assert code({"carrier_old": carrier, "carrier_new": 5}) == -18019802
    assert code({"carrier_old": 100030, "carrier_new": 100157}) == -18019805
    assert code({"carrier_old": carrier, "carrier_new": carrier}) == -18019803
    info = caller.post("gettrackinfo", [{"number": number}])["data"]["accepted"][0]
    assert info["track_info"]["latest_status"]["status"] != "NotFound"
    assert code({"carrier_old": carrier, "carrier_new": 100030}) is None
    info = caller.post("gettrackinfo", [{"number": number}])["data"]["accepted"][0]
    assert info["carrier"] == 100030
    # CDEK knows nothing of a Chinese carrier's parcel
    assert info["track_info"]["latest_status"]["sub_status"] == "NotFound_Other"
    assert info["track_info"]["tracking"]["providers"] == []
    current = 100030
    for new in (100157, 100071, 100135, 100108):
        assert code({"carrier_old": current, "carrier_new": new}) is None
        current = new
    assert code({"carrier_old": current, "carrier_new": carrier}) == -18019807


def test_gettrackinfo_shape(caller: Track17Caller) -> None:
    numbers = caller.numbers(2)
    caller.post("register", [{"number": n, "tag": "order-1"} for n in numbers])
    out = caller.post("gettrackinfo", [{"number": n} for n in [*numbers, "RR000000000CN"]])
    assert out["data"]["rejected"][0]["error"]["code"] == -18019902
    item = out["data"]["accepted"][0]
    assert set(item) == {"number", "carrier", "param", "tag", "track_info"}
    assert item["tag"] == "order-1"
    info = item["track_info"]
    assert set(info) >= {"shipping_info", "latest_status", "latest_event", "time_metrics",
                         "milestone", "misc_info", "tracking"}  # fmt: skip
    events = [e for p in info["tracking"]["providers"] for e in p["events"]]
    newest = max(events, key=lambda e: e["time_utc"])
    assert info["latest_event"] == newest
    assert info["latest_status"]["sub_status"] == newest["sub_status"]
    for e in events:
        assert set(e) == {"time_iso", "time_utc", "time_raw", "description",
                          "description_translation", "location", "stage", "sub_status",
                          "address"}  # fmt: skip
        local = datetime.fromisoformat(e["time_iso"])
        assert local == datetime.fromisoformat(e["time_utc"].replace("Z", "+00:00"))
        assert e["time_raw"]["timezone"] == e["time_iso"][-6:]
    for provider in info["tracking"]["providers"]:
        times = [e["time_utc"] for e in provider["events"]]
        assert times == sorted(times, reverse=True)  # newest first, as 17TRACK lists them


def test_last_mile_carrier_and_its_number(caller: Track17Caller) -> None:
    caller.service.accounts[caller.token].quota_total = 1000
    numbers = caller.numbers(200)
    for chunk in (numbers[:40], numbers[40:80], numbers[80:120]):
        caller.post("register", [{"number": n} for n in chunk])
    seen = set()
    for chunk in (numbers[:40], numbers[40:80], numbers[80:120]):
        for item in caller.post("gettrackinfo", [{"number": n} for n in chunk])["data"]["accepted"]:
            misc = item["track_info"]["misc_info"]
            keys = [p["provider"]["key"] for p in item["track_info"]["tracking"]["providers"]]
            if misc["local_key"] is None:
                assert len(keys) == 1
                continue
            assert keys == [item["carrier"], misc["local_key"]]
            seen.add(misc["local_key"])
            if misc["local_key"] == 100030:
                assert len(misc["local_number"]) == 10
                assert misc["local_number"].isdigit()
            elif is_valid_s10(item["number"]):
                assert misc["local_number"] == item["number"]  # the posts keep the S10 number
            else:
                assert is_valid_rpo(misc["local_number"])
    assert 18031 in seen  # (CDEK only where the shop has an SF or J&T lane)


def test_tracklist_pages_and_filters(caller: Track17Caller) -> None:
    account = caller.service.accounts[caller.token]
    account.quota_total = 1000
    numbers = caller.numbers(45)
    for chunk in (numbers[:40], numbers[40:]):
        caller.post("register", [{"number": n} for n in chunk])
    caller.post("stoptrack", [{"number": numbers[0]}])
    first = caller.post("gettracklist", {"page_no": 1})
    assert first["page"] == {"data_total": 45, "page_total": 2, "page_no": 1, "page_size": 40}
    assert len(first["data"]["accepted"]) == 40
    second = caller.post("gettracklist", {"page_no": 2})
    assert len(second["data"]["accepted"]) == 5
    listed = [i["number"] for i in first["data"]["accepted"] + second["data"]["accepted"]]
    assert sorted(listed) == sorted(numbers)
    stopped = caller.post("gettracklist", {"tracking_status": "Stopped"})["data"]["accepted"]
    assert [(i["number"], i["stop_track_reason"]) for i in stopped] == [(numbers[0], "ByRequest")]
    one = caller.post("gettracklist", {"number": f"{numbers[3]},{numbers[4]}"})
    assert {i["number"] for i in one["data"]["accepted"]} == {numbers[3], numbers[4]}


def test_not_found_until_the_first_scan() -> None:
    world = make_world(history_days=3, orders_per_day=200)
    service = track17.service_for(world)
    book = service.book
    now = world.now()
    pending = []
    for n in book.trackable_numbers(now, 2000):
        parcel = book.parcel(n, now)
        assert parcel is not None
        if all(e.sub_status == "InfoReceived" for e in parcel.visible(now)):
            pending.append(n)
    assert pending, "no parcel waiting for its first scan"
    number = pending[0]
    with caller_for(world) as c:
        c.post("register", [{"number": number}])
        status = c.post("gettrackinfo", [{"number": number}])["data"]["accepted"][0]
        assert status["track_info"]["latest_status"]["sub_status"] == "InfoReceived"
        parcel = book.parcel(number, now)
        assert parcel is not None
        first_scan = next(e for e in parcel.events if e.sub_status == "InTransit_PickedUp")
        world.clock.advance((first_scan.at - world.now()).total_seconds() + 1)
        status = c.post("gettrackinfo", [{"number": number}])["data"]["accepted"][0]
        assert status["track_info"]["latest_status"]["sub_status"] == "InTransit_PickedUp"


def test_automatic_stop_after_30_quiet_days() -> None:
    world = make_world()
    service = track17.service_for(world)
    now = world.now()
    (number,) = service.book.trackable_numbers(now, 1)
    with caller_for(world) as c:
        c.post("register", [{"number": number}])
        parcel = service.book.parcel(number, now)
        assert parcel is not None
        last = parcel.events[-1].at
        world.clock.advance((max(last, now) + timedelta(days=31) - now).total_seconds())
        rows = c.post("gettracklist", {"number": number})["data"]["accepted"]
        assert rows[0]["tracking_status"] == "Stopped"
        assert rows[0]["stop_track_reason"] == "Expired"
        assert c.post("retrack", [{"number": number}])["data"]["accepted"]
