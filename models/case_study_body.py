"""The shape of a case study's body (see ``models.record_bodies`` for reading and writing).

A case study, in its seven sections::

    {"context": str,                  # 1. the school in words; the phase, size, free-school-
                                      #    meals and region bands are added at publication
     "group_id": "1".."6",            # 2. the priority group the school started in
     "group_name": str,               #    ... and its name, so no page needs to look it up
     "barriers": [slugs],             # 3. tags from the barrier taxonomy
     "barrier_narrative": str,        #    ... and the story behind them
     "what_needed_to_change": str,    # 4. the school's own issues
     "actions": [{"text": str, "standards": [standard ids]}],   # 5. any number up to 30
     "impact": {"measures": [{"measure": str, "before": str, "after": str}],  # 6. at most 5
                "narrative": str},
     "offer": str,                    # 7. what the school can now offer others
     "offer_standards": [standard ids],
     "standards": [standard ids],     # every action's standards and the offer's, in toolkit
                                      # order
     # What real case studies also carry (any of them may be missing in older bodies):
     "end_group_id": "1".."6", "end_group_name": str,   # the group at the end of the work
     "barrier_solutions": [{"barrier": slug, "solution": str}],  # what solved each barrier
     "timeline": [{"when": "YYYY" | "YYYY-MM", "what": str}],     # in date order
     "support": [{"kind": "programme" | "local_authority" | "partner" | "other",
                  "description": str,
                  "school_id": int}],  # a partner school on the platform (kind "partner"):
                                       # for the school's own people only, 0 when published
     "next_steps": str, "risks": str}
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace

from models.body_parts import Part as _Part
from models.body_parts import ids as _ids

MAX_ACTIONS = 30
MAX_ENTRIES = 30  # timeline steps, support received, measures, barrier solutions
SUPPORT_KINDS = {"programme": "An improvement programme",
                 "local_authority": "The local authority",
                 "partner": "A partner school on the platform",
                 "other": "Other support"}
WHEN = re.compile(r"^\d{4}(-(0[1-9]|1[0-2]))?$")


def _at_most(limit: int):
    """A list of at most `limit` entries (a bound against abuse, far above real use)."""
    return field(default_factory=tuple, metadata={
        "check": lambda value: len(value) <= limit,
        "problem": f"must have {limit} entries or fewer"})


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

    measures: tuple[Measure, ...] = _at_most(MAX_ENTRIES)
    narrative: str = ""


@dataclass(frozen=True)
class BarrierSolution(_Part):
    """A barrier (a slug from the record's barriers) and what solved it, in words."""

    barrier: str = ""
    solution: str = ""


@dataclass(frozen=True)
class TimelineStep(_Part):
    """A dated step of the work: a year ("2019") or a month ("2019-09"), and what happened."""

    when: str = field(default="", metadata={
        "check": lambda value: not value or WHEN.match(value) is not None,
        "problem": "must be a year, or a year and month such as 2019-09"})
    what: str = ""


@dataclass(frozen=True)
class Support(_Part):
    """Support the school received. `school_id` names a partner school on the platform for
    the school's own people; it is never published (see ``published``)."""

    kind: str = field(default="other", metadata={
        "check": lambda value: value in SUPPORT_KINDS,
        "problem": f"must be one of {', '.join(SUPPORT_KINDS)}"})
    description: str = ""
    school_id: int = 0


@dataclass(frozen=True)
class CaseStudyBody(_Part):
    """A case study's seven sections (see the module docstring)."""

    context: str = ""
    group_id: str = ""
    group_name: str = ""
    barriers: tuple[str, ...] = _ids()
    barrier_narrative: str = ""
    what_needed_to_change: str = ""
    actions: tuple[Action, ...] = _at_most(MAX_ACTIONS)
    impact: Impact = field(default_factory=Impact)
    offer: str = ""
    offer_standards: tuple[str, ...] = _ids()
    standards: tuple[str, ...] = _ids()
    end_group_id: str = ""
    end_group_name: str = ""
    barrier_solutions: tuple[BarrierSolution, ...] = _at_most(MAX_ENTRIES)
    timeline: tuple[TimelineStep, ...] = _at_most(MAX_ENTRIES)
    support: tuple[Support, ...] = _at_most(MAX_ENTRIES)
    next_steps: str = ""
    risks: str = ""

    def published(self) -> CaseStudyBody:
        """The body as it may leave the school: a partner school reads only as "a partner
        school on the platform", never which one."""
        return replace(self, support=tuple(replace(s, school_id=0) for s in self.support))

    def start_date(self) -> str:
        """When the work began, as the timeline's first step says ("" if it does not)."""
        dated = sorted(step.when for step in self.timeline if step.when)
        return dated[0] if dated else ""

    def solution_for(self, slug: str) -> str:
        """What the authors say solved the barrier `slug` ("" if nothing yet)."""
        return next((s.solution for s in self.barrier_solutions if s.barrier == slug), "")

    def barrier_texts(self) -> list[str]:
        """What the authors wrote about the barriers and what solved them."""
        return [self.barrier_narrative, *(s.solution for s in self.barrier_solutions)]

    def action_texts(self) -> list[str]:
        """What the school did, when, and the support it had."""
        return [*(action.text for action in self.actions), *(s.what for s in self.timeline),
                *(s.description for s in self.support)]

    def impact_texts(self) -> list[str]:
        """The measures (measure, before, after), the impact in words, next steps and risks."""
        return [*(text for _, text in self.impact.texts()),
                *(text for text in (self.next_steps, self.risks) if text)]
