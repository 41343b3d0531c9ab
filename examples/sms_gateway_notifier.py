"""User story: a vendor plugs in an SMS gateway and proves it with the contract suite.

Run: python examples/sms_gateway_notifier.py

The notifier below stands in for an HTTP gateway. It keeps the one promise every
clinicore notifier must keep: an idempotency key is delivered at most once, even when the
same message is sent twice (a retry after a crash). ``NotifierContract`` checks that.
"""

from __future__ import annotations

import subprocess
import sys
import threading

import pytest

from clinicore.errors import DeliveryError
from clinicore.messages import DeliveryReceipt, DeliveryStatus, OutboundMessage
from clinicore.ports import Notifier
from clinicore.testing.contracts import NotifierContract


class ExampleSmsGateway:
    """A fake gateway client: 'sends' by remembering, rejects non-SMS channels."""

    def __init__(self) -> None:
        self._delivered: dict[str, str] = {}
        self._lock = threading.Lock()

    def send(self, message: OutboundMessage) -> DeliveryReceipt:
        """Send once per idempotency key (the gateway's own dedup id)."""
        if message.channel.value != "sms":
            raise DeliveryError(f"channel {message.channel.value!r} is not SMS", transient=False)
        with self._lock:
            if message.idempotency_key in self._delivered:
                return DeliveryReceipt(message.idempotency_key, DeliveryStatus.DUPLICATE)
            reference = f"gw-{len(self._delivered) + 1}"
            self._delivered[message.idempotency_key] = reference
        return DeliveryReceipt(message.idempotency_key, DeliveryStatus.ACCEPTED, reference)


class TestExampleSmsGateway(NotifierContract):
    @pytest.fixture
    def notifier(self) -> Notifier:
        return ExampleSmsGateway()


if __name__ == "__main__":
    # A fresh interpreter, so pytest loads its plugins before this module imports them.
    command = [sys.executable, "-m", "pytest", __file__, "-q", "-p", "no:cacheprovider"]
    sys.exit(subprocess.run(command, check=False).returncode)
