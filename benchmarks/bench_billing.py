"""Benchmarks of billing: the revenue split of payments and the day-end settlement.

What is measured, each against a baseline taken in the same run:

(a) ``clinicore.billing.split.split_amount`` over 10k, 100k and 1M payments across 30
    doctors with mixed keys (percentages per service group from 30 % to 80 %, fixed fees
    per service, lab costs deducted first, co-payments to the treating doctor, a few
    doctors without a key, keys due when billed or when paid) and invoices of one to
    three lines. Baseline: ``clinicore.money.allocate`` alone on each payment, with the
    integer weights of that payment's split (from ``split_plan``, computed before timing):
    the floor of the exact split, so the ratio is what finding the keys, weighing the
    parts and building the explained shares adds. Goals: at most 3x the floor, at most
    11x growth per 10x payments.
(b) ``clinicore.billing.settlement.close_day`` of one register day with 1k, 10k and 100k
    payments (cash, card, terminal, online; refunds among them). Baseline: adding the
    same amounts' ``Decimal`` values in plain Python. Goal: at most 11x growth per 10x.

Inputs are seeded, built before timing and frozen out of the garbage collector's sight
(``gc.freeze``), so a large live input does not make collections of the measured work
slower; each time is the best of several repetitions after
a warm-up, and the repetitions of a measurement and of its baseline alternate. ``--quick``
runs tiny sizes once (a smoke run, not a measurement). Nothing here asserts on time; the
split's shares are checked to add up to each payment before timing.
"""

from __future__ import annotations

import datetime as _dt
import gc
import random
from decimal import Decimal
from functools import partial

import _harness
import pendulum
from moneyed import Money

from clinicore.billing.invoices import InvoiceLine
from clinicore.billing.payments import Payment, PaymentMethod
from clinicore.billing.settlement import close_day
from clinicore.billing.split import Due, SplitKey, SplitKeyBook, split_amount, split_plan
from clinicore.money import allocate, from_minor_units, sum_money

SEED = 20261019
DAY = _dt.date(2026, 10, 20)
DOCTORS = [f"dr-{number:02d}" for number in range(30)]
CODES = ("0010", "2060", "2100", "2197", "4050")
GROUPS = ("treatment", "hygiene", "prosthetics")
SPLIT_RATIO_GOAL = 3.0
GROWTH_GOAL = 11.0

Work = list[tuple[Money, list[InvoiceLine], list[int]]]


def _book(rng: random.Random) -> SplitKeyBook:
    keys = []
    for doctor in DOCTORS[:27]:  # three doctors are employed: no key, all to the centre
        keys.append(
            SplitKey(
                doctor,
                _dt.date(2026, 1, 1),
                default_percent=Decimal(rng.randrange(30, 81)),
                doctor_percent={
                    group: Decimal(rng.randrange(300, 801)).scaleb(-1)
                    for group in rng.sample(GROUPS, 2)
                },
                fixed_fees={rng.choice(CODES): Money(rng.randrange(1, 15), "EUR")},
                due=Due.BILLED if rng.random() < 0.2 else Due.PAID,
            )
        )
    return SplitKeyBook(keys)


