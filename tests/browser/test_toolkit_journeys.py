"""The self-evaluation toolkit's journeys, walked in Chromium: profiles, termly evaluations,
offers and needs, conflicts, the coordinator's overview and a session that ends mid-form.

Every page a journey shows, error and conflict pages included, must pass axe-core.
The test's own database session commits as soon as it has read or written what it needs,
so it never holds a lock the live server needs nor keeps reading an old snapshot.
"""

import re
from datetime import UTC, date, datetime, timedelta
from types import SimpleNamespace

from sqlalchemy import select, update

from models import Rating, SelfEvaluation, UserSession
from network.domain import terms
from network.extensions import db
from network.services.evaluations import all_standard_ids
from network.web.templating import STANDARD_TITLES, standard_name
from tests.browser.conftest import (
    assert_accessible,
    check_error_page,
    check_page,
    click_to_page,
    fill_sign_in,
    key_to_page,
    playwright_or_skip,
    press,
    released,
    tab_to,
    visit,
)
from tests.factories import PASSWORD

expect = playwright_or_skip().expect


def _named(what: str, standard_id: str) -> re.Pattern:
    """A field's accessible name: "Rating for CE1.A Strengths and areas to develop" (the
    code, then the standard's name for screen readers)."""
    return re.compile(rf"^{what} {re.escape(standard_id)} \S")

NEXT_YEAR = date.today().year + 1


# --- The world: a school with its leaders -----------------------------------------------------

def school_with_leaders(make_cluster, make_user, schools: int = 1) -> SimpleNamespace:
    """A cluster whose first school has a headteacher (who coordinates), a senior leader and
    a plain member; returns plain values (ids, emails), released from the test's session."""
    cluster = make_cluster(name="Toolkit Partnership", schools=schools)
    school = cluster.schools[0]
    head = make_user(school, "headteacher", coordinator=True, name="Hana Head",
                     email="hana@example.org")
    senior = make_user(school, "senior_leader", name="Sam Senior", email="sam@example.org")
    member = make_user(school, "member", name="Mo Member", email="mo@example.org")
    return released(SimpleNamespace(
        cluster_id=cluster.id, cluster_name=cluster.name, schools=list(cluster.schools),
        school=school, school_id=school.id, school_name=school.name,
        head=head.email, head_id=head.id, senior=senior.email, member=member.email))


def previous_term() -> tuple[int, str]:
    """The term before the current one."""
    return terms.recent_terms(2)[1]


def ratings_except(prefix: str, rating: int = 2) -> dict[str, int]:
    """Every standard rated `rating`, except those of one core element (left unrated)."""
    return {sid: rating for sid in all_standard_ids() if not sid.startswith(prefix)}


def saved(evaluation_id: int) -> SimpleNamespace:
    """What the database holds for an evaluation now: its version and {standard: Rating}."""
    db.session.commit()  # a fresh read, after the live server's writes
    evaluation = db.session.get(SelfEvaluation, evaluation_id)
    rows = db.session.scalars(select(Rating).where(Rating.evaluation_id == evaluation_id))
    result = SimpleNamespace(version=evaluation.version, status=evaluation.status,
                             ratings={r.standard_id: SimpleNamespace(
                                 rating=r.rating, evidence=r.evidence) for r in rows})
    return released(result)


# --- Helpers: what a person does with a mouse (or a finger) -----------------------------------

def sign_in(page, email: str) -> None:
    """Sign in through the /login form."""
    visit(page, "/login")
    fill_sign_in(page, email, PASSWORD)


def success(page, text: str) -> None:
    """The green notification banner says `text`."""
    expect(page.locator(".govuk-notification-banner--success")).to_contain_text(text)


def follow(page, link: str, exact: bool = True) -> None:
    """Follow the link called `link` and check the page it leads to."""
    with page.expect_navigation():
        page.get_by_role("link", name=link, exact=exact).first.click()
    check_page(page)


def rating_radio(page, standard_id: str, rating: int):
    """The radio button that rates `standard_id` as `rating`."""
    group = page.get_by_role("group", name=_named("Rating for", standard_id))
    return group.locator(f"input[type=radio][value='{rating}']")


