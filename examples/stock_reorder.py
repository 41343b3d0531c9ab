"""User story: a practice manager keeps stock and orders on time.

Run: python examples/stock_reorder.py

It registers two items, receives a medicine lot, lets completed treatments consume their
bill of materials, learns the reorder point from three weeks of consumption, compares two
suppliers (one of them drops an item), sends the proposed order and receives a short
delivery in a substitute pack size. Bad input is refused with one clear error and nothing
is booked.
"""

from __future__ import annotations

import datetime as _dt
from decimal import Decimal

import pendulum
from moneyed import Money

from clinicore.bootstrap import bootstrap
from clinicore.clock import FixedClock
from clinicore.dental.events import TreatmentItemDone
from clinicore.errors import ClinicoreError
from clinicore.stock.offers import SupplierOffer
from clinicore.stock.orders import ReceiptLine


def main() -> None:
    clock = FixedClock(pendulum.datetime(2026, 10, 1, 8, tz="Europe/Oslo"))
    with bootstrap(clock=clock) as app:
        app.directory.register_site(name="Tannklinikken", jurisdiction="NO", site_id="oslo")
        stock = app.stock
        stock.add_location(location_id="oslo-op", site_id="oslo", name="Surgery", treatment=True)
        stock.register_item(
            item_id="gloves",
            name="Gloves M",
            kind="material",
            base_unit="piece",
            pack_sizes=(50, 100),
        )
        stock.register_item(
            item_id="articaine",
            name="Articaine 4%",
            kind="medicine",
            base_unit="cartridge",
            pack_sizes=(50,),
        )
        stock.set_threshold("gloves", "oslo-op", minimum=50, maximum=600)
        stock.set_threshold("articaine", "oslo-op", minimum=10, maximum=100)
        for offer_id, supplier, item, pack, price, lead in (
            ("n-gl", "nordent", "gloves", 100, "95.00", 2),
            ("d-gl", "dentalbox", "gloves", 50, "45.00", 4),  # 0.90 vs 0.95 per glove
            ("n-ar", "nordent", "articaine", 50, "420.00", 3),
        ):
            stock.record_offer(
                SupplierOffer(
                    id=offer_id,
                    supplier_id=supplier,
                    item_id=item,
                    pack_size=pack,
                    price_per_pack=Money(price, "NOK"),
                    lead_time_days=lead,
                    valid_from=_dt.date(2026, 1, 1),
                )
            )
        stock.set_bill_of_materials("filling", {"gloves": 4, "articaine": 1})
        stock.receive("gloves", "oslo-op", 300)
        stock.receive(
            "articaine", "oslo-op", 50, lot_number="AR-1", expires_on=_dt.date(2027, 2, 1)
        )

        # Three weeks of fillings: each completed item books its materials (STK-8).
        for day in range(21):
            at = clock.now().add(days=day, hours=2)
            with app.uow_factory() as uow:
                for n in range(2 + day % 3):
                    app.bus.publish(
                        uow,
                        TreatmentItemDone(
                            occurred_at=at,
                            plan_id=f"p{day}",
                            item_id=str(n),
                            patient_id="pat-1",
                            practitioner_id="dr-lind",
                            site_id="oslo",
                            procedure_code="filling",
                            site="36 O",
                        ),
                    )
                uow.commit()
        clock.set(clock.now().add(days=21))
        print("on hand:", {item: str(qty) for (item, _), qty in stock.on_hand("oslo").items()})
        estimate = stock.estimate("gloves", "oslo-op", window_days=21)
        assert estimate is not None
        print("learned:", estimate.explain())

        stock.withdraw_offer("d-gl")  # dentalbox drops the gloves
        proposal = stock.reorder_proposal("oslo", window_days=21)
        for supplier, lines in proposal.by_supplier().items():
            for line in lines:
                print(
                    f"order from {supplier}: {line.packs} x {line.choice.offer.pack_size} "
                    f"{line.item_id} = {line.total}"
                )
                for reason in line.reasons:
                    print("   ", reason)
        orders = stock.order_proposal(proposal, send=True)
        assert stock.reorder_proposal("oslo", window_days=21).lines == ()  # never twice

        order = next(o for o in orders if any(line.item_id == "gloves" for line in o.lines))
        short = stock.receive_order(
            order.id, [ReceiptLine("gloves", Decimal(100), pack_size=Decimal(50))]
        )
        print(f"order {short.id}: {short.status.value}, still open {short.open_quantities()}")

        try:
            stock.consume("gloves", "oslo-op", "2.5")
        except ClinicoreError as error:
            print("refused:", error)
        print(
            "recall AR-1 used by",
            len(stock.trace_lot("articaine", "AR-1").references),
            "treatments",
        )


if __name__ == "__main__":
    main()
