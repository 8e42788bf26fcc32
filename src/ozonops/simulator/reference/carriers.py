"""Carriers and shipping lanes from China to Russian buyers, with transit-time seeds.

Formats, 17TRACK codes and the speed classes come from ``docs/carriers.md`` (§1, §4.2);
``tpl_integration_type`` follows ozon-api.md §10. Transit medians are door-to-door days from
the carrier's first scan to delivery, drawn log-normally (median and ``sigma`` of the log);
all timing and cost numbers are our estimates, not published figures.
"""

from __future__ import annotations

from dataclasses import dataclass
from types import MappingProxyType
from typing import Literal

TrackingFormat = Literal["s10", "yunexpress", "cainiao_lp", "sf", "jt", "digits14", "opaque"]
TplIntegrationType = Literal["ozon", "3pl_tracking", "non_integrated", "aggregator", "hybryd"]
CarrierScope = Literal["cross_border", "domestic_ru"]
SpeedClass = Literal["express", "standard", "economy"]
OriginCity = Literal["Shenzhen", "Guangzhou", "Yiwu"]


@dataclass(frozen=True, slots=True)
class Carrier:
    """A carrier whose tracking numbers sellers upload to Ozon.

    ``s10_service`` / ``s10_country`` are set only for ``s10`` numbers; ``number_prefix`` only
    for ``opaque`` ones (the prefix is ours: these carriers publish no format).
    ``track17_code`` is None where carriers.md lists no 17TRACK code.
    """

    code: str
    name: str
    name_zh: str
    track17_code: int | None
    tracking_format: TrackingFormat
    tpl_integration_type: TplIntegrationType
    scope: CarrierScope = "cross_border"
    s10_service: str | None = None
    s10_country: str | None = None
    number_prefix: str | None = None


@dataclass(frozen=True, slots=True)
class Lane:
    """One carrier product from one origin city, with its timing and price seeds.

    ``median_days[i]`` is the transit median for region zone ``i + 1`` (see ``geography``).
    """

    code: str
    carrier: str
    origin: OriginCity
    speed: SpeedClass
    median_days: tuple[float, float, float, float, float]
    sigma: float
    first_scan_delay_hours: float
    customs_days: float
    cost_per_kg_cny: float


CARRIERS: tuple[Carrier, ...] = (
    # ePacket and tracked small packets use the L range (carriers.md §1.2).
    Carrier(
        code="china_post",
        name="China Post (ePacket)",
        name_zh="中国邮政",
        track17_code=3011,
        tracking_format="s10",
        tpl_integration_type="non_integrated",
        s10_service="LX",
        s10_country="CN",
    ),
    Carrier(
        code="china_ems",
        name="China EMS",
        name_zh="中国邮政速递物流",
        track17_code=3013,
        tracking_format="s10",
        tpl_integration_type="non_integrated",
        s10_service="EE",
        s10_country="CN",
    ),
    Carrier(
        code="cainiao",
        name="Cainiao",
        name_zh="菜鸟",
        track17_code=190271,
        tracking_format="cainiao_lp",
        tpl_integration_type="non_integrated",
    ),
    Carrier(
        code="yunexpress",
        name="YunExpress",
        name_zh="云途物流",
        track17_code=190008,
        tracking_format="yunexpress",
        tpl_integration_type="non_integrated",
    ),
    Carrier(
        code="4px",
        name="4PX",
        name_zh="递四方",
        track17_code=190094,
        tracking_format="opaque",
        tpl_integration_type="non_integrated",
        number_prefix="4PX",
    ),
    # Yanwen hands parcels to China Post, so its numbers are registered-mail S10 (§1.5).
    Carrier(
        code="yanwen",
        name="Yanwen",
        name_zh="燕文物流",
        track17_code=190012,
        tracking_format="s10",
        tpl_integration_type="non_integrated",
        s10_service="RS",
        s10_country="CN",
    ),
    Carrier(
        code="sf",
        name="SF Express",
        name_zh="顺丰速运",
        track17_code=100012,
        tracking_format="sf",
        tpl_integration_type="non_integrated",
    ),
    Carrier(
        code="jt",
        name="J&T International",
        name_zh="极兔国际",
        track17_code=100295,
        tracking_format="jt",
        tpl_integration_type="non_integrated",
    ),
    # Ozon partner lines: Ozon registers the order ("aggregator"). No Chinese names, number
    # formats or 17TRACK codes were found (carriers.md §1.7), so those fields are ours.
    Carrier(
        code="cel",
        name="CEL (Ozon partner)",
        name_zh="CEL",
        track17_code=None,
        tracking_format="opaque",
        tpl_integration_type="aggregator",
        number_prefix="CEL",
    ),
    Carrier(
        code="guoo",
        name="GUOO (Ozon partner)",
        name_zh="GUOO",
        track17_code=None,
        tracking_format="opaque",
        tpl_integration_type="aggregator",
        number_prefix="GUOO",
    ),
    # Last mile inside Russia; 14-digit domestic RPO numbers (carriers.md §1.8).
    Carrier(
        code="russian_post",
        name="Russian Post",
        name_zh="俄罗斯邮政",
        track17_code=18031,
        tracking_format="digits14",
        tpl_integration_type="hybryd",
        scope="domestic_ru",
    ),
)

