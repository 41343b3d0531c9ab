"""clinicore: the back-office domain logic of medical and dental practices, as a library.

``import clinicore`` loads nothing but this module: import what you need from its modules.

* core: [`clinicore.errors`][clinicore.errors], [`clinicore.money`][clinicore.money],
  [`clinicore.clock`][clinicore.clock], [`clinicore.intervals`][clinicore.intervals],
  [`clinicore.ids`][clinicore.ids], [`clinicore.zones`][clinicore.zones]
* shared entities: [`clinicore.sites`][clinicore.sites],
  [`clinicore.patients`][clinicore.patients], [`clinicore.practitioners`][clinicore.practitioners]
* the host's checklist: [`clinicore.ports`][clinicore.ports]
* wiring: [`clinicore.bootstrap`][clinicore.bootstrap]
"""

__version__ = "0.1.0.dev0"

__all__ = ["__version__"]
