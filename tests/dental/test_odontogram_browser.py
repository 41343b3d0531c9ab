"""The odontogram (DEN-10) as a browser draws it: headless Chromium renders it to a PNG.

The structural tests in ``test_odontogram.py`` check the SVG's elements; this one checks
that a real browser draws them: a chart with a plan is rendered by Debian's ``chromium``
package to a screenshot, which is decoded (by a small PNG reader below, so no imaging
dependency is needed) and must not be blank — several colours, a share of non-white
pixels, and the colours of the chart where the teeth are. Without ``chromium`` the test is
skipped, except under ``CI=true`` (``.ci/run`` installs it), where that is a failure.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import signal
import struct
import subprocess
import xml.etree.ElementTree as ET
import zlib
from pathlib import Path

import pendulum
import pytest

from clinicore.dental.chart import Chart, ChartEntry, ChartState
from clinicore.dental.odontogram import COLOURS, SVG_NAMESPACE, render_odontogram
from clinicore.dental.teeth import Tooth
from clinicore.testing.samples import a_plan_item, a_treatment_plan

NS = {"svg": SVG_NAMESPACE}
AT = pendulum.datetime(2026, 3, 2, 9, tz="Europe/Oslo")
WIDTH, HEIGHT = 1200, 800
TIMEOUT = 60
_IN_CI = os.environ.get("CI", "").lower() == "true"

Pixel = tuple[int, int, int]


class Png:
    """An 8-bit RGB or RGBA, non-interlaced PNG decoded to RGB rows (alpha dropped)."""

    def __init__(self, data: bytes) -> None:
        assert data[:8] == b"\x89PNG\r\n\x1a\n", "not a PNG file"
        position, idat, header = 8, bytearray(), b""
        while position < len(data):
            (length,) = struct.unpack(">I", data[position : position + 4])
            kind = data[position + 4 : position + 8]
            body = data[position + 8 : position + 8 + length]
            position += 12 + length
            if kind == b"IHDR":
                header = body
            elif kind == b"IDAT":
                idat += body
            elif kind == b"IEND":
                break
        width, height, depth, colour_type, _, _, interlace = struct.unpack(">IIBBBBB", header)
        assert depth == 8, f"bit depth {depth} is not supported"
        assert colour_type in (2, 6), f"colour type {colour_type} is not supported"
        assert interlace == 0, "interlaced PNGs are not supported"
        self.width, self.height = width, height
        channels = 3 if colour_type == 2 else 4
        self.rows = [
            bytes(b for index, b in enumerate(row) if index % channels < 3)
            if channels == 4
            else bytes(row)
            for row in _unfilter(zlib.decompress(bytes(idat)), width * channels, height, channels)
        ]

    def pixel(self, x: int, y: int) -> Pixel:
        row = self.rows[y]
        return row[3 * x], row[3 * x + 1], row[3 * x + 2]

    def pixels(self) -> list[Pixel]:
        return [self.pixel(x, y) for y in range(self.height) for x in range(self.width)]


def _unfilter(raw: bytes, stride: int, height: int, bpp: int) -> list[bytearray]:
    """Undo the per-row filters (PNG spec, section 9)."""
    rows: list[bytearray] = []
    previous = bytearray(stride)
    for y in range(height):
        start = y * (stride + 1)
        kind, row = raw[start], bytearray(raw[start + 1 : start + 1 + stride])
        if kind == 1:  # Sub
            for i in range(bpp, stride):
                row[i] = (row[i] + row[i - bpp]) & 0xFF
        elif kind == 2:  # Up
            row = bytearray((a + b) & 0xFF for a, b in zip(row, previous, strict=True))
        elif kind == 3:  # Average
            for i in range(stride):
                left = row[i - bpp] if i >= bpp else 0
                row[i] = (row[i] + (left + previous[i]) // 2) & 0xFF
        elif kind == 4:  # Paeth
            for i in range(stride):
                a = row[i - bpp] if i >= bpp else 0
                b = previous[i]
                c = previous[i - bpp] if i >= bpp else 0
                p = a + b - c
                pa, pb, pc = abs(p - a), abs(p - b), abs(p - c)
                predictor = a if pa <= pb and pa <= pc else b if pb <= pc else c
                row[i] = (row[i] + predictor) & 0xFF
        else:
            assert kind == 0, f"unknown PNG filter {kind}"
        rows.append(row)
        previous = row
    return rows


def _rgb(colour: str) -> Pixel:
    value = int(colour.lstrip("#"), 16)
    return value >> 16, (value >> 8) & 0xFF, value & 0xFF


def _near(pixel: Pixel, colour: str, tolerance: int = 40) -> bool:
    return all(abs(a - b) <= tolerance for a, b in zip(pixel, _rgb(colour), strict=True))


def _chart() -> ChartState:
    return (
        Chart(id="p", patient_id="p")
        .record(
            ChartEntry.of(Tooth(16), "caries", AT, "d", surfaces="MO"),
            ChartEntry.of(Tooth(24), "filling", AT, "d", surfaces="DP"),
            ChartEntry.of(Tooth(27), "sealant", AT, "d", surfaces="O"),
            ChartEntry.of(Tooth(26), "crown", AT, "d"),
            ChartEntry.of(Tooth(46), "missing", AT, "d"),
            ChartEntry.of(Tooth(45), "root_canal", AT, "d"),
        )
        .current()
    )


def _svg() -> str:
    """The sample plan's second variant (root canal and crown on 36, a filling on 16
    MOD) and a regional item, over a chart with every kind of surface condition."""
    plan = a_treatment_plan(id="plan-1")
    plan = plan.add_item("v2", a_plan_item("plan-1-9", "PCR", "mouth"), AT, "d")
    return render_odontogram(_chart(), plan.variant("v2"), title="Lower left molar")


def _centre(svg: str, fdi: int, surface: str) -> tuple[int, int]:
    """Where a tooth's surface is drawn: the middle of its polygon, in CSS pixels."""
    polygon = ET.fromstring(svg).find(
        f".//svg:g[@id='tooth-{fdi}']/svg:polygon[@data-surface='{surface}']", NS
    )
    assert polygon is not None
    points = [tuple(map(float, p.split(","))) for p in str(polygon.get("points")).split()]
    return (
        round(sum(x for x, _ in points) / len(points)),
        round(sum(y for _, y in points) / len(points)),
    )


