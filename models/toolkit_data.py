"""The toolkit's reference data, in our own words: priority groups, core elements with
their lettered standards, and the barrier taxonomy. Identifiers never change."""

PRIORITY_GROUPS = [
    (1, "raise-attainment", "Raise attainment",
     "Under the floor target: fewer than 55% of pupils reach the expected level in English "
     "and mathematics together, or Ofsted has put the school in a category (special measures "
     "or a notice to improve)."),
    (2, "build-on-improvement", "Build on improvement",
     "Results are rising; the work is to gain further and make the gains stick."),
    (3, "maximise-progress", "Maximise progress",
     "Attainment can look fine, but progress in English and mathematics is slow or uneven "
     "between classes and year groups."),
    (4, "improve-consistency", "Improve consistency",
     "Results swing from one year to the next, often in small or recently merged schools."),
    (5, "good-to-great", "Good to great",
     "A good school with the capacity to become outstanding and start supporting others."),
    (6, "lead-improvement-locally", "Lead improvement locally",
     "An outstanding school that supports other schools through system leadership."),
]

RATINGS = {
    1: "Strong, with proven impact: could be shared with others",
    2: "Developing: not yet embedded, needs maintaining",
    3: "Needs some improvement: action needed",
    4: "Needs significant development: urgent action needed",
}

CORE_ELEMENTS = [
    ("CE1", "Self-evaluation through the improvement cycle",
     "Knowing the school well enough to choose the right priorities and act on them.", [
         ("A", "Strengths and areas to develop",
          "Self-evaluation pins down what the school does well and exactly what it must improve."),
         ("B", "Ambitious targets from all the data",
          "Every source of data the school has is used to set targets that stretch pupils."),
         ("C", "One shared picture of priorities",
          "Leaders give everyone involved the same overview of what matters most."),
         ("D", "Capacity that lasts",
          "Improvement work leaves the school stronger, not just the current results."),
         ("E", "Evaluation that drives action",
          "Evaluation never stops and leads to focused action shaped by pupils, families and "
          "the community."),
     ]),
    ("CE2", "Tracking pupil progress, whole-school and in class",
     "Knowing where every pupil is, and acting when progress stalls.", [
         ("A", "Tracking steers improvement",
          "Leaders use termly tracking to map attainment and progress, spot pupils falling "
          "behind, plan interventions such as one-to-one tuition, and set targets."),
         ("B", "Expectations and gaps by group",
          "Each pupil's end-of-year expectation builds on prior attainment and national "
          "expectations; results are compared by gender, ethnicity and free school meals to "
          "close gaps."),
         ("C", "Every adult spots pupils who stall",
          "All staff know what age-related expectations and good progress across a key stage "
          "look like; teachers assess accurately at regular points; and every adult notices "
          "pupils who are falling behind, moving slowly or stuck, and plans support that helps "
          "them catch up quickly."),
         ("D", "Each child tracked to their year-end goal",
          "Leaders and staff follow every child's progress towards their expectation for the "
          "year. Each term the checked tracking results are analysed and acted on, and pupils "
          "who are behind, with what the school is doing for them, are discussed by leaders, "
          "governors and key-stage or year-group teams."),
         ("E", "Teaching adjusts to tracking",
          "Teachers change what they do in class in response to each pupil's termly data."),
         ("F", "Progress talked through with pupils and families",
          "Teachers discuss progress and next steps with pupils and with parents or carers."),
     ]),
    ("CE3", "One improvement plan",
     "A single plan for raising attainment that everyone, inside and outside, works to.", [
         ("A", "One set of priorities",
          "The plan points the school and any outside support at the same priorities."),
         ("B", "Termly outcomes for progress",
          "The plan says what pupil progress is expected each term."),
         ("C", "Success criteria and reviewed milestones",
          "The plan has measures of success and termly milestones that are checked."),
         ("D", "Named accountability",
          "The plan names who answers for each action and checks actions happen on time."),
         ("E", "A sense of urgency",
          "The plan makes improvement feel pressing for everyone."),
     ]),
    ("CE4", "Whole-school professional development",
     "Training and collaboration aimed squarely at better everyday teaching.", [
         ("A", "Better everyday teaching",
          "Planned professional development aims at the quality of teaching in every lesson."),
         ("B", "Priorities, training and objectives linked",
          "School priorities, professional development and performance objectives line up."),
         ("C", "Time to practise together",
          "Staff have time and resources to try things out and learn from each other."),
         ("D", "Impact evaluated and shared",
          "Leaders check what training changed and spread what works within and across "
          "schools."),
     ]),
    ("CE5", "The quality of learning and teaching",
     "A relentless, explicit focus on what happens in classrooms.", [
         ("A", "Sequences planned for pupils",
          "Teachers plan runs of lessons that fit their pupils' needs and interests."),
         ("B", "How learning progresses",
          "Teachers know how pupils' learning develops in the core subjects."),
         ("C", "A shared idea of good teaching",
          "Staff agree what effective teaching looks like and use many strategies."),
         ("D", "Pupils know the next step",
          "Pupils know what they are learning and what to do to improve."),
         ("E", "Termly conversations with parents",
          "Every pupil's progress is talked through with parents each term."),
     ]),
    ("CE6", "Monitoring, evaluation and review",
     "Checking what is happening and changing course when it is not working.", [
         ("A", "Monitoring that makes gains last",
          "Planned monitoring secures faster progress for pupils who are stuck, at least good "
          "teaching, a better curriculum and better attitudes."),
         ("B", "Judgements on a range of evidence",
          "Judgements draw on data, progress meetings, observation, work scrutiny and talking "
          "with pupils."),
         ("C", "Evaluation revises the plan",
          "What evaluation finds changes the plan's actions and milestones."),
         ("D", "Progress meetings lead to action",
          "Termly pupil progress meetings end in specific actions."),
         ("E", "Professional accountability",
          "Leaders hold staff to account for the progress of their pupils."),
         ("F", "Findings shared each term",
          "Each term leaders agree findings and share them with staff, governors and the "
          "school improvement partner."),
         ("G", "Pupils in their own learning",
          "Pupil conferencing involves pupils in shaping their own learning."),
     ]),
]

