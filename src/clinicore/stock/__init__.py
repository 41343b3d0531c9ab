"""Stock and ordering: items, ledger, lots, thresholds, offers, orders (STK-1 to STK-8).

The pure domain of clinicore's stock module. Nothing here stores, reads the clock or
publishes: [`clinicore.services.stock`][clinicore.services.stock] does that.

* [`items`][clinicore.stock.items]: items, base units, pack sizes, locations (STK-1).
* [`ledger`][clinicore.stock.ledger]: append-only movements and derived stock (STK-2).
* [`lots`][clinicore.stock.lots]: FEFO, expiry warnings, recall look-up (STK-3).
* [`thresholds`][clinicore.stock.thresholds]: min/max, learned reorder points, alerts (STK-4).
* [`proposal`][clinicore.stock.proposal]: the reorder proposal (STK-5).
* [`offers`][clinicore.stock.offers]: supplier offers and the best one (STK-6).
* [`orders`][clinicore.stock.orders]: purchase orders and receiving (STK-7).
* [`materials`][clinicore.stock.materials]: bills of materials per procedure (STK-8).
"""

from clinicore.stock.items import Item, ItemKind, Location, as_quantity
from clinicore.stock.ledger import ItemStock, LotBalance, Movement, MovementKind
from clinicore.stock.materials import BillOfMaterials, MaterialLine
from clinicore.stock.offers import SupplierOffer
from clinicore.stock.orders import OrderLine, OrderStatus, PurchaseOrder, ReceiptLine
from clinicore.stock.proposal import ReorderProposal
from clinicore.stock.thresholds import StockPosition, Threshold

__all__ = [
    "BillOfMaterials",
    "Item",
    "ItemKind",
    "ItemStock",
    "Location",
    "LotBalance",
    "MaterialLine",
    "Movement",
    "MovementKind",
    "OrderLine",
    "OrderStatus",
    "PurchaseOrder",
    "ReceiptLine",
    "ReorderProposal",
    "StockPosition",
    "SupplierOffer",
    "Threshold",
    "as_quantity",
]
