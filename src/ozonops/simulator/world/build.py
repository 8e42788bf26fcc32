"""Build a world's fixed parts from its seed: shops, SKUs, warehouses, delivery methods."""

from __future__ import annotations

import random
import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import Decimal

from ozonops.simulator.config import SimConfig
from ozonops.simulator.reference.carriers import CARRIERS, LANES
from ozonops.simulator.reference.catalog import PRODUCT_TEMPLATES
from ozonops.simulator.world.index import ShopMix
from ozonops.simulator.world.model import DeliveryMethod, Scheme, Shop, Sku, Warehouse

SUBSCRIPTIONS = ("premium_pro", "none", "premium_plus", "review_management")

# Ozon's own FBO warehouses (name, city, cluster id, cluster name); ids are ours.
FBO_WAREHOUSES = (
    ("ХОРУГВИНО_РФЦ", "Солнечногорск", 4002, "Москва, МО и Дальние регионы"),
    ("ТВЕРЬ_РФЦ", "Тверь", 4002, "Москва, МО и Дальние регионы"),
    ("САНКТ_ПЕТЕРБУРГ_РФЦ", "Санкт-Петербург", 4003, "Санкт-Петербург и СЗО"),
    ("КАЗАНЬ_РФЦ", "Казань", 4007, "Казань"),
    ("ЕКАТЕРИНБУРГ_РФЦ_НОВЫЙ", "Екатеринбург", 4008, "Урал"),
    ("НОВОСИБИРСК_РФЦ_НОВЫЙ", "Новосибирск", 4010, "Сибирь"),
    ("РОСТОВ_НА_ДОНУ_РФЦ", "Ростов-на-Дону", 4012, "Юг"),
)
CHINA_WAREHOUSES = (("Шэньчжэнь", "Shenzhen"), ("Иу", "Yiwu"), ("Гуанчжоу", "Guangzhou"))


@dataclass(slots=True)
class Fixtures:
    shops: list[Shop]
    mixes: list[ShopMix]
    skus: list[list[Sku]]  # per shop
    warehouses: list[Warehouse]
    methods: list[DeliveryMethod]


def build_fixtures(config: SimConfig) -> Fixtures:
    rng = random.Random(f"ozonops-world:{config.seed}")
    shops: list[Shop] = []
    mixes: list[ShopMix] = []
    skus: list[list[Sku]] = []
    warehouses: list[Warehouse] = []
    methods: list[DeliveryMethod] = []
    used_ids: set[int] = set()

    def new_id(lo: int, hi: int) -> int:
        while True:
            value = rng.randint(lo, hi)
            if value not in used_ids:
                used_ids.add(value)
                return value

    for s in range(config.shops):
        shops.append(_make_shop(rng, config.start, s, new_id(100_000, 3_999_999)))
        fbs, non_int, tpl, agg, fbo = (rng.uniform(0.5, 1.5) for _ in range(5))
        mixes.append(ShopMix(rng.uniform(0.6, 1.4), (fbs, non_int, tpl * 0.7, agg * 0.7, fbo)))
        skus.append(_make_skus(rng, s, new_id))
        for name_ru, _city in rng.sample(CHINA_WAREHOUSES, 2):
            warehouses.append(
                Warehouse(
                    s,
                    new_id(10**15, 10**16 - 1),
                    f"{name_ru} FBS",
                    "fbs",
                    is_rfbs=not warehouses or rng.random() < 0.7,
                    city=_city,
                    cluster_id=0,
                    cluster_name="",
                )
            )
        for name, city, cluster_id, cluster_name in FBO_WAREHOUSES:
            warehouses.append(
                Warehouse(
                    s,
                    1_020_000_000_000 + cluster_id * 10 + len(warehouses) % 10,
                    name,
                    "fbo",
                    False,
                    city,
                    cluster_id,
                    cluster_name,
                )
            )
        methods.extend(_make_methods(rng, s, [w for w in warehouses if w.shop_index == s], new_id))
    return Fixtures(shops, mixes, skus, warehouses, methods)