def action_field(page, standard_id: str, part: str, slot: int = 1):
    """A field of an action: part is "What will be done", "Who", or "Day"/"Month"/"Year"."""
    name = re.compile(rf"^{re.escape(part if part not in ('Day', 'Month', 'Year') else 'By when')}"
                      rf" \(action {slot}, {re.escape(standard_id)} \S.*\)$")
    if part in ("Day", "Month", "Year"):
        return page.get_by_role("group", name=name).get_by_label(part, exact=True)
    return page.get_by_role("textbox", name=name)


def evidence_field(page, standard_id: str):
    """The evidence box of one standard."""
    return page.get_by_role("textbox", name=_named("Evidence for", standard_id))


def fill_action(page, standard_id: str, what: str, who: str, by_when: date) -> None:
    """Fill in the first action of a standard."""
    action_field(page, standard_id, "What will be done").fill(what)
    action_field(page, standard_id, "Who").fill(who)
    for part, value in zip(("Day", "Month", "Year"),
                           (by_when.day, by_when.month, by_when.year), strict=True):
        action_field(page, standard_id, part).fill(str(value))


def element_path(evaluation_id: int, code: str) -> str:
    """The address of one core element's page."""
    return f"/evaluations/{evaluation_id}/elements/{code}"


# --- Helpers: nothing but keys ----------------------------------------------------------------

def type_into(page, field, text: str) -> None:
    """Tab to `field` and type `text` into it."""
    tab_to(page, field)
    page.keyboard.type(text)


def key_sign_in(page, email: str) -> None:
    """Sign in through the /login form, by keyboard."""
    visit(page, "/login")
    type_into(page, page.get_by_label("Email address"), email)
    type_into(page, page.get_by_label("Password", exact=True), PASSWORD)
    key_to_page(page, "Enter")
    expect(page.get_by_role("button", name="Sign out")).to_be_visible()


def key_follow(page, link) -> None:
    """Tab to the link (a name or a locator) and press Enter."""
    if isinstance(link, str):
        link = page.get_by_role("link", name=link, exact=True)
    tab_to(page, link)
    key_to_page(page, "Enter")


def key_press(page, button: str) -> None:
    """Tab to the button called `button` and press Enter."""
    key_follow(page, page.get_by_role("button", name=button, exact=True))


def key_rate(page, standard_id: str, rating: int) -> None:
    """Tab into the radios of `standard_id` and choose `rating` with the arrow keys (Space on
    the first radio of an unrated group, where Tab lands without choosing anything)."""
    group = page.get_by_role("group", name=_named("Rating for", standard_id))
    handle = group.element_handle()
    for _ in range(250):
        page.keyboard.press("Tab")
        if handle.evaluate("group => group.contains(document.activeElement)"):
            break
    else:
        raise AssertionError(f"Tab never reached the ratings of {standard_id}")
    for _ in range(4):
        value, checked = page.evaluate(
            "() => [Number(document.activeElement.value), document.activeElement.checked]")
        if value == rating:
            if not checked:
                page.keyboard.press("Space")
            break
        page.keyboard.press("ArrowDown" if value < rating else "ArrowUp")
    expect(rating_radio(page, standard_id, rating)).to_be_checked()


def key_action(page, standard_id: str, what: str, who: str, by_when: date) -> None:
    """Type the first action of a standard: what, who and a day-month-year date."""
    type_into(page, action_field(page, standard_id, "What will be done"), what)
    type_into(page, action_field(page, standard_id, "Who"), who)
    for part, value in zip(("Day", "Month", "Year"),
                           (by_when.day, by_when.month, by_when.year), strict=True):
        type_into(page, action_field(page, standard_id, part), str(value))


def add_action_button(page, standard_id: str):
    """The "Add an action" button of one standard (its name ends with the standard's)."""
    return page.get_by_role("button", name=re.compile(
        rf"^Add an action for {re.escape(standard_id)} \S"))


def key_add_action(page, standard_id: str, what: str, who: str, by_when: date) -> None:
    """Press "Add an action" for a standard (which saves the page and comes back with an
    empty action), then type the action."""
    key_follow(page, add_action_button(page, standard_id))
    expect(page).to_have_url(re.compile(rf"#{_slot(standard_id)}-actions-\d+-what$"))
    key_action(page, standard_id, what, who, by_when)


def _slot(standard_id: str) -> str:
    return "std_" + standard_id.split(".")[1]


