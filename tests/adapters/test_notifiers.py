"""The reference notifiers: console, JSON-lines file and recording (PLT-1, PLT-2, REM-7).

Each runs the shipped `NotifierContract` (exactly once per idempotency key, also under
racing threads), then the promises specific to each: the file notifier remembers keys
across restarts, the console notifier prints no personal data, the recording notifier
can simulate a gateway failure that a retry recovers from.
"""

from __future__ import annotations

import io
import json
from pathlib import Path

import pytest

from clinicore.adapters.notifiers import ConsoleNotifier, FileNotifier, RecordingNotifier
from clinicore.contact import ContactChannel
from clinicore.errors import ClinicoreError, DeliveryError
from clinicore.messages import DeliveryStatus, OutboundMessage
from clinicore.ports import Notifier
from clinicore.testing.contracts import NotifierContract

PHONE = "+4741234567"
EMAIL = "kari.nordmann@example.org"
BODY = "Hei Kari, husk tannlegetimen i morgen kl. 09:00"


def sms(key: str, *, to: str = PHONE, body: str = BODY) -> OutboundMessage:
    return OutboundMessage(idempotency_key=key, channel=ContactChannel.SMS, to=to, body=body)


# -- the contract ----------------------------------------------------------------------------------
class TestConsoleNotifier(NotifierContract):
    @pytest.fixture
    def notifier(self) -> Notifier:
        return ConsoleNotifier(io.StringIO())


class TestFileNotifier(NotifierContract):
    @pytest.fixture
    def notifier(self, tmp_path: Path) -> Notifier:
        return FileNotifier(tmp_path / "outbox.jsonl")


class TestRecordingNotifier(NotifierContract):
    @pytest.fixture
    def notifier(self) -> Notifier:
        return RecordingNotifier()


def test_every_reference_notifier_satisfies_the_port(tmp_path: Path) -> None:
    """PLT-1: the reference adapters are structural `Notifier`s."""
    for notifier in (
        ConsoleNotifier(io.StringIO()),
        FileNotifier(tmp_path / "outbox.jsonl"),
        RecordingNotifier(),
    ):
        assert isinstance(notifier, Notifier)


# -- FileNotifier ----------------------------------------------------------------------------------
def test_file_notifier_remembers_keys_across_a_restart(tmp_path: Path) -> None:
    """REM-7: exactly once per key even when the process restarts between two sends."""
    path = tmp_path / "outbox.jsonl"
    first = FileNotifier(path)
    assert first.send(sms("rem-1")).status is DeliveryStatus.DELIVERED
    assert first.send(sms("rem-2")).status is DeliveryStatus.DELIVERED

    restarted = FileNotifier(path)
    assert restarted.send(sms("rem-1")).status is DeliveryStatus.DUPLICATE
    assert restarted.send(sms("rem-2")).status is DeliveryStatus.DUPLICATE
    assert restarted.send(sms("rem-3")).status is DeliveryStatus.DELIVERED

    keys = [json.loads(line)["idempotency_key"] for line in path.read_text("utf-8").splitlines()]
    assert keys == ["rem-1", "rem-2", "rem-3"]


def test_file_notifier_writes_one_json_line_per_message(tmp_path: Path) -> None:
    """The outbox on disk holds the whole message, one JSON object per line."""
    path = tmp_path / "outbox.jsonl"
    FileNotifier(path).send(sms("rem-1"))
    (record,) = [json.loads(line) for line in path.read_text("utf-8").splitlines()]
    assert record["idempotency_key"] == "rem-1"
    assert record["channel"] == "sms"
    assert record["to"] == PHONE


def test_file_notifier_starts_on_a_missing_file(tmp_path: Path) -> None:
    path = tmp_path / "new-outbox.jsonl"
    notifier = FileNotifier(path)
    assert not path.exists()
    notifier.send(sms("rem-1"))
    assert path.exists()


