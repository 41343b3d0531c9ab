"""User story: a front desk bills a treatment, takes the payment and closes the day.

Run: python examples/billing_checkout.py

A dentist finishes two GOZ items (one above the threshold factor, with a justification);
billing charges them from the ``TreatmentItemDone`` events, the patient gets a GOZ invoice,
pays part by card and part in cash, gets a small refund, and the day is closed with a
cash count. The payment is split between the centre and the self-employed dentist by her
key, exactly to the cent, and her monthly statement is printed. Delivering the same event
twice charges nothing twice.
"""

from __future__ import annotations

import datetime as _dt
from decimal import Decimal

import pendulum
from moneyed import Money

from clinicore.billing.split import SplitKey, SplitKeyBook
from clinicore.bootstrap import Config, bootstrap
from clinicore.clock import FixedClock
from clinicore.dental.events import TreatmentItemDone
from clinicore.errors import ClinicoreError
from clinicore.ids import SequentialIdSource
from clinicore.services.billing import BillingSettings


def main() -> None:
    clock = FixedClock(pendulum.datetime(2026, 10, 20, 10, tz="Europe/Berlin"))
    with bootstrap(Config(), clock=clock, ids=SequentialIdSource("ex")) as app:
        app.directory.register_site(name="Praxis Mitte", jurisdiction="DE", site_id="berlin")
        app.directory.register_practitioner(
            practitioner_id="dr-weber",
            display_name="Dr. Weber",
            site_ids=["berlin"],
            speciality="dentistry",
            employment="self_employed",
        )
        app.directory.register_patient(
            patient_id="pat-1",
            given_name="Jonas",
            family_name="Becker",
            birth_date=_dt.date(1978, 3, 14),
        )
        key = SplitKey(
            "dr-weber",
            _dt.date(2026, 1, 1),
            default_percent=Decimal("60"),
            fixed_fees={"2197": Money("5.00", "EUR")},
        )
        app.billing.configure(BillingSettings(split_keys=SplitKeyBook([key])))

        items = [
            ("item-1", "2100", Decimal("3.0"), "Deep carious cavity, difficult isolation"),
            ("item-2", "2197", None, None),
        ]
        events = [
            TreatmentItemDone(
                occurred_at=clock.now(),
                plan_id="plan-1",
                item_id=item,
                patient_id="pat-1",
                practitioner_id="dr-weber",
                site_id="berlin",
                procedure_code=code,
                site="16 MOD",
                factor=factor,
                justification=reason,
            )
            for item, code, factor, reason in items
        ]
        for _ in range(2):  # the second delivery is recognised and charges nothing
            with app.uow_factory() as uow:
                app.bus.publish(uow, *events)
                uow.commit()

        (invoice,) = app.billing.issue_bills("pat-1", "berlin")
        print(f"Invoice {invoice.id}, due {invoice.due_on}:")
        for line in invoice.lines:
            reason = f"  ({line.justification})" if line.justification else ""
            print(
                f"  GOZ {line.service_code} tooth {line.tooth}: {line.points} points x "
                f"{line.factor} = EUR {line.amount.amount}{reason}"
            )
        print(f"  total EUR {invoice.total.amount}")

        card = app.billing.take_payment(invoice.id, Money("100.00", "EUR"), "card")
        app.billing.take_payment(invoice.id, Money("25.14", "EUR"), "cash")
        app.billing.refund(card.id, Money("10.00", "EUR"))
        print(f"Balance after payments and a refund: EUR {app.billing.balance(invoice.id).amount}")
        try:
            app.billing.take_payment(invoice.id, Money("5.00", "NOK"), "cash")
        except ClinicoreError as error:
            print(f"Refused: {error}")

        settlement = app.billing.close_day(
            "berlin", "front-desk", _dt.date(2026, 10, 20), Money("25.00", "EUR")
        )
        close = settlement.close
        print(
            f"Day end: expected cash EUR {close.expected_cash.amount}, counted "
            f"EUR {close.counted_cash.amount}, difference EUR {close.difference.amount}"
        )
        statement = app.billing.statement("dr-weber", _dt.date(2026, 10, 1), "EUR")
        print("Dr. Weber's split statement for October 2026:")
        for rule, amount in statement.lines:
            print(f"  {rule}: EUR {amount.amount}")
        print(f"  kept by the centre: EUR {statement.centre_from_lines.amount}")


if __name__ == "__main__":
    main()