def key_rate_element(page, code: str, ratings: dict, evidence: dict | None = None,
                     actions: dict | None = None) -> None:
    """On a core element's page: rate and type evidence (in page order), add and type the
    actions, then tab on to "Save and continue" and press it."""
    evidence, actions = evidence or {}, actions or {}
    expect(page.locator(".govuk-caption-l")).to_contain_text(f"core element {code}")
    for sid in sorted(set(ratings) | set(evidence)):
        if sid in ratings:
            key_rate(page, sid, ratings[sid])
        if sid in evidence:
            type_into(page, evidence_field(page, sid), evidence[sid])
    for sid in sorted(actions):
        key_add_action(page, sid, *actions[sid])
    key_press(page, "Save and continue")
    success(page, f"{code} ")


# --- Reading what a page shows ----------------------------------------------------------------

def items_under(page, heading: str):
    """The items of the list just below the heading `heading` (after at most one paragraph)."""
    return page.get_by_role("heading", name=heading, exact=True).locator(
        "xpath=following-sibling::*[position() <= 2][self::ul][1]/li")


def standards_under(page, heading: str) -> list[str]:
    """The standard ids listed under the profile's heading `heading`."""
    return [text.split()[0] for text in items_under(page, heading).all_inner_texts()]


def table_rows(table) -> dict[str, list[str]]:
    """A table's body as {row heading: [cell texts]}."""
    return table.evaluate("""table => Object.fromEntries([...table.tBodies[0].rows].map(
        row => [row.cells[0].innerText.trim(),
                [...row.cells].slice(1).map(cell => cell.innerText.trim())]))""")


# --- 1. A termly self-evaluation, by keyboard -------------------------------------------------

CE1_RATINGS = {"CE1.A": 1, "CE1.B": 1, "CE1.C": 3, "CE1.D": 4, "CE1.E": 2}
LATER_CHANGES = {"CE2": {}, "CE3": {"CE3.A": 1}, "CE4": {"CE4.B": 3}, "CE5": {},
                 "CE6": {"CE6.A": 4}}
LATER_EVIDENCE = {"CE3.A": "Governors and external support work to the same three aims."}
LATER_ACTIONS = {"CE4.B": ("Link each appraisal objective to a priority", "Headteacher")}


