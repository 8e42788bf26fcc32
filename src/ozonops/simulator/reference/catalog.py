"""Product templates for a China → Russia seller's catalogue.

Names read like Ozon listings. ``commission_percent`` is a rough Ozon FBS/rFBS sales commission
for the category (our estimate, 12-22 %); ``fragility`` (0..1) scales the chance of damage in
transit. The world generator appends a variant suffix to ``offer_prefix`` to make offer ids.
"""

from __future__ import annotations

from dataclasses import dataclass
from types import MappingProxyType
from typing import Literal

Category = Literal["electronics", "home", "clothing", "toys", "beauty", "auto"]

CATEGORY_NAMES_RU: MappingProxyType[Category, str] = MappingProxyType(
    {
        "electronics": "Электроника",
        "home": "Дом и сад",
        "clothing": "Одежда, обувь и аксессуары",
        "toys": "Детские товары",
        "beauty": "Красота и здоровье",
        "auto": "Автотовары",
    }
)


@dataclass(frozen=True, slots=True)
class ProductTemplate:
    """One listing the simulated seller may carry."""

    offer_prefix: str
    name_ru: str
    category: Category
    price_rub: tuple[int, int]
    weight_g: int
    commission_percent: float
    fragility: float


# fmt: off
PRODUCT_TEMPLATES: tuple[ProductTemplate, ...] = (
    # electronics
    ProductTemplate("TWS53", "Беспроводные наушники TWS Bluetooth 5.3",
                    "electronics", (890, 1990), 95, 19.0, 0.3),
    ProductTemplate("CBLCC60", "Кабель USB Type-C — Type-C 60 Вт, 1 м",
                    "electronics", (190, 450), 45, 20.0, 0.05),
    ProductTemplate("GAN65", "Сетевое зарядное устройство GaN 65 Вт, 3 порта",
                    "electronics", (990, 2190), 140, 18.0, 0.25),
    ProductTemplate("PB20K", "Внешний аккумулятор 20000 мАч с быстрой зарядкой PD 22.5 Вт",
                    "electronics", (1290, 2790), 420, 17.0, 0.35),
    ProductTemplate("CASEIP15", "Чехол силиконовый для iPhone 15 с MagSafe",
                    "electronics", (290, 690), 60, 21.0, 0.05),
    ProductTemplate("GLSIP14", "Защитное стекло для iPhone 14 Pro, 2 шт.",
                    "electronics", (190, 490), 80, 21.0, 0.6),
    ProductTemplate("WATCHX8", "Смарт-часы X8 Pro с пульсометром и NFC",
                    "electronics", (1490, 3490), 180, 16.0, 0.45),
    ProductTemplate("MOUSEWL", "Беспроводная мышь бесшумная 2.4 ГГц",
                    "electronics", (390, 890), 90, 18.0, 0.25),
    ProductTemplate("KB87RGB", "Механическая клавиатура с RGB-подсветкой, 87 клавиш",
                    "electronics", (2190, 4490), 850, 16.0, 0.4),
    ProductTemplate("LED5M", "Светодиодная лента RGB 5 м с пультом и Bluetooth",
                    "electronics", (490, 1190), 300, 18.0, 0.2),
    ProductTemplate("RING26", "Кольцевая лампа 26 см со штативом 2 м",
                    "electronics", (990, 1890), 1300, 17.0, 0.55),
    ProductTemplate("SPKBT", "Портативная колонка Bluetooth, водонепроницаемая",
                    "electronics", (890, 2490), 450, 17.0, 0.4),
    ProductTemplate("HUB7IN1", "USB-хаб Type-C 7 в 1 с HDMI 4K",
                    "electronics", (990, 2290), 110, 18.0, 0.3),
    # home
    ProductTemplate("ORG6", "Органайзер для хранения вещей, набор 6 шт.",
                    "home", (490, 990), 600, 18.0, 0.05),
    ProductTemplate("HUM300", "Увлажнитель воздуха ультразвуковой с подсветкой, 300 мл",
                    "home", (690, 1490), 350, 17.0, 0.5),
    ProductTemplate("MOON3D", "Ночник светодиодный «Луна» 3D с пультом",
                    "home", (590, 1290), 400, 18.0, 0.65),
    ProductTemplate("KNIFE6", "Набор кухонных ножей из нержавеющей стали, 6 предметов",
                    "home", (1190, 2690), 1500, 16.0, 0.15),
    ProductTemplate("MOLD3", "Силиконовые формы для выпечки, набор 3 шт.",
                    "home", (290, 690), 250, 18.0, 0.05),
    ProductTemplate("VAC10", "Вакуумные пакеты для хранения одежды, 10 шт.",
                    "home", (590, 1190), 700, 18.0, 0.1),
    ProductTemplate("SHOWER3", "Лейка для душа с фильтром, 3 режима",
                    "home", (490, 990), 300, 17.0, 0.35),
    ProductTemplate("TOWEL70", "Полотенце банное из микрофибры 70×140 см",
                    "home", (390, 790), 350, 19.0, 0.02),
    ProductTemplate("MUG500", "Термокружка с крышкой 500 мл, нержавеющая сталь",
                    "home", (590, 1290), 380, 17.0, 0.3),
    ProductTemplate("MOPSPR", "Швабра с распылителем и насадкой из микрофибры",
                    "home", (890, 1690), 1100, 16.0, 0.2),
    ProductTemplate("CURT3X3", "Гирлянда-штора светодиодная 3×3 м, тёплый белый",
                    "home", (590, 1290), 500, 18.0, 0.35),
    # clothing
    ProductTemplate("SOCK10", "Носки мужские хлопковые, набор 10 пар",
                    "clothing", (490, 990), 400, 22.0, 0.0),
    ProductTemplate("TSHOVS", "Футболка оверсайз женская, хлопок",
                    "clothing", (590, 1190), 220, 22.0, 0.0),
    ProductTemplate("HOODFL", "Худи унисекс с капюшоном на флисе",
                    "clothing", (1490, 2990), 650, 22.0, 0.0),
    ProductTemplate("LEGFIT", "Леггинсы спортивные женские с высокой талией",
                    "clothing", (690, 1390), 250, 21.0, 0.0),
    ProductTemplate("CAPBB", "Бейсболка унисекс с вышивкой",
                    "clothing", (390, 890), 120, 21.0, 0.02),
    ProductTemplate("SCARFW", "Шарф женский кашемировый демисезонный",
                    "clothing", (590, 1290), 180, 21.0, 0.0),
    ProductTemplate("GLOVET", "Перчатки зимние мужские с сенсорными пальцами",
                    "clothing", (390, 890), 110, 21.0, 0.0),
    ProductTemplate("BAGCB", "Сумка кросс-боди женская из экокожи",
                    "clothing", (990, 2190), 450, 20.0, 0.05),
    ProductTemplate("RUNSNK", "Кроссовки беговые мужские дышащие",
                    "clothing", (1990, 3990), 900, 20.0, 0.05),
    # toys
    ProductTemplate("CUBE33", "Кубик Рубика 3×3 скоростной магнитный",
                    "toys", (290, 690), 100, 17.0, 0.1),
    ProductTemplate("RCCAR16", "Машинка на радиоуправлении, внедорожник 1:16",
                    "toys", (1490, 3290), 1200, 16.0, 0.45),
    ProductTemplate("BRICK500", "Конструктор «Городская станция», 500 деталей",
                    "toys", (990, 2490), 900, 16.0, 0.1),
    ProductTemplate("PLUSHCAT", "Мягкая игрушка «Кот-батон», 50 см",
                    "toys", (490, 1190), 350, 17.0, 0.0),
    ProductTemplate("SLIME24", "Набор для создания слаймов, 24 цвета",
                    "toys", (590, 1290), 800, 17.0, 0.25),
    ProductTemplate("DRONEM", "Квадрокоптер мини с камерой и удержанием высоты",
                    "toys", (1990, 4490), 450, 15.0, 0.6),
    ProductTemplate("PUZ1000", "Пазл 1000 элементов «Ночной город»",
                    "toys", (390, 890), 700, 16.0, 0.05),
    ProductTemplate("POPIT3", "Антистресс-игрушка поп-ит, набор 3 шт.",
                    "toys", (190, 490), 150, 17.0, 0.02),
    # beauty
    ProductTemplate("BRUSH12", "Набор кистей для макияжа, 12 шт., в чехле",
                    "beauty", (490, 1190), 250, 19.0, 0.05),
    ProductTemplate("PATCH60", "Гидрогелевые патчи для глаз с коллагеном, 60 шт.",
                    "beauty", (390, 890), 150, 18.0, 0.15),
    ProductTemplate("CURL25", "Плойка для волос керамическая 25 мм",
                    "beauty", (990, 2190), 450, 17.0, 0.4),
    ProductTemplate("NAIL48", "Лампа для маникюра UV/LED 48 Вт",
                    "beauty", (790, 1690), 600, 17.0, 0.45),
    ProductTemplate("MASK10", "Тканевые маски для лица, набор 10 шт.",
                    "beauty", (390, 790), 280, 18.0, 0.02),
    ProductTemplate("MIRX10", "Зеркало косметическое с LED-подсветкой и увеличением ×10",
                    "beauty", (890, 1890), 700, 17.0, 0.8),
    ProductTemplate("IPL999", "Фотоэпилятор IPL для дома, 999 999 вспышек",
                    "beauty", (2990, 5990), 800, 15.0, 0.5),
    ProductTemplate("CLAW6", "Заколки-крабы для волос, набор 6 шт.",
                    "beauty", (190, 490), 90, 19.0, 0.2),
    # auto
    ProductTemplate("DVRFHD", "Видеорегистратор автомобильный Full HD с экраном 3 дюйма",
                    "auto", (1490, 3290), 300, 15.0, 0.5),
    ProductTemplate("CARHOLD", "Держатель для телефона в машину магнитный на дефлектор",
                    "auto", (290, 690), 90, 16.0, 0.1),
    ProductTemplate("CARCHG", "Автомобильное зарядное устройство 2×USB, 36 Вт",
                    "auto", (290, 690), 60, 16.0, 0.15),
    ProductTemplate("LEDH7", "Светодиодные лампы H7 для фар, 2 шт.",
                    "auto", (990, 2190), 200, 14.0, 0.35),
    ProductTemplate("FMTBT", "FM-трансмиттер Bluetooth с зарядкой USB",
                    "auto", (390, 890), 70, 16.0, 0.3),
    ProductTemplate("COMPAIR", "Автомобильный компрессор беспроводной с цифровым манометром",
                    "auto", (1990, 3990), 900, 14.0, 0.4),
    ProductTemplate("DASHMAT", "Антискользящий коврик на торпедо автомобиля",
                    "auto", (190, 390), 120, 15.0, 0.0),
    ProductTemplate("WIPER60", "Щётки стеклоочистителя бескаркасные 600 + 400 мм",
                    "auto", (590, 1190), 500, 14.0, 0.15),
    ProductTemplate("SEATORG", "Органайзер на спинку сиденья автомобиля",
                    "auto", (490, 990), 450, 15.0, 0.05),
)
# fmt: on
