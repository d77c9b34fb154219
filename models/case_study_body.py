"""The shape of a case study's body (see ``models.record_bodies`` for reading and writing).

A case study, in its seven sections::

    {"context": str,                  # 1. the school in words; the phase, size, free-school-
                                      #    meals and region bands are added at publication
     "group_id": "1".."6",            # 2. the priority group the school started in
     "group_name": str,               #    ... and its name, so no page needs to look it up
     "barriers": [slugs],             # 3. tags from the barrier taxonomy
     "barrier_narrative": str,        #    ... and the story behind them
     "what_needed_to_change": str,    # 4. the school's own issues
     "actions": [{"text": str, "standards": [standard ids]}],   # 5. at least one, at most 6
     "impact": {"measures": [{"measure": str, "before": str, "after": str}],  # 6. at most 5
                "narrative": str},
     "offer": str,                    # 7. what the school can now offer others
     "offer_standards": [standard ids],
     "standards": [standard ids]}     # every action's standards and the offer's, in toolkit
                                      # order
"""

from __future__ import annotations

from dataclasses import dataclass, field

from models.body_parts import Part as _Part
from models.body_parts import ids as _ids


@dataclass(frozen=True)
class Action(_Part):
    """One thing the school did, with the standards it addresses."""

    text: str = ""
    standards: tuple[str, ...] = _ids()


@dataclass(frozen=True)
class Measure(_Part):
    """One measured outcome, before and after."""

    measure: str = ""
    before: str = ""
    after: str = ""


@dataclass(frozen=True)
class Impact(_Part):
    """The measured outcomes and the impact in words."""

    measures: tuple[Measure, ...] = _ids()
    narrative: str = ""


@dataclass(frozen=True)
class CaseStudyBody(_Part):
    """A case study's seven sections (see the module docstring)."""

    context: str = ""
    group_id: str = ""
    group_name: str = ""
    barriers: tuple[str, ...] = _ids()
    barrier_narrative: str = ""
    what_needed_to_change: str = ""
    actions: tuple[Action, ...] = _ids()
    impact: Impact = field(default_factory=Impact)
    offer: str = ""
    offer_standards: tuple[str, ...] = _ids()
    standards: tuple[str, ...] = _ids()

    def barrier_texts(self) -> list[str]:
        """What the authors wrote about the barriers."""
        return [self.barrier_narrative]

    def action_texts(self) -> list[str]:
        """What the school did."""
        return [action.text for action in self.actions]

    def impact_texts(self) -> list[str]:
        """The measures (measure, before, after) and the impact in words."""
        return [text for _, text in self.impact.texts()]