def test_headteacher_completes_a_term_by_keyboard(page, make_cluster, make_user,
                                                  make_evaluation):
    """A headteacher who uses no mouse starts this term from last term's final evaluation
    (CE1 unrated, the rest rated 2), rates all of CE1 (with evidence and an action), changes a
    few ratings in CE2..CE6, finalises the term, finds it on the heat map and in its table,
    sees offers (rated 1) and needs (3 or 4) on the profile and shares one strength."""
    world = school_with_leaders(make_cluster, make_user)
    year, term = previous_term()
    make_evaluation(world.school, ratings_except("CE1."), status="final", year=year, term=term)
    expected = {sid: 2 for sid in all_standard_ids()} | CE1_RATINGS
    for changes in LATER_CHANGES.values():
        expected |= changes
    offers = [sid for sid, n in expected.items() if n == 1]
    needs = [sid for sid, n in expected.items() if n >= 3]
    current = released(terms.label(*terms.current_term()))
    by_when = date(NEXT_YEAR, 3, 27)

    key_sign_in(page, world.head)
    key_follow(page, page.get_by_role("link", name=world.school_name).first)  # the dashboard
    expect(page.get_by_role("heading", level=1)).to_have_text(world.school_name)
    key_follow(page, "Self-evaluations")
    expect(page.get_by_role("heading", level=2, name="Start this term's evaluation")
           ).to_be_visible()
    key_press(page, f"Start the {current} evaluation")
    success(page, f"Started from your {released(terms.label(year, term))} evaluation: ratings "
                  "and evidence copied; change what has changed.")

    key_follow(page, page.get_by_role("link", name=re.compile(r"^Rate CE1\b")))
    key_rate_element(page, "CE1", CE1_RATINGS,
                     evidence={"CE1.A": "Moderated books and pupil interviews agree.",
                               "CE1.B": "Targets beat national rates; parents back them."},
                     actions={"CE1.C": ("One-page priorities for all staff", "Headteacher",
                                        by_when),
                              "CE1.D": ("Termly data review with governors", "Deputy head",
                                        by_when)})
    for code, changes in LATER_CHANGES.items():
        key_rate_element(page, code, changes,
                         evidence={k: v for k, v in LATER_EVIDENCE.items() if k in changes},
                         actions={k: (*v, by_when) for k, v in LATER_ACTIONS.items()
                                  if k in changes})

    # Back on the evaluation, with what was typed; finalising is refused: CE6.A, now a 4,
    # has no action. The error summary leads to it, and the problem shows beside it.
    expect(page.get_by_role("heading", level=1)).to_have_text(f"{current} self-evaluation")
    main = page.get_by_role("main")
    expect(main).to_contain_text("Moderated books and pupil interviews agree.")
    expect(main).to_contain_text(f"Termly data review with governors, Deputy head, by 27 March "
                                 f"{NEXT_YEAR}")
    key_press(page, "Finalise this term")
    expect(page.get_by_role("heading", level=1)).to_have_text(
        f"{current} cannot be finalised yet")
    problem = f"{standard_name('CE6.A')} is rated 4: add at least one action, or change the " \
              "rating"
    expect(page.locator(".govuk-error-summary a")).to_have_text([problem])
    key_follow(page, page.get_by_role("link", name=problem))
    expect(page).to_have_url(re.compile(r"/elements/CE6\?check=finalise#std_A-actions$"))
    expect(page.locator("#std_A-actions .govuk-error-message")).to_contain_text(problem)
    key_add_action(page, "CE6.A", "Weekly monitoring walk with the deputy", "Headteacher",
                   by_when)
    key_press(page, "Save and continue")
    success(page, "CE6 ")
    key_press(page, "Finalise this term")
    expect(page.get_by_role("heading", level=1)).to_have_text(
        f"Are you sure you want to finalise {current}?")
    key_press(page, f"Yes, finalise {current}")
    success(page, f"{current} is final.")
    expect(page.locator("main .govuk-tag").first).to_have_text("Final")
    expect(page.get_by_role("button", name="Finalise this term")).to_have_count(0)

    # The school's terms: a heat map, and the same ratings as a table.
    key_follow(page, "All terms")
    expect(page.get_by_role("heading", level=1)).to_have_text("Self-evaluations")
    expect(page.locator("figure svg[role=img]")).to_have_count(1)
    summary = page.locator("summary", has_text="Show the ratings as a table")
    tab_to(page, summary)
    page.keyboard.press("Enter")
    table = page.get_by_role("table", name=f"Ratings of {world.school_name} across terms")
    expect(table).to_be_visible()
    assert_accessible(page)  # with the details open
    rows = table_rows(table)
    assert len(rows) == len(expected)
    assert {label.split()[0]: cells[-1] for label, cells in rows.items()} == \
        {sid: str(n) for sid, n in expected.items()}

    # The profile: offers (rated 1) and needs (rated 3 or 4) from the final term.
    key_follow(page, "Back to the profile")
    assert standards_under(page, "What the school can offer") == offers
    assert standards_under(page, "What the school needs") == needs
    expect(page.get_by_text("Shared", exact=True)).to_have_count(0)

    # Share one strength with the network.
    key_follow(page, "Choose what to share with the network")
    shared = offers[1]
    checkbox = page.get_by_role("checkbox", name=re.compile(rf"^{re.escape(shared)} "))
    tab_to(page, checkbox)
    page.keyboard.press("Space")
    expect(checkbox).to_be_checked()
    key_press(page, "Save what we share")
    success(page, "What you share with the network has been saved.")
    offered = items_under(page, "What the school can offer")
    expect(offered.filter(has_text=shared)).to_contain_text("Shared")
    expect(offered.filter(has_text="Shared")).to_have_count(1)


# --- 2. Mistakes on an element page -----------------------------------------------------------