# Questions a school asks itself while rating each core element, in our own words; the
# element's page shows them as guidance.
QUESTIONS = {
    "CE1": ["Does our self-evaluation name what we do well and exactly what we must improve?",
            "Do all our senior leaders see the same priorities?"],
    "CE2": ["Do each child's targets build on what they reached before and on national "
            "expectations?",
            "Does tracking individual pupils every term change what happens in lessons?",
            "Do leaders use the tracking to steer improvement?",
            "Do we know which pupils are in the groups doing less well, and do we expect a lot "
            "of them?"],
    "CE3": ["Does our one plan say what progress pupils should make each term?",
            "Does it name who answers for each part, keep actions on time and make the work "
            "feel urgent?"],
    "CE4": ["Is the training we plan aimed at teaching in everyday lessons?",
            "How do leaders find out what it changed, and share what works?"],
    "CE5": ["Do teachers plan runs of lessons that fit what their pupils need?",
            "Do pupils know what they are learning and what to do next?"],
    "CE6": ["Does our monitoring lead to improvement that lasts?",
            "How are staff held to account for pupils' progress?",
            "Do pupil progress meetings end with specific actions?",
            "How do we agree our priorities?"],
}

BARRIERS = [
    ("tracking-inconsistent", "Pupil progress not tracked, or tracked differently in each class",
     "CE2"),
    ("data-not-used", "Data collected but not used to set targets or judge progress", "CE1 CE2"),
    ("assessment-insecure", "Teacher assessment unreliable, little or no moderation", "CE2"),
    ("groups-not-identified", "Under-performing groups not identified (FSM, SEN, gender, "
     "ethnicity)", "CE2"),
    ("low-expectations", "Low expectations of what pupils can achieve", "CE5"),
    ("weak-subject-knowledge", "Weak subject knowledge among teachers", "CE4 CE5"),
    ("teaching-inconsistent", "Teaching inconsistent or less than good", "CE5 CE6"),
    ("curriculum-fragmented", "Curriculum fragmented or failing to engage pupils", "CE5"),
    ("writing-weak", "Writing weak, or not used across subjects", "CE5"),
    ("low-maths", "Low attainment in mathematics", "CE2 CE5"),
    ("low-english", "Low attainment in English or reading", "CE2 CE5"),
    ("uneven-progress", "Slow or uneven progress across year groups", "CE2 CE6"),
    ("leadership-unclear", "Senior roles unclear; new or unstable leadership team", "CE1 CE6"),
    ("middle-leaders-passive", "Middle leaders hold posts without leading improvement",
     "CE4 CE6"),
    ("low-morale", "Low staff morale or a divided staff", "CE4"),
    ("cpd-unlinked", "Professional development not linked to priorities", "CE4"),
    ("self-evaluation-weak", "Self-evaluation weak; priorities not agreed", "CE1"),
    ("plan-without-milestones", "Improvement plan without milestones or accountability", "CE3"),
    ("monitoring-no-action", "Monitoring does not lead to action", "CE6"),
    ("sen-unfocused", "Special educational needs provision poorly focused", "CE2 CE6"),
    ("behaviour", "Behaviour management unsatisfactory", "CE5 CE6"),
    ("attendance", "Attendance low", "CE6"),
    ("pupils-not-involved", "Pupils not involved in their own learning", "CE5 CE6"),
    ("parents-disengaged", "Parents not engaged in their children's progress", "CE2 CE5"),
    ("small-or-merged", "Small school, or a merger of schools, causing inconsistency", "CE1 CE3"),
]


def standard_ids() -> list[str]:
    """Every standard's identifier in toolkit order: CE1.A ... CE6.G."""
    return [f"{code}.{letter}" for code, _, _, standards in CORE_ELEMENTS
            for letter, _, _ in standards]
