"""Ozon vocabularies the simulator answers with: cancel reasons, finance operations, returns.

Where the Seller API spec (``ozon/spec/swagger.json``) names an id or code, we use it as is;
ids the spec does not publish are ours and marked so. Titles are Russian, as Ozon sends them.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

CancelInitiator = Literal["buyer", "seller"]
TransactionType = Literal[
    "orders", "returns", "services", "compensation", "transferDelivery", "other"
]


@dataclass(frozen=True, slots=True)
class CancelReason:
    """An FBS/rFBS cancel reason as ``/v2/posting/fbs/cancel-reason/list`` returns it."""

    id: int
    title_ru: str
    type_id: CancelInitiator
    is_available_for_cancellation: bool


@dataclass(frozen=True, slots=True)
class OperationType:
    """A ``/v3/finance/transaction/list`` operation type and its ``type`` bucket."""

    code: str
    name_ru: str
    transaction_type: TransactionType


@dataclass(frozen=True, slots=True)
class ServiceType:
    """A service name inside an operation's ``services[]`` (a per-posting fee)."""

    code: str
    name_ru: str


@dataclass(frozen=True, slots=True)
class ReturnReason:
    """A buyer's return reason (``return_reason`` in ``/v2/returns/rfbs/get``)."""

    id: int
    name_ru: str
    is_defect: bool


@dataclass(frozen=True, slots=True)
class ReturnAction:
    """An action for ``/v1/returns/rfbs/action/set`` and the fields it requires."""

    id: int
    name_ru: str
    requires_comment: bool = False
    requires_rejection_reason: bool = False
    requires_compensation_amount: bool = False


@dataclass(frozen=True, slots=True)
class RejectionReason:
    """Why a seller rejects an rFBS return (``rejection_reason`` in ``/v2/returns/rfbs/get``)."""

    id: int
    name_ru: str
    hint: str
    is_comment_required: bool


SELLER_CANCEL_REASON_IDS: tuple[int, ...] = (352, 400, 401, 402, 665, 666, 667)

CANCEL_REASONS: tuple[CancelReason, ...] = (
    # Seller-side ids and titles from the spec (ozon-api.md §1.7). Availability follows the
    # spec's list example; 665 is set by Ozon, and 667 is ours to allow (rFBS sellers cancel
    # parcels their own carrier lost).
    CancelReason(352, "Товар закончился на складе продавца", "seller", True),
    CancelReason(400, "Остался только бракованный товар", "seller", True),
    CancelReason(401, "Продавец отклонил арбитраж", "seller", False),
    CancelReason(402, "Другое (вина продавца)", "seller", True),
    CancelReason(665, "Покупатель не забрал заказ", "seller", False),
    CancelReason(
        666, "Возврат из службы доставки: нет доставки в указанный регион", "seller", False
    ),
    CancelReason(667, "Заказ утерян службой доставки", "seller", True),
    # Buyer-side ids 500-507 are ours: the spec publishes no buyer reason ids.
    CancelReason(500, "Покупатель передумал", "buyer", False),
    CancelReason(501, "Покупатель нашёл товар дешевле", "buyer", False),
    CancelReason(502, "Покупатель оформил заказ по ошибке", "buyer", False),
    CancelReason(503, "Слишком долгий срок доставки", "buyer", False),
    CancelReason(504, "Покупатель хочет изменить адрес доставки", "buyer", False),
    CancelReason(505, "Покупатель хочет изменить состав заказа", "buyer", False),
    CancelReason(506, "Покупатель не предоставил паспортные данные", "buyer", False),
    CancelReason(507, "Покупатель не выходит на связь", "buyer", False),
)