def test_element_page_explains_mistakes_and_keeps_what_was_typed(page, make_cluster, make_user,
                                                                 make_evaluation):
    """A missing rating and an action date in the past are both listed in the error summary;
    the evidence typed elsewhere stays in the form and nothing is saved."""
    world = school_with_leaders(make_cluster, make_user)
    evaluation = make_evaluation(world.school, ratings_except("CE2.B"))
    evaluation_id = released(evaluation.id)

    sign_in(page, world.head)
    visit(page, element_path(evaluation_id, "CE2"))
    expect(page.get_by_role("textbox", name=re.compile("^What will be done"))).to_have_count(0)
    click_to_page(page, add_action_button(page, "CE2.C"))  # saves the page as it stands
    expect(page.get_by_role("textbox", name=re.compile("^What will be done"))).to_have_count(1)
    before = saved(evaluation_id)
    evidence_field(page, "CE2.A").fill("Tracking meetings every half-term.")
    rating_radio(page, "CE2.A", 3).check()
    fill_action(page, "CE2.C", "Moderate writing with a partner school", "English lead",
                date(2020, 1, 15))
    press(page, "Save and continue")

    summary = page.locator(".govuk-error-summary")
    expect(summary).to_contain_text("There is a problem")
    expect(summary.get_by_role("link")).to_have_text(
        ["Choose a rating from 1 to 4 for CE2.B", "By when must be today or later"])
    expect(page.locator(".govuk-error-message")).to_have_count(2)
    expect(evidence_field(page, "CE2.A")).to_have_value("Tracking meetings every half-term.")
    expect(rating_radio(page, "CE2.A", 3)).to_be_checked()
    expect(action_field(page, "CE2.C", "What will be done")).to_have_value(
        "Moderate writing with a partner school")
    expect(action_field(page, "CE2.C", "Year")).to_have_value("2020")

    for href in summary.get_by_role("link").evaluate_all("links => links.map(a => a.hash)"):
        expect(page.locator(href)).to_have_count(1)  # each message leads to its field

    after = saved(evaluation_id)
    assert after.version == before.version
    assert after.ratings == before.ratings


# --- 3. Two leaders save the same element -----------------------------------------------------

def test_second_save_of_the_same_element_is_a_conflict(new_page, make_cluster, make_user,
                                                       make_evaluation):
    """Head and senior leader open CE6 together. The head saves first; the senior leader's
    save is refused with 409 and both versions shown, their typing kept; "Save my version"
    then wins. (CE6 is the last element: saving it leads back to the evaluation.)"""
    world = school_with_leaders(make_cluster, make_user)
    evaluation_id = released(make_evaluation(world.school, ratings=2).id)
    path = element_path(evaluation_id, "CE6")
    head, senior = new_page(), new_page()
    sign_in(head, world.head)
    sign_in(senior, world.senior)
    visit(head, path)
    visit(senior, path)

    rating_radio(head, "CE6.B", 1).check()
    evidence_field(head, "CE6.B").fill("The head's evidence.")
    press(head, "Save and continue")
    success(head, "CE6 Monitoring, evaluation and review saved.")

    rating_radio(senior, "CE6.B", 4).check()
    evidence_field(senior, "CE6.B").fill("The senior leader's evidence.")
    with senior.expect_response(lambda r: r.request.method == "POST" and r.url.endswith(path)) \
            as answer:
        press(senior, "Save and continue")
    assert answer.value.status == 409
    expect(senior.locator(".govuk-warning-text")).to_contain_text(
        "Someone else saved this evaluation")
    versions = table_rows(senior.get_by_role("table", name="Their version and yours"))
    assert versions[f"CE6.B {STANDARD_TITLES['CE6.B']}"] == ["Rating 1: The head's evidence.",
                                 "Rating 4: The senior leader's evidence."]
    assert versions[f"CE6.A {STANDARD_TITLES['CE6.A']}"] == ["Rating 2", "Rating 2"]
    expect(rating_radio(senior, "CE6.B", 4)).to_be_checked()
    expect(evidence_field(senior, "CE6.B")).to_have_value("The senior leader's evidence.")

    press(senior, "Save my version")
    success(senior, "CE6 Monitoring, evaluation and review saved.")
    expect(senior).to_have_url(re.compile(rf"/evaluations/{evaluation_id}$"))
    standard = senior.locator(".govuk-summary-list__row", has_text="CE6.B")
    expect(standard).to_contain_text("Rated 4")
    expect(standard).to_contain_text("The senior leader's evidence.")
    assert saved(evaluation_id).ratings["CE6.B"].rating == 4


# --- 4. The coordinator's overview ------------------------------------------------------------

