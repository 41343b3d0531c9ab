"""The simulated clinic behind ``clinicore demo``: seed data and a printed report.

Each module of clinicore adds its part of the story here. The run is deterministic: a
fixed clock, sequential ids and fixed data, so two runs print the same report; running it
again on the same database reuses what is already there.
"""

from clinicore.demo.run import DEFAULT_START, run_demo

__all__ = ["DEFAULT_START", "run_demo"]
