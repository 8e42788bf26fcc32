"""The carriers of the China → Russia lane, with their 17TRACK codes and the names sellers use.

Every entry comes from ``shared/docs/carriers.md`` §1 (section in the comment beside it); the
``code`` strings are the simulator's carrier codes (``simulator/reference/carriers.py``), so a
simulated posting's carrier and a recognised number's carrier compare equal. ``aliases`` are
what a seller may type in the upload file's carrier column, in English, Chinese and Russian;
they are matched case-, space- and punctuation-insensitively (``carrier_key``).
"""

from __future__ import annotations

import functools
import unicodedata
from dataclasses import dataclass
from types import MappingProxyType


@dataclass(frozen=True, slots=True)
class CarrierInfo:
    """A carrier: our code, its names, and the 17TRACK carrier code to register numbers under.

    ``track17_code`` is the code for this lane (the international service where 17TRACK has
    two); ``track17_other_codes`` lists the other codes carriers.md names for it. None where
    carriers.md found no code.
    """

    code: str
    name: str
    name_zh: str
    name_ru: str
    track17_code: int | None
    track17_other_codes: tuple[int, ...] = ()
    aliases: tuple[str, ...] = ()


CARRIERS: tuple[CarrierInfo, ...] = (
    # §1.2: China Post (ePacket, registered small packets, parcels) — S10 ending in CN.
    CarrierInfo(
        "china_post", "China Post", "中国邮政", "Почта Китая", 3011,
        aliases=("chinapost", "china post epacket", "epacket", "e邮宝", "邮政", "邮政小包",
                 "中国邮政小包", "中国邮政挂号", "почта китая", "china post registered"),
    ),
    # §1.2: China EMS — S10 of the E range ending in CN.
    CarrierInfo(
        "china_ems", "China EMS", "中国邮政速递物流", "EMS Китай", 3013,
        aliases=("ems", "china ems", "中国ems", "邮政ems", "邮政速递", "ems китай", "емс"),
    ),
    # §1.3: Cainiao — LP + 14 digits (logistics-order number).
    CarrierInfo(
        "cainiao", "Cainiao", "菜鸟", "Цайняо", 190271,
        aliases=("菜鸟物流", "菜鸟网络", "aliexpress standard shipping", "aliexpress shipping",
                 "цайняо", "cainiao logistics"),
    ),
    # §1.4: YunExpress — YT + 16 digits.
    CarrierInfo(
        "yunexpress", "YunExpress", "云途物流", "YunExpress", 190008,
        aliases=("yun express", "云途", "юнэкспресс"),
    ),
    # §1.5: 4PX — no published format.
    CarrierInfo("4px", "4PX", "递四方", "4PX", 190094, aliases=("递四方速递", "4px express")),
    # §1.5: Yanwen — no published format, often S10 through China Post.
    CarrierInfo(
        "yanwen", "Yanwen", "燕文物流", "Yanwen", 190012, aliases=("燕文", "яньвэнь", "яньвень")
    ),
    # §1.6: SF Express — SF + 13 digits (older waybills 12 digits). International code first.
    CarrierInfo(
        "sf", "SF Express", "顺丰速运", "SF Express", 100012, (190766,),
        aliases=("sf express", "sf international", "顺丰", "顺丰国际", "сф экспресс"),
    ),
    # §1.6: J&T — JT + 13 digits. J&T International first, J&T (CN) second.
    CarrierInfo(
        "jt", "J&T Express", "极兔速递", "J&T Express", 100295, (190442,),
        aliases=("j&t", "j&t express", "j&t international", "极兔", "极兔国际", "jt express"),
    ),
    # §1.7: Ozon partner lines — no format, no 17TRACK code published.
    CarrierInfo("cel", "CEL (Ozon partner)", "CEL", "CEL", None, aliases=("cel express",)),
    CarrierInfo("guoo", "GUOO (Ozon partner)", "GUOO", "GUOO", None, aliases=("guoo express",)),
    # §1.8: Russian Post — 14-digit domestic RPO with check digit; S10 ending in RU abroad.
    CarrierInfo(
        "russian_post", "Russian Post", "俄罗斯邮政", "Почта России", 18031,
        aliases=("почта россии", "почта", "pochta", "pochta rossii", "russian post", "俄邮",
                 "俄罗斯邮局", "рпо"),
    ),
    # §1.1: Hongkong Post — S10 ending in HK; carriers.md gives no 17TRACK code.
    CarrierInfo(
        "hongkong_post", "Hongkong Post", "香港邮政", "Почта Гонконга", None,
        aliases=("hong kong post", "hk post", "香港邮政小包", "почта гонконга"),
    ),
    # §1.9: CDEK — numeric waybill, typically 10 digits.
    CarrierInfo("cdek", "CDEK", "CDEK", "СДЭК", 100030, aliases=("сдэк", "sdek", "сдек")),
    # §1.10: no reliable formats; 17TRACK codes where the carrier list has one.
    CarrierInfo("boxberry", "Boxberry", "Boxberry", "Boxberry", 100157, aliases=("боксберри",)),
    CarrierInfo("dpd_ru", "DPD Russia", "DPD俄罗斯", "DPD", 100071, aliases=("dpd", "дпд")),
    CarrierInfo("pek", "PEK", "PEK", "ПЭК", None, aliases=("пэк",)),
    CarrierInfo("5post", "5Post", "5Post", "5Post", 100135, aliases=("5пост", "five post")),
    CarrierInfo(
        "dellin", "Dellin", "Dellin", "Деловые Линии", 100108, aliases=("деловые линии", "дл")
    ),
    CarrierInfo("cse", "CSE", "CSE", "КСЭ", 100093, aliases=("курьер сервис экспресс",)),
    CarrierInfo("jde", "JDE", "JDE", "ЖДЭ", 100120, aliases=("желдорэкспедиция",)),
)  # fmt: skip

CARRIERS_BY_CODE: MappingProxyType[str, CarrierInfo] = MappingProxyType(
    {carrier.code: carrier for carrier in CARRIERS}
)

_DROPPED = frozenset(" \t_-.&/'\"()（）·")


def carrier_key(name: str) -> str:
    """The form carrier names are compared in: NFKC, case-folded, no spaces or punctuation."""
    folded = unicodedata.normalize("NFKC", name).casefold()
    return "".join(c for c in folded if c not in _DROPPED and not c.isspace())


def _index() -> dict[str, CarrierInfo]:
    index: dict[str, CarrierInfo] = {}
    for carrier in CARRIERS:
        names = (carrier.code, carrier.name, carrier.name_zh, carrier.name_ru, *carrier.aliases)
        codes = [str(c) for c in (carrier.track17_code, *carrier.track17_other_codes) if c]
        for name in (*names, *codes):
            key = carrier_key(name)
            other = index.setdefault(key, carrier)
            if other is not carrier:
                raise ValueError(
                    f"carrier name {name!r} names both {other.code} and {carrier.code}"
                )
    return index


_BY_NAME: MappingProxyType[str, CarrierInfo] = MappingProxyType(_index())


@functools.lru_cache(maxsize=4096)  # an upload file repeats a handful of names
def resolve_carrier(name: str) -> CarrierInfo | None:
    """The carrier a seller's name (any language), our code, or a 17TRACK code stands for."""
    key = carrier_key(name)
    return _BY_NAME.get(key) if key else None
