"""What the ledger books: accrual types, Ozon's operation types, charges and operations.

The booking rules (when a posting's money moves, and how much) are in :mod:`.ledger`; this
module is only the vocabulary every finance method shows, so the routes and the ledger agree
on one set of names.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal

from ozonops.simulator.reference.ozon_codes import OPERATION_TYPES
from ozonops.simulator.world.model import Line, Posting

ZERO = Decimal("0.00")


@dataclass(frozen=True, slots=True)
class AccrualType:
    """A ``/v1/finance/accrual/types`` entry and where its money goes elsewhere.

    ``bucket`` is the ``/v3/finance/transaction/totals`` field; ``service`` the
    ``services[].name`` in ``/v3/finance/transaction/list`` ("" when the charge shows in
    ``accruals_for_sale``, ``sale_commission`` or only in ``amount``); ``flow`` the cash-flow
    statement column.
    """

    id: int
    name: str
    description: str
    bucket: str
    service: str
    flow: str


# Ids are ours: the spec publishes the shape of the list, not its contents.
SALE = AccrualType(
    1,
    "Выручка",
    "Стоимость проданного товара с учётом скидок продавца",
    "accruals_for_sale",
    "",
    "orders_amount",
)
COMMISSION = AccrualType(
    2,
    "Вознаграждение за продажу",
    "Комиссия Ozon за продажу товара",
    "sale_commission",
    "",
    "commission_amount",
)
LOGISTICS = AccrualType(
    3,
    "Логистика",
    "Доставка отправления от склада продавца до города покупателя",
    "processing_and_delivery",
    "MarketplaceServiceItemDirectFlowLogistic",
    "item_delivery_and_return_amount",
)
LAST_MILE = AccrualType(
    4,
    "Последняя миля",
    "Доставка отправления до покупателя или пункта выдачи",
    "processing_and_delivery",
    "MarketplaceServiceItemDelivToCustomer",
    "item_delivery_and_return_amount",
)
ACQUIRING = AccrualType(
    5,
    "Оплата эквайринга",
    "Приём платежа от покупателя",
    "others_amount",
    "",
    "services_amount",
)
RETURN_SALE = AccrualType(
    6,
    "Возврат выручки",
    "Возврат покупателю стоимости товара",
    "accruals_for_sale",
    "",
    "returns_amount",
)
RETURN_COMMISSION = AccrualType(
    7,
    "Возврат вознаграждения",
    "Возврат продавцу комиссии за продажу возвращённого товара",
    "sale_commission",
    "",
    "commission_amount",
)
RETURN_LOGISTICS = AccrualType(
    8,
    "Обратная логистика",
    "Доставка возврата, отмены или невыкупа обратно продавцу",
    "refunds_and_cancellations",
    "MarketplaceServiceItemReturnFlowLogistic",
    "item_delivery_and_return_amount",
)
RETURN_PROCESSING = AccrualType(
    9,
    "Обработка возврата",
    "Приём и обработка возврата от покупателя",
    "refunds_and_cancellations",
    "MarketplaceServiceItemReturnAfterDelivToCustomer",
    "item_delivery_and_return_amount",
)
CANCEL_PROCESSING = AccrualType(
    10,
    "Обработка отмен и невыкупа",
    "Обработка отменённого или невыкупленного отправления",
    "refunds_and_cancellations",
    "MarketplaceServiceItemReturnNotDelivToCustomer",
    "item_delivery_and_return_amount",
)
COMPENSATION = AccrualType(
    11,
    "Компенсация",
    "Возмещение стоимости товара, утерянного или повреждённого по вине Ozon или перевозчика",
    "compensation_amount",
    "",
    "services_amount",
)
PARTIAL_COMPENSATION = AccrualType(
    12,
    "Частичная компенсация покупателю",
    "Часть стоимости товара, возвращённая покупателю rFBS по согласию продавца",
    "money_transfer",
    "",
    "returns_amount",
)
BACK_WAY_REFUND = AccrualType(
    13,
    "Возврат покупателю стоимости обратной доставки",
    "Стоимость отправки возврата rFBS продавцу, возмещённая покупателю",
    "money_transfer",
    "",
    "item_delivery_and_return_amount",
)
ACCRUAL_TYPES: tuple[AccrualType, ...] = (
    SALE,
    COMMISSION,
    LOGISTICS,
    LAST_MILE,
    ACQUIRING,
    RETURN_SALE,
    RETURN_COMMISSION,
    RETURN_LOGISTICS,
    RETURN_PROCESSING,
    CANCEL_PROCESSING,
    COMPENSATION,
    PARTIAL_COMPENSATION,
    BACK_WAY_REFUND,
)
ACCRUAL_TYPE_BY_ID = {t.id: t for t in ACCRUAL_TYPES}
OPERATION_TYPE = {t.code: t for t in OPERATION_TYPES}

DELIVERED = "OperationAgentDeliveredToCustomer"
CLIENT_RETURN = "ClientReturnAgentOperation"
ITEM_RETURN = "OperationItemReturn"
ACQUIRING_OP = "MarketplaceRedistributionOfAcquiringOperation"
DIRECT_LOGISTICS_OP = "MarketplaceServiceItemDirectFlowLogistic"
COMPENSATION_OP = "MarketplaceSellerCompensationOperation"
#: rFBS money paid to the buyer beside the sale's reversal (partial compensation, postage).
RFBS_TRANSFER_OP = "ReturnAgentOperationRFBS"
#: The operations the realization report is made of.
REALIZATION_OPS = (DELIVERED, CLIENT_RETURN)


@dataclass(frozen=True, slots=True)
class Charge:
    """One accrual: a signed amount (seller's view: + to the seller) of one type."""

    type: AccrualType
    amount: Decimal
    sku: int | None = None
    quantity: int | None = None
    price: Decimal | None = None  # seller's price per unit, for sale and return charges
    commission_percent: int | None = None


@dataclass(frozen=True, slots=True)
class Operation:
    """One ``/v3/finance/transaction/list`` operation of one posting."""

    operation_id: int
    operation_type: str
    at: datetime
    posting: Posting
    charges: tuple[Charge, ...]
    lines: tuple[Line, ...]

    @property
    def type_name(self) -> str:
        return OPERATION_TYPE[self.operation_type].name_ru

    @property
    def transaction_type(self) -> str:
        return OPERATION_TYPE[self.operation_type].transaction_type

    @property
    def amount(self) -> Decimal:
        return sum((c.amount for c in self.charges), ZERO)

    def total(self, *types: AccrualType) -> Decimal:
        return sum((c.amount for c in self.charges if c.type in types), ZERO)

    def services(self) -> list[tuple[str, Decimal]]:
        """``services[]``: charges with a service name, summed per name, in first-seen order."""
        out: dict[str, Decimal] = {}
        for c in self.charges:
            if c.type.service:
                out[c.type.service] = out.get(c.type.service, ZERO) + c.amount
        return list(out.items())