CARRIERS_BY_CODE: MappingProxyType[str, Carrier] = MappingProxyType(
    {carrier.code: carrier for carrier in CARRIERS}
)

# Medians per zone 1..5; Moscow (zone 1) sits in the class ranges of carriers.md §4.2:
# express 7-12 days, standard 12-20, economy 18-35. Columns after the medians: sigma,
# first-scan delay (hours), customs (days), cost (CNY per kg).
# fmt: off
LANES: tuple[Lane, ...] = (
    Lane("sf-shenzhen-express", "sf", "Shenzhen", "express",
         (7.0, 8.0, 9.5, 11.0, 14.0), 0.28, 8.0, 1.0, 130.0),
    Lane("ems-shenzhen-express", "china_ems", "Shenzhen", "express",
         (8.0, 9.0, 10.5, 12.5, 16.0), 0.30, 12.0, 1.5, 110.0),
    Lane("jt-guangzhou-express", "jt", "Guangzhou", "express",
         (9.0, 10.0, 11.5, 13.5, 17.0), 0.32, 18.0, 1.5, 95.0),
    Lane("cel-shenzhen-express", "cel", "Shenzhen", "express",
         (8.0, 9.0, 10.5, 12.5, 16.5), 0.30, 12.0, 1.0, 85.0),
    Lane("yunexpress-shenzhen-standard", "yunexpress", "Shenzhen", "standard",
         (13.0, 14.5, 16.0, 18.5, 23.0), 0.35, 24.0, 2.0, 70.0),
    Lane("4px-shenzhen-standard", "4px", "Shenzhen", "standard",
         (14.0, 15.5, 17.0, 20.0, 25.0), 0.37, 24.0, 2.0, 66.0),
    Lane("cainiao-yiwu-standard", "cainiao", "Yiwu", "standard",
         (14.0, 15.0, 17.0, 19.5, 24.0), 0.38, 30.0, 2.0, 62.0),
    Lane("cel-guangzhou-standard", "cel", "Guangzhou", "standard",
         (12.0, 13.5, 15.0, 17.5, 22.0), 0.33, 20.0, 1.5, 58.0),
    Lane("epacket-guangzhou-standard", "china_post", "Guangzhou", "standard",
         (16.0, 17.5, 19.0, 22.0, 28.0), 0.40, 36.0, 2.5, 55.0),
    Lane("cainiao-yiwu-economy", "cainiao", "Yiwu", "economy",
         (20.0, 22.0, 24.0, 28.0, 35.0), 0.42, 40.0, 3.0, 35.0),
    Lane("guoo-guangzhou-economy", "guoo", "Guangzhou", "economy",
         (19.0, 21.0, 23.0, 27.0, 34.0), 0.40, 36.0, 3.0, 32.0),
    Lane("yanwen-yiwu-economy", "yanwen", "Yiwu", "economy",
         (22.0, 24.0, 26.5, 30.0, 38.0), 0.42, 48.0, 3.0, 38.0),
    # Consolidated land line: the slow, heavy-tailed end of the economy class.
    Lane("epacket-yiwu-economy-land", "china_post", "Yiwu", "economy",
         (28.0, 30.0, 33.0, 38.0, 46.0), 0.45, 48.0, 3.5, 26.0),
)
# fmt: on

LANES_BY_CODE: MappingProxyType[str, Lane] = MappingProxyType({lane.code: lane for lane in LANES})