def test_coordinator_reads_the_overview_and_downloads_it(page, new_page, make_cluster,
                                                         make_user, make_evaluation):
    """From the cluster page the coordinator opens the overview (heat map and counts) and
    downloads it as CSV; a plain member of the cluster is refused (403)."""
    world = school_with_leaders(make_cluster, make_user, schools=3)
    first, second, third = world.schools
    make_evaluation(first, {sid: 2 for sid in all_standard_ids()} | {"CE1.A": 1, "CE2.B": 4},
                    status="final")
    make_evaluation(second, {sid: 2 for sid in all_standard_ids()} | {"CE1.A": 1, "CE2.B": 3},
                    status="final")
    make_evaluation(third, ratings=4)  # a draft: never on the overview
    third_name, first_urn = released((third.name, first.urn))
    overview = f"/clusters/{world.cluster_id}/overview"

    sign_in(page, world.head)
    visit(page, f"/clusters/{world.cluster_id}")
    follow(page, "Cluster overview: needs and offers")
    expect(page.get_by_role("heading", level=1)).to_have_text("Cluster overview")
    expect(page.locator("figure svg[role=img]")).to_have_count(1)
    expect(page.locator(".govuk-inset-text")).to_contain_text(third_name)
    counts = table_rows(page.get_by_role("table", name="Needs and offers per standard"))
    by_id = {label.split()[0]: cells for label, cells in counts.items()}
    assert by_id["CE1.A"] == ["0", "2"]
    assert by_id["CE2.B"] == ["2", "0"]
    assert by_id["CE6.G"] == ["0", "0"]

    with page.expect_download() as download:
        page.get_by_role("link", name="Download the overview as a spreadsheet (CSV)").click()
    assert download.value.suggested_filename.endswith(".csv")
    with open(download.value.path(), encoding="utf-8-sig") as csv_file:
        lines = csv_file.read().splitlines()
    assert lines[0].startswith("urn,school,term,CE1.A,CE1.B")
    assert len(lines) == 4  # the header and three schools
    assert any(line.startswith(f"{first_urn},") and ",1,2,2,2,2,2,4," in line for line in lines)

    member = new_page()
    sign_in(member, world.member)
    visit(member, f"/clusters/{world.cluster_id}")
    expect(member.get_by_role("link", name="Cluster overview: needs and offers")).to_have_count(0)
    check_error_page(member, member.goto(overview), 403)
    assert member.request.get(f"{overview}.csv").status == 403


# --- 5. The school's profile ------------------------------------------------------------------

def save_profile(page, group: str, barriers: list[str]) -> None:
    """From the profile, change the priority group and tick barriers faced now; save."""
    follow(page, "Change the profile")
    page.get_by_role("group", name="Current priority group").get_by_label(
        group, exact=True).check()
    facing = page.get_by_role("group", name="Barriers the school faces now")
    for barrier in barriers:
        facing.get_by_label(barrier, exact=True).check()
    press(page, "Save profile")
    success(page, "The profile has been saved.")


def summary_value(page, key: str):
    """The value beside `key` in the profile's summary list."""
    return page.locator(".govuk-summary-list__row", has=page.locator(
        "dt", has_text=re.compile(rf"^\s*{re.escape(key)}\s*$"))).locator("dd")


def test_headteacher_changes_the_profile(page, make_cluster, make_user):
    """The headteacher chooses a priority group and barriers; they show on the profile, and
    after a second change of group the profile shows the group history."""
    world = school_with_leaders(make_cluster, make_user)
    low = "Low expectations of what pupils can achieve"
    weak = "Weak subject knowledge among teachers"

    sign_in(page, world.head)
    visit(page, f"/schools/{world.school_id}")
    expect(summary_value(page, "Priority group")).to_have_text("Not chosen yet")
    save_profile(page, "Maximise progress", [low, weak])
    expect(summary_value(page, "Priority group")).to_contain_text("Maximise progress (since ")
    expect(items_under(page, "Facing now")).to_have_text([low, weak])
    expect(page.get_by_role("heading", name="Priority group history")).to_have_count(0)

    save_profile(page, "Improve consistency", [])
    expect(summary_value(page, "Priority group")).to_contain_text("Improve consistency")
    expect(page.get_by_role("heading", name="Priority group history")).to_be_visible()
    history = items_under(page, "Priority group history")
    expect(history).to_have_count(2)
    expect(history.nth(0)).to_contain_text(re.compile(r"^Improve consistency: .* to now$"))
    expect(history.nth(1)).to_contain_text(re.compile(r"^Maximise progress: \d+ \w+ \d{4} to "))
    expect(items_under(page, "Facing now")).to_have_text([low, weak])  # still faced


