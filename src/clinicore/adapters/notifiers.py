"""Reference notifiers: console, JSON-lines file, and recording (for tests).

Each delivers an idempotency key at most once: a repeat gets a ``DUPLICATE`` receipt and
nothing is sent. The file notifier keeps that promise across processes by reading the keys
already in its file when it starts. The console notifier prints only the channel, the key
and a masked address, because message bodies are personal data.
"""

from __future__ import annotations

import json
import sys
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import TextIO

import attrs

from clinicore.errors import ConfigurationError, DeliveryError
from clinicore.messages import DeliveryReceipt, DeliveryStatus, OutboundMessage
from clinicore.privacy import mask_email, mask_phone

__all__ = ["ConsoleNotifier", "FileNotifier", "RecordingNotifier"]


class _OncePerKey:
    """Remembers delivered keys; the base of every reference notifier."""

    def __init__(self) -> None:
        self._seen: set[str] = set()
        self._lock = threading.Lock()

    def send(self, message: OutboundMessage) -> DeliveryReceipt:
        """Deliver ``message`` unless its key was delivered before."""
        with self._lock:
            if message.idempotency_key in self._seen:
                return DeliveryReceipt(message.idempotency_key, DeliveryStatus.DUPLICATE)
            reference = self._deliver(message)
            self._seen.add(message.idempotency_key)
        return DeliveryReceipt(message.idempotency_key, DeliveryStatus.DELIVERED, reference)

    def _deliver(self, message: OutboundMessage) -> str | None:
        raise NotImplementedError


def _masked_address(message: OutboundMessage) -> str:
    return mask_email(message.to) if "@" in message.to else mask_phone(message.to)


class ConsoleNotifier(_OncePerKey):
    """Prints one line per message (channel, key, masked address) to a stream."""

    def __init__(self, stream: TextIO | None = None) -> None:
        super().__init__()
        self._stream = stream

    def _deliver(self, message: OutboundMessage) -> str | None:
        stream = self._stream or sys.stdout
        print(
            f"[{message.channel.value}] {message.idempotency_key} -> {_masked_address(message)}",
            file=stream,
        )
        return None


class FileNotifier(_OncePerKey):
    """Appends each message as one JSON line to a file (the demo's "outbox on disk").

    Args:
        path: the file; created if missing. Keys already in it count as delivered.

    """

    def __init__(self, path: str | Path) -> None:
        super().__init__()
        self.path = Path(path)
        if self.path.exists():
            self._seen.update(_delivered_keys(self.path))

    def _deliver(self, message: OutboundMessage) -> str | None:
        record = attrs.asdict(message)
        try:
            with self.path.open("a", encoding="utf-8") as out:
                out.write(json.dumps(record, ensure_ascii=False) + "\n")
        except OSError as error:
            raise DeliveryError(
                f"cannot write to {self.path}: {error.strerror}", transient=True
            ) from None
        return f"line-{len(self._seen) + 1}"


def _delivered_keys(path: Path) -> Iterator[str]:
    with path.open(encoding="utf-8") as lines:
        for number, line in enumerate(lines, start=1):
            if not line.strip():
                continue
            try:
                yield str(json.loads(line)["idempotency_key"])
            except (ValueError, KeyError, TypeError):
                raise ConfigurationError(
                    f"outbox file {str(path)!r} line {number} is not a message record"
                ) from None


class RecordingNotifier(_OncePerKey):
    """Keeps every delivered message in ``sent``; can be told to fail (for tests).

    Attributes:
        sent: the delivered messages, in order.
        attempts: every call to ``send``, including duplicates and failures.

    """

    def __init__(self) -> None:
        super().__init__()
        self.sent: list[OutboundMessage] = []
        self.attempts: list[str] = []
        self._failures: list[DeliveryError] = []

    def fail_next(self, count: int = 1, *, transient: bool = True) -> None:
        """Make the next ``count`` deliveries raise `DeliveryError`."""
        self._failures.extend(
            DeliveryError("simulated gateway failure", transient=transient) for _ in range(count)
        )

    def send(self, message: OutboundMessage) -> DeliveryReceipt:
        """Record the attempt, then deliver once per key."""
        self.attempts.append(message.idempotency_key)
        return super().send(message)

    def _deliver(self, message: OutboundMessage) -> str | None:
        if self._failures:
            raise self._failures.pop(0)
        self.sent.append(message)
        return f"rec-{len(self.sent)}"
