"""What the pages of a case study's steps need: each step's form, filled from the working
copy (or from what was typed before a sign-out), its choices, and the sections a conflict
shows side by side."""

from types import SimpleNamespace

from flask_login import current_user

from models.case_study_body import CaseStudyBody
from network.services import case_study_steps as steps
from network.services import evaluations, profiles, schools
from network.web.forms.case_studies import ContextForm, PublicationForm
from network.web.forms.case_study_steps import (
    ActionsForm,
    GroupsForm,
    ImpactForm,
    NextStepsForm,
    SupportForm,
    with_solutions,
)

FORMS = {"context": ContextForm, "groups": GroupsForm, "barriers": None,
         "actions": ActionsForm, "support": SupportForm, "impact": ImpactForm,
         "next-steps": NextStepsForm, "publication": PublicationForm}
# The sections (``case_studies/_macros.html`` section keys) each step's conflict view shows.
SECTIONS = {
    "context": [("title", "Title"), ("context", "Context")],
    "groups": [("group", "Priority group at the start"),
               ("end_group", "Priority group at the end"), ("timeline", "Timeline")],
    "barriers": [("barriers", "Barriers and what solved them")],
    "actions": [("what_needed_to_change", "What needed to change"),
                ("actions", "What was done")],
    "support": [("support", "Support received")],
    "impact": [("impact", "Impact")],
    "next-steps": [("next_steps", "Next steps"), ("risks", "Risks"),
                   ("offer", "What we can offer")],
    "publication": [("title", "Title")],
}


def choices_for(record, step: str) -> SimpleNamespace:
    """The reference data a step offers: groups, barriers, standards, colleagues, partners."""
    found = SimpleNamespace(groups=[], barriers=[], elements=[], standard_order=[],
                            colleagues=[], partners=[])
    if step == "groups":
        found.groups = profiles.groups()
    if step == "barriers":
        found.barriers = profiles.barrier_taxonomy()
    if step in ("actions", "next-steps"):
        found.elements = evaluations.elements()
        found.standard_order = [s.id for e in found.elements for s in e.standards]
    if step == "publication":
        found.colleagues = [p for p in schools.colleagues(current_user, record.school_id)
                            if p.id != record.author_id and p.is_active]
    if step == "support":
        found.partners = steps.partner_schools(current_user, record.school_id)
    return found


def _when(value: str) -> dict:
    year, _, month = value.partition("-")
    return {"year": year, "month": month}


def initial_data(step: str, record) -> dict:
    """A step's part of the saved working copy, shaped for its form."""
    body = CaseStudyBody.read(record.body)
    if step == "context":
        return {"title": record.title, "context": body.context}
    if step == "groups":
        start, end = steps.suggested_groups(record)
        return {"group_id": start, "end_group_id": end,
                "timeline": [{**_when(s.when), "what": s.what} for s in body.timeline]}
    if step == "barriers":
        taxonomy = [b.slug for b in profiles.barrier_taxonomy()]
        solved = {f"solution_{taxonomy.index(s.barrier)}": s.solution
                  for s in body.barrier_solutions if s.barrier in taxonomy}
        return {"barriers": list(body.barriers), "barrier_narrative": body.barrier_narrative,
                **solved}
    if step == "actions":
        return {"what_needed_to_change": body.what_needed_to_change}
    if step == "support":
        return {"support": [{"kind": s.kind, "details": s.description,
                             "school_id": str(s.school_id or "")} for s in body.support]}
    if step == "impact":
        return {"measures": [m.to_json() for m in body.impact.measures],
                "impact_narrative": body.impact.narrative}
    if step == "next-steps":
        return {"next_steps": body.next_steps, "risks": body.risks, "offer": body.offer,
                "offer_standards": list(body.offer_standards)}
    return {"coauthor_ids": [str(c.user_id) for c in record.coauthors],
            "audience": record.audience or "cluster", "attributed": bool(record.attributed)}


def form_for(step: str, record, restored=None):
    """The step's form: what was posted, else what was typed before a sign-out, else the
    saved working copy; with its choices offered."""
    form_class = FORMS[step]
    if step == "barriers":
        form_class = with_solutions([b.slug for b in profiles.barrier_taxonomy()])
    data = {"version": record.version, **initial_data(step, record)}
    form = form_class(formdata=restored, data=data) if restored is not None \
        else form_class(data=data)
    form.choices = choices_for(record, step)
    form.prepare(form.choices)
    return form
