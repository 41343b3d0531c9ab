"""The dental repository contracts against memory, SQLite and PostgreSQL (DEN-11)."""

from __future__ import annotations

from clinicore.testing.contracts import (
    DentalChartRepositoryContract,
    TreatmentPlanRepositoryContract,
)


class TestDentalChartRepository(DentalChartRepositoryContract):
    pass


class TestTreatmentPlanRepository(TreatmentPlanRepositoryContract):
    pass
