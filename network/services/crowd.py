"""The crowd an anonymous record's school hides in: schools on the platform, not in England.

A motivated intruder has an account in some cluster, knows which schools are on the platform,
reads the public register and every network profile (a school's priority group history among
them), and knows how contexts are widened. So a record's context is worked out the same way
for every school on the platform at once:

1. each school is described by its bands (phase, region, size, free school meals);
2. schools whose exact bands are shared by enough others keep them; the rest are described
   again with the region widened to England, then the free-school-meals band, then the size
   band, then the phase ("a school"), each time only among the schools still left over;
3. a description is kept when the schools it covers, less the most that any one cluster holds
   (a reader knows their own cluster's schools), number at least MIN_SHARING.

Because every school's description follows from public facts by one rule, seeing that a
context was widened tells a reader nothing more than the context itself. A case study also
shows the priority group its school started in: a school whose network profile shows a group
history without that group is not in that case study's crowd. A school left over at the end
cannot publish anonymously to the network.
"""

from collections import Counter, defaultdict
from dataclasses import dataclass

from sqlalchemy import select

from models import GroupMembership, RegisterSchool, School, SchoolProfile
from network.domain import anonymity
from network.extensions import db

MIN_SHARING = 10
ENGLAND, ANY = "England", "Any"
# What each step widens, and the description it gives (phase, region, size, fsm).
STEPS = (
    ((), lambda b: b),
    (("region",), lambda b: (b[0], ENGLAND, b[2], b[3])),
    (("region", "fsm"), lambda b: (b[0], ENGLAND, b[2], ANY)),
    (("region", "fsm", "size"), lambda b: (b[0], ENGLAND, ANY, ANY)),
    (("region", "fsm", "size", "phase"), lambda b: (ANY, ENGLAND, ANY, ANY)),
)


@dataclass(frozen=True)
class Member:
    """A school on the platform as an outsider sees it."""

    school_id: int
    cluster_id: int
    bands: tuple[str, str, str, str]      # phase, region, size, fsm
    groups: frozenset[int] | None         # group history on a network profile, else None


@dataclass(frozen=True)
class Placement:
    """How a school's context reads, what was widened, and how many schools it hides among
    (outside whichever cluster holds most of them)."""

    phase: str
    region: str
    size: str
    fsm: str
    widened: tuple[str, ...]
    sharing: int

    def context(self) -> dict:
        """The context as it is stored on a published record and shown to readers."""
        return {"phase": self.phase, "region": self.region, "size": self.size,
                "fsm": self.fsm, "widened": list(self.widened)}


def members() -> list[Member]:
    """Every school on the platform, with the bands and group history outsiders can see."""
    rows = db.session.execute(select(
        School.id, School.cluster_id, RegisterSchool.phase, RegisterSchool.region,
        RegisterSchool.number_on_roll, RegisterSchool.pct_fsm_ever6,
        RegisterSchool.pct_fsm_current, SchoolProfile.visibility)
        .join(RegisterSchool, RegisterSchool.urn == School.urn)
        .outerjoin(SchoolProfile, SchoolProfile.school_id == School.id)).all()
    history: dict[int, set[int]] = defaultdict(set)
    for school_id, group_id in db.session.execute(
            select(GroupMembership.school_id, GroupMembership.group_id)):
        history[school_id].add(group_id)
    found = []
    for school_id, cluster_id, phase, region, roll, ever6, current, visibility in rows:
        fsm = ever6 if ever6 is not None else current
        bands = (phase or "Not known", region or "Not known", anonymity.size_band(roll),
                 anonymity.fsm_band(fsm))
        shown = frozenset(history[school_id]) if visibility == "network" and \
            history.get(school_id) else None
        found.append(Member(school_id, cluster_id, bands, shown))
    return found


def _crowd(group: list[Member]) -> int:
    return len(group) - max(Counter(m.cluster_id for m in group).values())


def place(population: list[Member]) -> dict[int, Placement]:
    """Each school's description by the one public rule (see the module's docstring); schools
    that no description hides well enough are missing from the answer."""
    placed: dict[int, Placement] = {}
    remaining = population
    for widened, describe in STEPS:
        groups: dict[tuple, list[Member]] = defaultdict(list)
        for member in remaining:
            groups[describe(member.bands)].append(member)
        remaining = []
        for description, group in groups.items():
            sharing = _crowd(group)
            if sharing >= MIN_SHARING:
                placement = Placement(*description, widened=widened, sharing=sharing)
                placed.update((m.school_id, placement) for m in group)
            else:
                remaining.extend(group)
    return placed


def fits_group(member: Member, group_id: int | None) -> bool:
    """Whether a reader could think this school started a case study in `group_id`."""
    return group_id is None or member.groups is None or group_id in member.groups


class Crowds:
    """Placements for every record group, worked out once from one reading of the platform."""

    def __init__(self, population: list[Member] | None = None):
        self.population = members() if population is None else population
        self._by_group: dict[int | None, dict[int, Placement]] = {}
        self._described: dict[int | None, dict[tuple, Placement]] = {}
        self._schools = {m.school_id: m for m in self.population}

    def _placed(self, group_id: int | None) -> dict[int, Placement]:
        if group_id not in self._by_group:
            placed = place([m for m in self.population if fits_group(m, group_id)])
            self._by_group[group_id] = placed
            self._described[group_id] = {(p.phase, p.region, p.size, p.fsm): p
                                         for p in placed.values()}
        return self._by_group[group_id]

    def placement(self, school_id: int, group_id: int | None = None) -> Placement | None:
        """Where the school stands for a record that shows `group_id` (None: no group shown);
        None when it cannot be hidden among enough schools."""
        found = self._placed(group_id).get(school_id)
        author = self._schools.get(school_id)
        if found is None and author is not None and not fits_group(author, group_id):
            # The author's own profile does not list the group it started in, so a reader
            # rules the author out anyway: describe it as the first description of its bands
            # that hides enough schools of that group.
            described = self._described[group_id]
            found = next((described[key] for key in (describe(author.bands)
                                                     for _, describe in STEPS)
                          if key in described), None)
        return found


def record_group(body: dict | None) -> int | None:
    """The priority group a record shows readers (a case study's starting group)."""
    value = (body or {}).get("group_id")
    try:
        return int(value) if value not in (None, "") else None
    except (TypeError, ValueError):
        return None


WIDEST = {"phase": ANY, "region": ENGLAND, "size": ANY, "fsm": ANY,
          "widened": ["region", "fsm", "size", "phase"]}