# --- 6. A session that ends mid-form ----------------------------------------------------------

def test_expired_session_keeps_the_draft(page, make_cluster, make_user, make_evaluation):
    """The session ends on the server while the head is typing; saving sends them to sign in,
    and after signing in the element page gives back what they typed (nothing saved yet)."""
    world = school_with_leaders(make_cluster, make_user)
    evaluation_id = released(make_evaluation(world.school, ratings=2).id)
    path = element_path(evaluation_id, "CE4")
    typed = "Coaching pairs observed each other twice this term."

    sign_in(page, world.head)
    visit(page, path)
    evidence_field(page, "CE4.B").fill(typed)
    rating_radio(page, "CE4.B", 1).check()

    db.session.execute(update(UserSession).where(UserSession.user_id == world.head_id).values(
        created_at=datetime.now(UTC) - timedelta(hours=13)))  # the session has just expired
    db.session.commit()
    press(page, "Save and continue")
    expect(page).to_have_url(re.compile(r"/login\?next=.*CE4$"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Sign in")
    assert saved(evaluation_id).ratings["CE4.B"].evidence == ""

    fill_sign_in(page, world.head, PASSWORD)  # on the page that asked, so ?next= is kept
    expect(page).to_have_url(re.compile(re.escape(path) + "$"))
    expect(page.locator(".govuk-inset-text").first).to_contain_text("We kept what you typed")
    expect(evidence_field(page, "CE4.B")).to_have_value(typed)
    expect(rating_radio(page, "CE4.B", 1)).to_be_checked()


# --- 7. Finalising refused, put right on a phone and at a desk -------------------------------

def test_refused_finalise_is_put_right_at_both_widths(page, make_cluster, make_user,
                                                      make_evaluation):
    """A 1 without evidence stops the term being final. At 375 px and at 1280 px the refusal,
    the element page showing the problem, an action added, changed and removed are all
    accessible; the evidence typed is saved and the term then finalises."""
    world = school_with_leaders(make_cluster, make_user)
    evaluation_id = released(make_evaluation(
        world.school, {sid: 2 for sid in all_standard_ids()} | {"CE5.D": 1}).id)
    problem = f"{standard_name('CE5.D')} is rated 1: give the evidence of its impact, or " \
              "change the rating"
    sign_in(page, world.head)
    for width in (375, 1280):
        page.set_viewport_size({"width": width, "height": 900})
        visit(page, f"/evaluations/{evaluation_id}")
        press(page, "Finalise this term")
        expect(page.get_by_role("heading", level=1)).to_contain_text("cannot be finalised yet")
        click_to_page(page, page.get_by_role("link", name=problem))
        expect(page.locator("#std_D-evidence-error")).to_contain_text(problem)
        assert page.evaluate("document.documentElement.scrollWidth") <= width

        click_to_page(page, add_action_button(page, "CE5.D"))  # a block to fill in
        fill_action(page, "CE5.D", "Share our next-step cards", "Deputy head",
                    date(NEXT_YEAR, 2, 1))
        click_to_page(page, add_action_button(page, "CE5.D"))  # saved; one line now
        saved_line = page.locator(".app-action--saved")
        expect(saved_line).to_contain_text("Share our next-step cards, Deputy head, by 1 "
                                           f"February {NEXT_YEAR}")
        click_to_page(page, page.get_by_role("button", name=re.compile(
            r"^Remove action 1 for CE5\.D ")))
        success(page, "Action removed from CE5.D")
        expect(page.locator(".app-action")).to_have_count(0)
        assert page.evaluate("document.documentElement.scrollHeight") < \
            (4000 if width == 1280 else 6000)

    evidence_field(page, "CE5.D").fill("Pupils in every class can say their next step.")
    press(page, "Save and continue")
    visit(page, f"/evaluations/{evaluation_id}")
    press(page, "Finalise this term")
    press(page, f"Yes, finalise {released(terms.label(*terms.current_term()))}")
    assert saved(evaluation_id).status == "final"