def test_file_notifier_refuses_a_corrupted_outbox_with_a_clear_error(tmp_path: Path) -> None:
    """A damaged outbox file is a clinicore error naming the file, not a bare JSON error."""
    path = tmp_path / "damaged-outbox.jsonl"
    path.write_text('{"idempotency_key": "rem-1"}\nthis is not json\n', encoding="utf-8")
    with pytest.raises(ClinicoreError, match=r"damaged-outbox\.jsonl"):
        FileNotifier(path)


def test_file_notifier_failure_to_write_is_a_transient_delivery_error(tmp_path: Path) -> None:
    """REM-7: a write that fails is reported as retryable and the key is not used up."""
    path = tmp_path / "no-such-folder" / "outbox.jsonl"
    notifier = FileNotifier(path)
    with pytest.raises(DeliveryError) as raised:
        notifier.send(sms("rem-1"))
    assert raised.value.transient is True
    path.parent.mkdir()
    assert notifier.send(sms("rem-1")).status is DeliveryStatus.DELIVERED


# -- ConsoleNotifier -------------------------------------------------------------------------------
def test_console_output_shows_no_body_and_no_full_address() -> None:
    """Personal data never reaches the console: only channel, key and a masked address."""
    stream = io.StringIO()
    notifier = ConsoleNotifier(stream)
    notifier.send(sms("rem-sms"))
    notifier.send(
        OutboundMessage(
            idempotency_key="rem-mail",
            channel=ContactChannel.EMAIL,
            to=EMAIL,
            body=BODY,
            subject="Timen din i morgen",
        )
    )
    output = stream.getvalue()
    assert "rem-sms" in output
    assert "rem-mail" in output
    assert "[sms]" in output
    assert "[email]" in output
    for secret in (BODY, "Kari", "tannlegetimen", "Timen din", PHONE, PHONE[1:], "41234"):
        assert secret not in output
    assert "kari.nordmann" not in output
    assert len(output.splitlines()) == 2


def test_console_prints_nothing_for_a_duplicate() -> None:
    stream = io.StringIO()
    notifier = ConsoleNotifier(stream)
    notifier.send(sms("rem-1"))
    assert notifier.send(sms("rem-1")).status is DeliveryStatus.DUPLICATE
    assert len(stream.getvalue().splitlines()) == 1


def test_console_writes_to_stdout_by_default(capsys: pytest.CaptureFixture[str]) -> None:
    ConsoleNotifier().send(sms("rem-1"))
    captured = capsys.readouterr()
    assert "rem-1" in captured.out
    assert PHONE not in captured.out


# -- RecordingNotifier -----------------------------------------------------------------------------
def test_recording_failure_is_transient_and_a_retry_delivers_once() -> None:
    """REM-7: a transient gateway failure uses up nothing; the retry delivers exactly once."""
    notifier = RecordingNotifier()
    notifier.fail_next()
    with pytest.raises(DeliveryError) as raised:
        notifier.send(sms("rem-1"))
    assert raised.value.transient is True
    assert notifier.sent == []

    receipt = notifier.send(sms("rem-1"))
    assert receipt.status is DeliveryStatus.DELIVERED
    assert notifier.send(sms("rem-1")).status is DeliveryStatus.DUPLICATE
    assert [message.idempotency_key for message in notifier.sent] == ["rem-1"]
    assert notifier.attempts == ["rem-1", "rem-1", "rem-1"]


def test_recording_permanent_failures_are_marked_so() -> None:
    notifier = RecordingNotifier()
    notifier.fail_next(2, transient=False)
    for key in ("rem-1", "rem-2"):
        with pytest.raises(DeliveryError) as raised:
            notifier.send(sms(key))
        assert raised.value.transient is False
    assert notifier.send(sms("rem-3")).status is DeliveryStatus.DELIVERED
    assert [message.idempotency_key for message in notifier.sent] == ["rem-3"]


def test_delivery_error_message_carries_no_personal_data() -> None:
    notifier = RecordingNotifier()
    notifier.fail_next()
    with pytest.raises(DeliveryError) as raised:
        notifier.send(sms("rem-1"))
    assert PHONE not in str(raised.value)
    assert BODY not in str(raised.value)


def test_message_repr_hides_address_and_body() -> None:
    text = repr(sms("rem-1"))
    assert PHONE not in text
    assert BODY not in text
