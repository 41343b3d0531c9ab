"""Contract suites: one abstract pytest class per port, for any implementation of it.

Subclass each contract once, in a module named ``test_*.py``, name the subclass
``Test...`` and provide the fixture the contract's docstring names; pytest then runs every
check against your adapter. Share the fixture through a small mixin; do not combine two
repository contracts in one class (they define the same hooks). clinicore runs the same
suites against its own memory, SQLite and PostgreSQL adapters.

Examples:
    ```python
    import pytest
    from clinicore.testing.contracts import PatientRepositoryContract, UnitOfWorkContract


    class MyStore:
        @pytest.fixture
        def uow_factory(self):
            return MyUnitOfWorkFactory(...)


    class TestMyUnitOfWork(MyStore, UnitOfWorkContract):
        pass


    class TestMyPatients(MyStore, PatientRepositoryContract):
        pass
    ```

"""

from clinicore.testing.contracts.authorization import AuthorizationPolicyContract
from clinicore.testing.contracts.billing import BillingRepositoriesContract
from clinicore.testing.contracts.clock import ClockContract
from clinicore.testing.contracts.dental import (
    DentalChartRepositoryContract,
    TreatmentPlanRepositoryContract,
)
from clinicore.testing.contracts.fee_schedule import FeeScheduleContract
from clinicore.testing.contracts.ids import IdSourceContract
from clinicore.testing.contracts.invoicing import InvoicingProviderContract
from clinicore.testing.contracts.jurisdiction import JurisdictionContract
from clinicore.testing.contracts.notifier import NotifierContract
from clinicore.testing.contracts.payroll import (
    EmployeeRepositoryContract,
    LeaveRepositoryContract,
    PunchRepositoryContract,
    ShiftRepositoryContract,
)
from clinicore.testing.contracts.reminders import (
    RecallRepositoryContract,
    ReminderRepositoryContract,
)
from clinicore.testing.contracts.repositories import (
    PatientRepositoryContract,
    PractitionerRepositoryContract,
    SiteRepositoryContract,
)
from clinicore.testing.contracts.scheduling import (
    AbsenceRepositoryContract,
    AppointmentRepositoryContract,
    AppointmentTypeRepositoryContract,
    ReferralRepositoryContract,
    ResourceRepositoryContract,
    WaitlistRepositoryContract,
    WorkingPatternRepositoryContract,
)
from clinicore.testing.contracts.stock import StockLedgerContract, StockRepositoriesContract
from clinicore.testing.contracts.unit_of_work import UnitOfWorkContract

__all__ = [
    "AbsenceRepositoryContract",
    "AppointmentRepositoryContract",
    "AppointmentTypeRepositoryContract",
    "AuthorizationPolicyContract",
    "BillingRepositoriesContract",
    "ClockContract",
    "DentalChartRepositoryContract",
    "EmployeeRepositoryContract",
    "FeeScheduleContract",
    "IdSourceContract",
    "InvoicingProviderContract",
    "JurisdictionContract",
    "LeaveRepositoryContract",
    "NotifierContract",
    "PatientRepositoryContract",
    "PractitionerRepositoryContract",
    "PunchRepositoryContract",
    "RecallRepositoryContract",
    "ReferralRepositoryContract",
    "ReminderRepositoryContract",
    "ResourceRepositoryContract",
    "ShiftRepositoryContract",
    "SiteRepositoryContract",
    "StockLedgerContract",
    "StockRepositoriesContract",
    "TreatmentPlanRepositoryContract",
    "UnitOfWorkContract",
    "WaitlistRepositoryContract",
    "WorkingPatternRepositoryContract",
]
