"""Buyer message templates: Russian for the buyer, with a Chinese translation for the seller.

Each template has a few Russian wordings; a posting always gets the same one (chosen from its
number), so a bulk send does not post one identical text hundreds of times — Ozon throttles
sellers who post many identical answers (ozon-rules.md "Paid-tier gates"). Placeholders:
``{order}`` (the order number) and ``{posting}`` (the posting number).
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from types import MappingProxyType

from ozonops.notify import LocalText
from ozonops.rules.errors import UnknownRule

__all__ = ["TEMPLATES", "Rendered", "Template", "render", "template"]


@dataclass(frozen=True, slots=True)
class Template:
    id: str
    name: LocalText
    #: The rules whose alerts suggest this message.
    rules: tuple[str, ...]
    #: (Russian wording, its Chinese translation), one or more.
    wordings: tuple[tuple[str, str], ...]


@dataclass(frozen=True, slots=True)
class Rendered:
    template: str
    ru: str
    zh: str


TEMPLATES = MappingProxyType(
    {
        t.id: t
        for t in (
            Template(
                id="delay_notice",
                name=LocalText(zh="延误说明", en="Delay notice"),
                rules=("delivery_late", "stalled", "buyer_may_cancel", "ship_by_missed"),
                wordings=(
                    (
                        "Здравствуйте! Ваш заказ {order} задерживается в пути. Мы следим за "
                        "посылкой и сообщим, как только она продвинется. Приносим извинения за "
                        "ожидание.",
                        "您好！您的订单 {order} 在运输途中有所延误。"
                        "我们正在跟踪包裹，一有进展就会通知您。"
                        "抱歉让您久等。",
                    ),
                    (
                        "Добрый день! Посылка по заказу {order} идёт дольше обычного. Она не "
                        "потерялась — мы на связи со службой доставки. Спасибо за терпение!",
                        "您好！订单 {order} 的包裹比平时走得慢。"
                        "包裹没有丢失，我们正在与物流公司沟通。"
                        "感谢您的耐心！",
                    ),
                ),
            ),
            Template(
                id="customs_delay",
                name=LocalText(zh="清关延误说明", en="Customs delay"),
                rules=("stalled", "delivery_late"),
                wordings=(
                    (
                        "Здравствуйте! Заказ {order} проходит таможенное оформление, из-за "
                        "этого доставка займёт немного больше времени. Как только посылка "
                        "выйдет с таможни, она продолжит путь к вам.",
                        "您好！订单 {order} 正在办理海关清关，"
                        "因此配送时间会稍长。包裹清关后会继续发往您。",
                    ),
                    (
                        "Добрый день! Посылка по заказу {order} задержалась на таможне. Это "
                        "обычная проверка, мы следим за статусом и напишем вам о любых "
                        "изменениях.",
                        "您好！订单 {order} 的包裹在海关滞留，"
                        "这是常规查验。我们会关注状态，有变化会告诉您。",
                    ),
                ),
            ),
            Template(
                id="at_pickup_point",
                name=LocalText(zh="包裹已到自提点", en="Parcel at the pickup point"),
                rules=(),
                wordings=(
                    (
                        "Здравствуйте! Ваш заказ {order} уже ждёт вас в пункте выдачи. "
                        "Пожалуйста, заберите его в течение срока хранения.",
                        "您好！您的订单 {order} 已到达自提点，请在保管期内取件。",
                    ),
                    (
                        "Добрый день! Посылка {order} прибыла в пункт выдачи. Не забудьте "
                        "забрать её — срок хранения ограничен.",
                        "您好！订单 {order} 的包裹已到自提点。别忘了取件，保管期有限。",
                    ),
                ),
            ),
            Template(
                id="thank_you",
                name=LocalText(zh="送达感谢", en="Thank-you after delivery"),
                rules=(),
                wordings=(
                    (
                        "Спасибо за покупку! Надеемся, заказ {order} вам понравился. Если "
                        "что-то не так, напишите нам — мы поможем.",
                        "感谢您的购买！希望您喜欢订单 {order}。"
                        "如有任何问题，请联系我们，我们会帮您解决。",
                    ),
                    (
                        "Благодарим за заказ {order}! Будем рады, если вы поделитесь "
                        "впечатлениями в отзыве. По любым вопросам мы на связи.",
                        "感谢您订购 {order}！欢迎在评价中分享您的感受。有任何问题随时联系我们。",
                    ),
                ),
            ),
        )
    }
)


def template(template_id: str) -> Template:
    found = TEMPLATES.get(template_id)
    if found is None:
        raise UnknownRule(f"no message template {template_id!r}; templates: {', '.join(TEMPLATES)}")
    return found


def render(template_id: str, *, posting_number: str, order_number: str | None) -> Rendered:
    """The template's wording for this posting (always the same one for it)."""
    t = template(template_id)
    digest = hashlib.sha256(f"{template_id}:{posting_number}".encode()).digest()
    ru, zh = t.wordings[digest[0] % len(t.wordings)]
    values = {"order": order_number or posting_number, "posting": posting_number}
    return Rendered(template_id, ru.format(**values), zh.format(**values))
