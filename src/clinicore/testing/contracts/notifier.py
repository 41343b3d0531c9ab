"""The contract of [`Notifier`][clinicore.ports.Notifier]: at most once per idempotency key."""

from __future__ import annotations

import pytest

from clinicore.contact import ContactChannel
from clinicore.messages import DeliveryReceipt, DeliveryStatus, OutboundMessage
from clinicore.ports import Notifier
from clinicore.testing.contracts._concurrency import run_together
from clinicore.testing.samples import unique_id

__all__ = ["NotifierContract"]


class NotifierContract:
    """Checks for a notifier. Provide the fixture ``notifier``.

    Override `message` if your notifier needs a particular channel or address.
    """

    @pytest.fixture
    def notifier(self) -> Notifier:
        raise NotImplementedError("the contract needs a 'notifier' fixture")

    def message(self, key: str) -> OutboundMessage:
        return OutboundMessage(
            idempotency_key=key, channel=ContactChannel.SMS, to="+4741234567", body="Test message"
        )

    def test_a_send_is_acknowledged_with_its_key(self, notifier: Notifier) -> None:
        key = unique_id("msg")
        receipt = notifier.send(self.message(key))
        assert receipt.idempotency_key == key
        assert receipt.status in (DeliveryStatus.ACCEPTED, DeliveryStatus.DELIVERED)

    def test_the_same_key_is_delivered_only_once(self, notifier: Notifier) -> None:
        key = unique_id("msg")
        notifier.send(self.message(key))
        assert notifier.send(self.message(key)).status is DeliveryStatus.DUPLICATE

    def test_different_keys_are_all_delivered(self, notifier: Notifier) -> None:
        statuses = {notifier.send(self.message(unique_id("msg"))).status for _ in range(3)}
        assert DeliveryStatus.DUPLICATE not in statuses

    def test_racing_sends_of_one_key_deliver_once(self, notifier: Notifier) -> None:
        key = unique_id("msg")
        results = run_together(4, lambda _: notifier.send(self.message(key)))
        receipts = [result for result in results if isinstance(result, DeliveryReceipt)]
        assert len(receipts) == 4, results
        fresh = [r for r in receipts if r.status is not DeliveryStatus.DUPLICATE]
        assert len(fresh) == 1, receipts