# Codes and names from the spec's ``operation_type`` filter description; the ``type`` bucket
# of each is our reading of the operation (the spec pairs them only by example).
OPERATION_TYPES: tuple[OperationType, ...] = (
    OperationType("OperationAgentDeliveredToCustomer", "Доставка покупателю", "orders"),
    OperationType(
        "OperationAgentDeliveredToCustomerCanceled",
        "Доставка покупателю — исправленное начисление",
        "orders",
    ),
    OperationType(
        "OperationAgentStornoDeliveredToCustomer",
        "Доставка покупателю — отмена начисления",
        "orders",
    ),
    OperationType(
        "ClientReturnAgentOperation",
        "Получение возврата, отмены, невыкупа от покупателя",
        "returns",
    ),
    OperationType(
        "OperationItemReturn", "Доставка и обработка возврата, отмены, невыкупа", "returns"
    ),
    OperationType(
        "OperationReturnGoodsFBSofRMS", "Доставка и обработка возврата, отмены, невыкупа", "returns"
    ),
    OperationType("MarketplaceServiceItemDirectFlowLogistic", "Логистика", "services"),
    OperationType("MarketplaceServiceItemReturnFlowLogistic", "Обратная логистика", "services"),
    OperationType("MarketplaceServiceItemDeliveryKGT", "Доставка КГТ", "services"),
    OperationType("MarketplaceServiceItemDirectFlowLogisticVDC", "Логистика вРЦ", "services"),
    OperationType(
        "MarketplaceServiceItemDropoffPPZ",
        "Услуга drop-off в пункте приёма заказов",
        "services",
    ),
    OperationType(
        "MarketplaceServiceItemRedistributionReturnsPVZ",
        "Перевыставление возвратов на пункте выдачи",
        "services",
    ),
    OperationType(
        "MarketplaceReturnStorageServiceAtThePickupPointFbsItem",
        "Краткосрочное размещение возврата FBS",
        "services",
    ),
    OperationType(
        "MarketplaceReturnStorageServiceInTheWarehouseFbsItem",
        "Долгосрочное размещение возврата FBS",
        "services",
    ),
    OperationType(
        "MarketplaceMarketingActionCostOperation", "Услуги продвижения товаров", "services"
    ),
    OperationType(
        "MarketplaceSaleReviewsOperation", "Приобретение отзывов на платформе", "services"
    ),
    OperationType(
        "OperationMarketplaceServiceStorage", "Услуга размещения товаров на складе", "services"
    ),
    OperationType(
        "OperationMarketplaceCrossDockServiceWriteOff",
        "Доставка товаров на склад Ozon (кросс-докинг)",
        "services",
    ),
    OperationType("MarketplaceServicePremiumCashback", "Услуга продвижения Premium", "services"),
    OperationType(
        "MarketplaceServicePremiumPromotion",
        "Услуга продвижения Premium, фиксированная комиссия",
        "services",
    ),
    OperationType(
        "MarketplaceServicePremiumCashbackIndividualPoints",
        "Услуга продвижения «Бонусы продавца»",
        "services",
    ),
    OperationType("OperationElectronicServiceStencil", "Услуга «Трафареты»", "services"),
    OperationType(
        "OperationElectronicServicesPromotionInSearch",
        "Услуга «Продвижение в поиске»",
        "services",
    ),
    OperationType("OperationSubscriptionPremium", "Подписка Premium", "services"),
    OperationType(
        "ItemAgentServiceStarsMembership",
        "Вознаграждение за услугу «Звёздные товары»",
        "services",
    ),
    OperationType(
        "OperationLackWriteOff", "Компенсация за утерянный на складе товар", "compensation"
    ),
    OperationType(
        "OperationDefectiveWriteOff",
        "Компенсация за повреждённый на складе товар",
        "compensation",
    ),
    OperationType("MarketplaceSellerCompensationOperation", "Прочие компенсации", "compensation"),
    OperationType("OperationClaim", "Начисление по претензии", "compensation"),
    OperationType(
        "MarketplaceSellerShippingCompensationReturnOperation",
        "Компенсация перечисления за доставку",
        "compensation",
    ),
    OperationType(
        "MarketplaceSellerReexposureDeliveryReturnOperation",
        "Перечисление за доставку от покупателя",
        "transferDelivery",
    ),
    OperationType(
        "ReturnAgentOperationRFBS",
        "Возврат перечисления за доставку покупателю",
        "transferDelivery",
    ),
    OperationType("MarketplaceRedistributionOfAcquiringOperation", "Оплата эквайринга", "other"),
    OperationType("OperationCorrectionSeller", "Инвентаризация взаиморасчетов", "other"),
    OperationType("OperationSetOff", "Взаимозачёт с другими договорами контрагента", "other"),
    OperationType(
        "OperationMarketplaceWithHoldingForUndeliverableGoods",
        "Удержание за недовложение товара",
        "other",
    ),
)