def _chromium() -> str:
    found = shutil.which("chromium")
    if found is None:
        if _IN_CI:
            pytest.fail("CI=true but chromium is not installed: the browser test must run")
        pytest.skip("no chromium: install Debian's chromium package")
    return found


def _screenshot(chromium: str, page: Path, work: Path) -> Path:
    out = work / "out.png"
    command = [
        chromium,
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-quic",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--hide-scrollbars",
        "--force-device-scale-factor=1",
        f"--user-data-dir={work / 'profile'}",
        f"--window-size={WIDTH},{HEIGHT}",
        f"--screenshot={out}",
        page.as_uri(),
    ]
    # Its own session, so that a hung browser and all its child processes can be stopped.
    process = subprocess.Popen(
        command,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        env={**os.environ, "HOME": str(work)},
        start_new_session=True,
    )
    try:
        output, _ = process.communicate(timeout=TIMEOUT)
    except subprocess.TimeoutExpired:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGKILL)
        process.communicate()
        pytest.fail(f"chromium did not finish within {TIMEOUT} s")
    log = output.decode(errors="replace")[-2000:]
    assert process.returncode == 0, f"chromium exited with {process.returncode}:\n{log}"
    assert out.is_file(), f"chromium wrote no screenshot:\n{log}"
    return out


def test_den10_headless_chromium_draws_the_odontogram(tmp_path: Path) -> None:
    chromium = _chromium()
    svg = _svg()
    page = tmp_path / "odontogram.html"
    page.write_text(
        "<!DOCTYPE html>\n<html><head><meta charset='utf-8'><title>Odontogram</title>"
        "<style>html, body { margin: 0; background: #ffffff; } svg { display: block; }"
        f"</style></head><body>{svg}</body></html>\n",
        encoding="utf-8",
    )

    png = Png(_screenshot(chromium, page, tmp_path).read_bytes())

    assert (png.width, png.height) == (WIDTH, HEIGHT)
    pixels = png.pixels()
    colours = set(pixels)
    assert len(colours) >= 20, f"only {len(colours)} colours: the page looks blank"
    svg_root = ET.fromstring(svg)
    drawn_width, drawn_height = int(svg_root.get("width", 0)), int(svg_root.get("height", 0))
    drawn = [png.pixel(x, y) for y in range(drawn_height) for x in range(drawn_width)]
    inked = sum(1 for p in drawn if p != (255, 255, 255)) / len(drawn)
    assert inked >= 0.05, f"only {inked:.1%} of the odontogram is not white"
    for colour in ("caries", "filling", "sealant", "planned", "mark"):
        assert any(_near(p, COLOURS[colour], 10) for p in colours), f"no {colour} colour"

    background = png.pixel(WIDTH - 5, HEIGHT - 5)
    assert _near(background, "#ffffff", 0)
    for fdi, surface, condition in (
        (16, "O", "caries"),
        (16, "M", "caries"),
        (24, "P", "filling"),
        (27, "O", "sealant"),
    ):
        pixel = png.pixel(*_centre(svg, fdi, surface))
        assert pixel != background, f"nothing drawn on {fdi} {surface}"
        assert _near(pixel, COLOURS[condition]), f"{fdi} {surface} is {pixel}, not {condition}"
    sound = png.pixel(*_centre(svg, 11, "I"))
    assert _near(sound, COLOURS["sound"], 0), f"the sound 11 I is {sound}"