def _make_shop(rng: random.Random, start: datetime, s: int, client_id: int) -> Shop:
    subscription = SUBSCRIPTIONS[s % len(SUBSCRIPTIONS)]
    # The second shop's key runs out soon, so key-expiry warnings have something to show.
    # The first shop's key is young, so long simulated runs keep working with it.
    if s == 1:
        age_days = 172
    else:
        drawn = rng.randint(5, 150)
        age_days = 5 + drawn % 25 if s == 0 else drawn
    created = start - timedelta(days=age_days)
    return Shop(
        index=s,
        client_id=str(client_id),
        api_key=str(uuid.UUID(int=rng.getrandbits(128), version=4)),
        name=f"Shop {s + 1}",
        seller_id=client_id,
        company_name=rng.choice(("ООО", "ИП")) + f" «Шэньчжэнь Трейд {s + 1}»",
        subscription=subscription,
        key_created_at=created,
        key_expires_at=created + timedelta(days=180),
    )


def _make_skus(rng: random.Random, s: int, new_id: object) -> list[Sku]:
    assert callable(new_id)
    out: list[Sku] = []
    templates = rng.sample(list(PRODUCT_TEMPLATES), k=min(len(PRODUCT_TEMPLATES), 25))
    for rank, tpl in enumerate(templates):
        lo, hi = tpl.price_rub
        price = Decimal(rng.randint(int(lo), int(hi))).quantize(Decimal(1))
        old_price = (price * Decimal(rng.uniform(1.1, 1.6))).quantize(Decimal(1))
        out.append(
            Sku(
                shop_index=s,
                sku=new_id(1_000_000_000, 3_999_999_999),
                product_id=new_id(100_000_000, 999_999_999),
                offer_id=f"{tpl.offer_prefix}-{s + 1}{rank:03d}",
                name=tpl.name_ru,
                category=tpl.category,
                price=price,
                old_price=old_price,
                commission_percent=Decimal(str(tpl.commission_percent)),
                weight_g=tpl.weight_g,
                fragility=tpl.fragility,
                popularity=1.0 / (rank + 1) ** 0.9,
            )
        )
    return out


def _make_methods(
    rng: random.Random, s: int, shop_warehouses: list[Warehouse], new_id: object
) -> list[DeliveryMethod]:
    assert callable(new_id)
    china = [w for w in shop_warehouses if w.kind == "fbs"]
    fbo = [w for w in shop_warehouses if w.kind == "fbo"]
    carriers = {c.code: c for c in CARRIERS}
    out: list[DeliveryMethod] = []
    by_scheme: dict[Scheme, list[int]] = {sc: [] for sc in Scheme}
    for li, lane in enumerate(LANES):
        by_scheme[Scheme(lane_scheme(lane.carrier, li))].append(li)
    for scheme in Scheme:
        lanes = by_scheme[scheme] or [0]
        for li in rng.sample(lanes, k=min(2, len(lanes))):
            lane = LANES[li]
            carrier = carriers[lane.carrier]
            if scheme is Scheme.FBO:
                wh = rng.choice(fbo)
                name = f"Ozon Логистика ({wh.city})"
            else:
                wh = rng.choice(china)
                name = f"{carrier.name} {lane.speed.capitalize()} ({lane.origin})"
            out.append(
                DeliveryMethod(
                    shop_index=s,
                    id=new_id(10**12, 10**13 - 1),
                    name=name,
                    warehouse_id=wh.warehouse_id,
                    scheme=scheme,
                    provider_id=carrier.track17_code or 900_000 + li,
                    provider_name=carrier.name,
                    carrier_code=carrier.code,
                    lane_index=li,
                    template_id=new_id(10_000, 99_999),
                    cutoff=rng.choice(("13:00", "15:00", "17:00")),
                    is_express=lane.speed == "express",
                )
            )
    return out


def lane_scheme(carrier_code: str, lane_index: int) -> int:
    """Which scheme a lane serves: Ozon partner lines carry FBS and aggregator postings,
    the other carriers rFBS (non-integrated or integrated 3PL), alternating by lane."""
    if carrier_code in ("cel", "guoo"):
        return int((Scheme.FBS, Scheme.RFBS_AGGREGATOR)[lane_index % 2])
    return int((Scheme.RFBS_NON_INTEGRATED, Scheme.RFBS_3PL)[lane_index % 2])