# Names from the spec's descriptions of the ``services[].name`` values.
SERVICE_TYPES: tuple[ServiceType, ...] = (
    ServiceType("MarketplaceServiceItemFulfillment", "Сборка заказа"),
    ServiceType(
        "MarketplaceServiceItemPickup",
        "Выезд транспортного средства по адресу продавца для забора отправлений — Pick-up",
    ),
    ServiceType("MarketplaceServiceItemDropoffPVZ", "Обработка отправления"),
    ServiceType("MarketplaceServiceItemDropoffSC", "Обработка отправления"),
    ServiceType("MarketplaceServiceItemDropoffFF", "Обработка отправления"),
    ServiceType("MarketplaceServiceItemDirectFlowTrans", "Магистраль"),
    ServiceType("MarketplaceServiceItemDirectFlowLogistic", "Логистика"),
    ServiceType("MarketplaceServiceItemDelivToCustomer", "Последняя миля"),
    ServiceType("MarketplaceServiceItemReturnFlowTrans", "Обратная магистраль"),
    ServiceType("MarketplaceServiceItemReturnFlowLogistic", "Обратная логистика"),
    ServiceType("MarketplaceServiceItemReturnAfterDelivToCustomer", "Обработка возврата"),
    ServiceType("MarketplaceServiceItemReturnNotDelivToCustomer", "Обработка отмен"),
    ServiceType("MarketplaceServiceItemReturnPartGoodsCustomer", "Обработка невыкупа"),
    ServiceType("MarketplaceRedistributionOfAcquiringOperation", "Оплата эквайринга"),
)

# Return reason ids are ours; the spec shows only the shape {id, name, is_defect}.
RETURN_REASONS: tuple[ReturnReason, ...] = (
    ReturnReason(1, "Не подошёл размер", False),
    ReturnReason(2, "Товар не понравился", False),
    ReturnReason(3, "Передумал покупать", False),
    ReturnReason(4, "Не соответствует описанию или фото", False),
    ReturnReason(5, "Привезли не тот товар", False),
    ReturnReason(6, "Товар бракованный", True),
    ReturnReason(7, "Товар не работает", True),
    ReturnReason(8, "Товар повреждён при доставке", True),
    ReturnReason(9, "Неполная комплектация", True),
    ReturnReason(10, "Дефект внешнего вида: царапины, сколы, пятна", True),
)

# -1, -10 and 1020 and their required fields are from the spec (``/v1/returns/rfbs/action/set``);
# the other ids and all names are ours.
RFBS_RETURN_ACTIONS: tuple[ReturnAction, ...] = (
    ReturnAction(10, "Одобрить возврат"),
    ReturnAction(20, "Запросить товар для проверки"),
    ReturnAction(30, "Подтвердить получение товара"),
    ReturnAction(40, "Вернуть деньги покупателю"),
    ReturnAction(50, "Вернуть деньги без возврата товара"),
    ReturnAction(1020, "Предложить частичную компенсацию", requires_compensation_amount=True),
    ReturnAction(-1, "Отклонить заявку", requires_comment=True, requires_rejection_reason=True),
    ReturnAction(
        -10,
        "Отклонить возврат после проверки товара",
        requires_comment=True,
        requires_rejection_reason=True,
    ),
)

# Rejection reason ids, names and hints are ours.
RETURN_REJECTION_REASONS: tuple[RejectionReason, ...] = (
    RejectionReason(1, "Товар был в использовании", "Опишите следы использования", True),
    RejectionReason(2, "Нарушена комплектация или упаковка", "Перечислите, чего не хватает", True),
    RejectionReason(
        3, "Повреждение возникло по вине покупателя", "Опишите характер повреждения", True
    ),
    RejectionReason(
        4, "Фото не подтверждают заявленный дефект", "Поясните, чем фото не подходят", True
    ),
    RejectionReason(
        5, "Товар надлежащего качества не подлежит возврату", "Укажите основание отказа", True
    ),
    RejectionReason(6, "Истёк срок подачи заявки на возврат", "", False),
    RejectionReason(7, "Другое", "Опишите причину отказа", True),
)
