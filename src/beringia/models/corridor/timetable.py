"""A timetable that follows demand: the tunnel's container trains sized to the boxes carried."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np

from beringia.models.corridor.plan import DAYS_PER_YEAR, CorridorPlan
from beringia.models.corridor.results import CorridorAssessment
from beringia.scenario.model import Scenario
from beringia.scenario.operations import Traffic

MAX_TRAINS_PER_DAY = 1000
"""The scenario's bound on a timetable row (``operations.traffic.trains_per_day``)."""


@dataclass(frozen=True)
class DemandTimetable:
    """The trains a day each way that carry the median boxes (loaded and empty).

    Attributes
    ----------
    train : str
        The tunnel's container train type.
    teu_per_train : float
        Its boxes, TEU.
    teu_per_year : dict
        P50 of the TEU carried a year each way, loaded and empty.
    trains_per_day : dict
        Unrounded trains a day each way (TEU / TEU per train / 365).
    timetabled : dict
        The whole trains a day each way the timetable runs (rounded to the nearest).
    """

    train: str
    teu_per_train: float
    teu_per_year: dict[str, float]
    trains_per_day: dict[str, float]
    timetabled: dict[str, int]

    def to_dict(self) -> dict[str, Any]:
        """Return the ``operations.timetable`` JSON block."""
        return {
            "follows": "demand",
            "basis": "P50 of the TEU carried a year each way (loaded and empty) / TEU per "
            "train / 365, rounded to whole trains; other freight types are folded into the "
            "tunnel's container train; passenger trains keep the scenario's timetable",
            "train": self.train,
            "teu_per_train": self.teu_per_train,
            "teu_per_year": self.teu_per_year,
            "trains_per_day": self.trains_per_day,
            "timetabled_trains_per_day": self.timetabled,
        }


def demand_timetable(plan: CorridorPlan, corridor: CorridorAssessment) -> DemandTimetable:
    """Size the tunnel's container trains to the median boxes carried each way.

    Parameters
    ----------
    plan : CorridorPlan
        The corridor's plan (its tunnel train and TEU per train).
    corridor : CorridorAssessment
        Carried and empty TEU a year each way, per draw.
    """
    teu: dict[str, float] = {}
    per_day: dict[str, float] = {}
    whole: dict[str, int] = {}
    for d, carried in corridor.carried_teu_per_year.items():
        boxes = float(np.median(carried + corridor.empty_teu_per_year[d]))
        teu[d] = boxes
        per_day[d] = boxes / plan.teu_per_train / DAYS_PER_YEAR
        whole[d] = min(MAX_TRAINS_PER_DAY, round(per_day[d]))
    return DemandTimetable(plan.tunnel_train, plan.teu_per_train, teu, per_day, whole)


def with_timetable(
    scenario: Scenario, timetable: DemandTimetable, teu_per_train: Mapping[str, float]
) -> Scenario:
    """Return the scenario with its freight timetable replaced by ``timetable``.

    The tunnel's container train runs ``timetable.timetabled`` trains a day each way; other
    types that carry boxes (``teu_per_train`` > 0) run none, their boxes being counted in the
    demand the container train carries; types without boxes (passenger) are kept.
    """
    ops = scenario.operations
    if ops is None:
        return scenario
    east, west = timetable.timetabled["eastbound"], timetable.timetabled["westbound"]
    note = (
        f"follows demand: P50 {timetable.teu_per_year['eastbound']:,.0f} TEU eastbound and "
        f"{timetable.teu_per_year['westbound']:,.0f} westbound a year (loaded and empty) / "
        f"{timetable.teu_per_train:g} TEU a train / 365"
    )
    rows: list[Traffic] = []
    seen = False
    for t in ops.traffic:
        if t.train == timetable.train:
            seen = True
            rows.append(
                t.model_copy(
                    update={
                        "trains_per_day": east,
                        "westbound_trains_per_day": None if west == east else west,
                        "source": note,
                        "note": "",
                        "assumed": False,
                        "unverified": False,
                    }
                )
            )
        elif teu_per_train.get(t.train, 0.0) > 0:
            rows.append(
                t.model_copy(update={"trains_per_day": 0, "westbound_trains_per_day": None})
            )
        else:
            rows.append(t)
    if not seen:
        first = next((t for t in ops.traffic if teu_per_train.get(t.train, 0.0) > 0), None)
        delay = 15.0 if first is None else first.entry_delay_mean_min
        rows.append(
            Traffic(
                train=timetable.train,
                trains_per_day=east,
                westbound_trains_per_day=None if west == east else west,
                entry_delay_mean_min=delay,
                source=note,
            )
        )
    return scenario.model_copy(update={"operations": ops.model_copy(update={"traffic": rows})})
