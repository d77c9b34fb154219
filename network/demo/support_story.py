"""What the demo's partnerships do, by core element: the work a supporting school offers for a
focus standard in that element, the milestone that shows it is happening, how both schools
will know it worked, and a measure of what it changes for pupils. The demo picks the lines for
a partnership's focus, so activities, milestones and outcomes always match the focus."""

from dataclasses import dataclass


@dataclass(frozen=True)
class Work:
    """One core element's part in a demo partnership."""

    activity: str
    milestone: str
    success: str
    evidence: str
    measure: str
    unit: str
    baseline: float
    midway: float
    final: float


WORK = {
    "CE1": Work(
        activity="The two heads review each other's self-evaluation evidence every half-term "
                 "and agree the three priorities that matter most.",
        milestone="Self-evaluation reviewed together and priorities agreed",
        success="Every priority in the self-evaluation is backed by pupil data and agreed "
                "by governors.",
        evidence="Governors agreed the three priorities at their meeting; each cites the "
                 "tracking data behind it.",
        measure="Pupils reaching the expected standard in reading, writing and mathematics",
        unit="percent", baseline=48, midway=53, final=59),
    "CE2": Work(
        activity="Subject leaders from both schools moderate books together and hold a "
                 "shared pupil progress meeting each half-term.",
        milestone="Joint moderation and a shared pupil progress meeting held",
        success="Teachers' assessments agree with the partner school's at moderation, and "
                "every pupil who stalls has a plan within two weeks.",
        evidence="Moderation of 30 books: judgements agreed in all but two; the progress "
                 "meeting produced plans for every pupil who had stalled.",
        measure="Disadvantaged pupils making expected progress in mathematics",
        unit="percent", baseline=52, midway=58, final=66),
    "CE3": Work(
        activity="The supporting school's deputy works with senior leaders to rewrite the "
                 "improvement plan with termly milestones governors can check.",
        milestone="Improvement plan rewritten with termly milestones",
        success="Each action in the plan has a named lead, a date and the progress pupils "
                "should make by then.",
        evidence="The new plan went to governors with termly milestones; the first were met "
                  "on time.",
        measure="Plan actions completed on time",
        unit="percent", baseline=40, midway=65, final=85),
    "CE4": Work(
        activity="Teachers from both schools plan and observe research lessons together in "
                 "lesson-study triads.",
        milestone="First lesson-study cycle completed by each triad",
        success="Every teacher takes part in a lesson-study cycle and can name what it "
                "changed in their teaching.",
        evidence="Four triads completed a cycle; each wrote up what changed for the next "
                  "lesson.",
        measure="Lessons judged good or better in the school's own monitoring",
        unit="percent", baseline=55, midway=63, final=74),
    "CE5": Work(
        activity="Teachers visit the supporting school's classrooms to see guided reading and "
                 "mathematics teaching, then try it with a coach.",
        milestone="Paired visits and coached lessons in every class",
        success="Guided reading follows the same sequence in every class, and pupils can "
                "explain their reasoning in mathematics.",
        evidence="Every class teacher made two visits and taught a coached lesson; book looks "
                  "show the sequence in use.",
        measure="Year 6 pupils reaching the expected standard in reading",
        unit="percent", baseline=61, midway=66, final=72),
    "CE6": Work(
        activity="Middle leaders from both schools carry out joint learning walks and book "
                 "looks, then report what they found to senior leaders.",
        milestone="Joint learning walks and book looks carried out",
        success="Middle leaders report on their subject each term with evidence, and senior "
                "leaders act on what they report.",
        evidence="Learning walks in English and mathematics; the reports led to two changes "
                  "in how homework is set.",
        measure="Pupils persistently absent",
        unit="percent", baseline=14, midway=11, final=9),
}


def work_for(standards: list[str]) -> list[Work]:
    """The demo work for a focus, one line per core element it touches, in focus order."""
    elements = list(dict.fromkeys(s[:3] for s in standards))
    return [WORK[e] for e in elements if e in WORK]