def _invoices(rng: random.Random, count: int) -> list[list[InvoiceLine]]:
    invoices = []
    for number in range(count):
        lines = []
        for index in range(rng.randrange(1, 4)):
            units = rng.randrange(500, 200_000)
            lab = from_minor_units(units // 3, "EUR") if rng.random() < 0.2 else None
            lines.append(
                InvoiceLine(
                    charge_id=f"chg-{number}-{index}",
                    service_code=rng.choice(CODES),
                    description="service",
                    practitioner_id=rng.choice(DOCTORS),
                    service_date=DAY,
                    amount=from_minor_units(units, "EUR"),
                    service_group=rng.choice(GROUPS),
                    copayment=rng.random() < 0.1,
                    lab_cost=lab,
                )
            )
        invoices.append(lines)
    return invoices


def _work(count: int) -> tuple[SplitKeyBook, Work]:
    rng = random.Random(SEED)
    book = _book(rng)
    invoices = _invoices(rng, 2_000)
    work: Work = []
    for _ in range(count):
        lines = rng.choice(invoices)
        total = sum(int(line.amount.amount * 100) for line in lines)
        paid = from_minor_units(rng.randrange(1, total + 1), "EUR")
        plan = split_plan(lines, book, settled_when_billed=True)
        work.append((paid, lines, [part.weight for part in plan]))
    return book, work


def _run_split(book: SplitKeyBook, work: Work) -> None:
    for paid, lines, _ in work:
        split_amount(paid, lines, book, source_id="pay", booked_on=DAY, settled_when_billed=True)


def _run_floor(work: Work) -> None:
    for paid, _, weights in work:
        allocate(paid, weights)


def _check(book: SplitKeyBook, work: Work) -> None:
    for paid, lines, _ in work[:2_000]:
        shares = split_amount(paid, lines, book, source_id="p", booked_on=DAY)
        if sum_money((share.amount for share in shares), "EUR") != paid:
            raise SystemExit(f"shares of {paid!r} do not add up")


def bench_split(options: _harness.Options) -> None:
    sizes = (100, 1_000, 10_000) if options.quick else (10_000, 100_000, 1_000_000)
    rows: list[_harness.Row] = []
    for size in sizes:
        book, work = _work(size)
        if size == sizes[0]:
            _check(book, work)
        repeat = options.repeat({10_000: 9, 100_000: 5}.get(size, 1))
        gc.freeze()
        seconds, baseline = _harness.best_of_pair(
            partial(_run_split, book, work), partial(_run_floor, work), repeat
        )
        gc.unfreeze()
        rows.append(_harness.Row(size, seconds, baseline))
        del work
    _harness.print_table(
        "(a) split_amount across 30 doctors with mixed keys, ratio to allocate alone",
        rows,
        item="payment",
    )
    worst = max(row.ratio for row in rows)
    print(_harness.verdict("split / allocate alone", worst, SPLIT_RATIO_GOAL, quick=options.quick))
    growth = max(_harness.growth([row.seconds for row in rows]))
    print(_harness.verdict("growth per 10x payments", growth, GROWTH_GOAL, quick=options.quick))


def _day(count: int) -> list[Payment]:
    rng = random.Random(SEED)
    at = pendulum.datetime(2026, 10, 20, 9, tz="Europe/Oslo")
    payments: list[Payment] = []
    methods = list(PaymentMethod)
    for number in range(count):
        refund = payments and rng.random() < 0.05
        amount = from_minor_units(rng.randrange(100, 500_000), "NOK")
        payments.append(
            Payment(
                id=f"pay-{number}",
                invoice_id=f"inv-{number}",
                site_id="oslo",
                register_id="desk",
                method=rng.choice(methods),
                amount=-amount if refund else amount,
                received_at=at,
                business_day=DAY,
                refund_of=payments[-1].id if refund else None,
            )
        )
    return payments


def _settle(payments: list[Payment]) -> None:
    close_day(
        "close",
        "oslo",
        "desk",
        DAY,
        payments,
        counted_cash=Money(0, "NOK"),
        closed_at=pendulum.datetime(2026, 10, 20, 18, tz="Europe/Oslo"),
        currency="NOK",
    )


def _plain_sum(amounts: list[Decimal]) -> None:
    sum(amounts, Decimal(0))


def bench_settlement(options: _harness.Options) -> None:
    sizes = (10, 100, 1_000) if options.quick else (1_000, 10_000, 100_000)
    rows: list[_harness.Row] = []
    for size in sizes:
        payments = _day(size)
        amounts = [payment.amount.amount for payment in payments]
        gc.freeze()
        seconds, baseline = _harness.best_of_pair(
            partial(_settle, payments), partial(_plain_sum, amounts), options.repeat(15)
        )
        gc.unfreeze()
        rows.append(_harness.Row(size, seconds, baseline))
    _harness.print_table(
        "(b) close_day of one register day, ratio to a plain Decimal sum", rows, item="payment"
    )
    growth = max(_harness.growth([row.seconds for row in rows]))
    print(_harness.verdict("growth per 10x payments", growth, GROWTH_GOAL, quick=options.quick))


def main() -> None:
    options = _harness.parse_args(__doc__)
    bench_split(options)
    bench_settlement(options)


if __name__ == "__main__":
    main()
