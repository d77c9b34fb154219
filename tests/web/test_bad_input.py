"""Bad input of every kind is answered clearly (a 4xx page, or the form back with a GOV.UK
error summary and what was typed) and changes nothing in the database.

Tests run with app.testing, which re-raises unexpected exceptions: a crash fails loudly here.
"""

from datetime import UTC, datetime, timedelta

import pytest
from markupsafe import escape
from sqlalchemy import func, select, update

from models import SchoolBarrier, User, UserSession
from network.extensions import db
from network.services import evaluations, records
from tests.db_state import unchanged
from tests.factories import (
    WORKED,
    api_token,
    confirm_sign_up,
    data,
    lesson_body,
    lesson_form,
    sharing_form,
)

RLO = "\u202e"  # RIGHT-TO-LEFT OVERRIDE: "Ali\u202eecnanif" shows as "Alifinance"


def refused(response, message: str | None = None, kept: str | None = None) -> str:
    """Assert a clear refusal: a 4xx page, or the form back with its error summary."""
    page = response.get_data(as_text=True)
    assert response.status_code < 500, page[:300]
    assert 400 <= response.status_code < 500 or (
        response.status_code == 200 and "govuk-error-summary" in page), \
        (response.status_code, page[:500])
    if message:
        assert message in page, (message, page[:2000])
    if kept:
        assert str(escape(kept)) in page, "what was typed is not shown back"
    return page


def _count(model) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


@pytest.fixture
def world(no_csrf, two_clusters):
    """Two clusters, with CSRF checks off (they are tested on their own below)."""
    return two_clusters


@pytest.fixture
def as_role(app, client, login, world):
    """as_role("headteacher"): cluster A's person in that role, signed in on `client`."""

    def sign_in(role):
        login(world.A.people[role])
        return world.A.people[role]

    return sign_in


# --- over-long fields, one per form ----------------------------------------------------------

def _signup(**changes):
    return {"name": "Robin Reeve", "email": "robin@example.org", "password": "long enough pw",
            "confirm": "long enough pw", **changes}


def test_overlong_name_at_sign_up(world, client):
    """A 121-character name is refused, the email typed is kept, no account is made."""
    with unchanged():
        refused(client.post("/signup", data=_signup(name="N" * 121)),
                "Full name must be 120 characters or fewer", kept="robin@example.org")


def test_overlong_cluster_name(world, client, login, make_user):
    """Registering a cluster with a 121-character name is refused."""
    login(make_user(name="No School"))
    with unchanged():
        refused(client.post("/register", data={"name": "C" * 121, "region": "London",
                                               "urn": "100000", "description": "Ours"}),
                "Cluster name must be 120 characters or fewer", kept="Ours")


def test_overlong_profile_notes(world, as_role, client):
    """Barrier notes over 3000 characters are refused and the profile stays as it was."""
    as_role("headteacher")
    with unchanged():
        refused(client.post(f"/schools/{world.A.school.id}/profile", data={
            "version": "0", "group_id": "1", "open_to_partnering": "yes", "capacity": "2",
            "visibility": "cluster", "barrier_notes": "n" * 3001}),
            "This must be 3000 characters or fewer")


def test_overlong_case_study_title(world, as_role, client):
    """A 201-character title is refused; the rest of the case study is kept."""
    as_role("leading_teacher")
    with unchanged():
        refused(client.post("/case-studies/new", data={**WORKED, "title": "T" * 201}),
                "The title must be 200 characters or fewer", kept=WORKED["context"])


def test_overlong_lesson_study_field(world, as_role, client):
    """An over-long lesson-study focus is refused and nothing is saved."""
    as_role("leading_teacher")
    with unchanged():
        refused(client.post("/lesson-studies/new", data=lesson_form(focus="f" * 5001)))


def test_overlong_evidence(world, as_role, client):
    """Evidence over 5000 characters on a self-evaluation is refused."""
    as_role("headteacher")
    with unchanged():
        refused(_element(client, world, {"A-evidence": "e" * 5001}),
                "Evidence must be 5000 characters or fewer")


def test_overlong_contact_message(world, client, login):
    """A contact request over 2000 characters is refused; no request is made."""
    record = world.A.record
    db.session.execute(update(type(record)).where(type(record).id == record.id)
                       .values(published_visibility="network"))
    db.session.commit()
    login(world.B.people["member"])
    with unchanged():
        refused(client.post(f"/records/{record.id}/contact", data={"message": "m" * 2001}),
                "Your message must be 2000 characters or fewer")


def test_overlong_invitation_note(world, as_role, client):
    """An invitation note over 200 characters is refused; no link is made."""
    as_role("coordinator")
    with unchanged():
        refused(client.post(f"/clusters/{world.A.cluster.id}/invitations", data={
            "school_id": "new", "role": "member", "note": "x" * 201}),
            "Note must be 200 characters or fewer")


def test_overlong_saved_search_and_query(world, as_role, client):
    """A search over 500 characters is a 400 on the page and the API, and is never saved."""
    person = as_role("member")
    refused(client.get("/search", query_string={"q": "word " * 101}), "500 characters")
    token = api_token(person)
    answer = client.get("/api/v1/search", query_string={"q": "w" * 501},
                        headers={"Authorization": f"Bearer {token}"})
    assert answer.status_code == 400 and "500 characters" in answer.json["error"]
    with unchanged():
        refused(client.post("/search/saved", data={"name": "Mine", "q": "w" * 501}))


# --- characters no person types ----------------------------------------------------------

@pytest.mark.parametrize("text", ["Robin\x00Reeve", "Robin\x07Reeve", "Robin\x85Reeve"],
                         ids=["nul", "bell", "c1-next-line"])
def test_control_characters_in_a_name(world, client, text):
    """NUL and other control characters in a name are refused with a clear message."""
    with unchanged():
        refused(client.post("/signup", data=_signup(name=text)),
                "contains characters that are not allowed", kept="robin@example.org")


def test_nul_bytes_in_searches(world, as_role, client):
    """A NUL in a search or a saved search's name is refused, never stored."""
    person = as_role("member")
    refused(client.get("/search?q=trac%00king"))
    token = api_token(person)
    answer = client.get("/api/v1/search?q=a%00b", headers={"Authorization": f"Bearer {token}"})
    assert answer.status_code == 400
    with unchanged():
        refused(client.post("/search/saved", data={"name": "Mine\x00", "q": "tracking"}))
        refused(client.post("/search/saved", data={"name": "Mine", "q": "trac\x00king"}))


@pytest.mark.parametrize("bidi", [RLO, "\u202d", "\u2066", "\u2067", "\u2068", "\u2069",
                                  "\u202a", "\u202b", "\u202c"],
                         ids=["RLO", "LRO", "LRI", "RLI", "FSI", "PDI", "LRE", "RLE", "PDF"])
def test_bidirectional_overrides_cannot_spoof_a_name(world, client, bidi):
    """Direction overrides (which can make "Ali" + RLO + "ecnanif" read as "Alifinance") are
    refused in names; the person is told what to change."""
    with unchanged():
        refused(client.post("/signup", data=_signup(name=f"Ali{bidi}ecnanif")),
                "contains characters that are not allowed")


def test_bidirectional_overrides_in_titles_and_cluster_names(world, as_role, client):
    """The same holds for what others read: a case study's title and a cluster's name."""
    as_role("leading_teacher")
    with unchanged():
        refused(client.post("/case-studies/new", data={**WORKED, "title": f"Ours{RLO}txt.exe"}),
                "contains characters that are not allowed", kept=WORKED["context"])


def test_combining_characters_are_stored_and_shown_escaped(world, client):
    """Combining accents are real names (Zoe + U+0308 is Zoë): kept exactly as typed and shown
    escaped; markup typed beside them is text, never HTML."""
    name = "Zoe\u0308 <b>Jose\u0301</b>"
    response = client.post("/signup", data=_signup(name=name))
    assert response.status_code == 200
    assert confirm_sign_up(client, "robin@example.org").status_code == 302
    assert db.session.scalar(select(User.name).where(User.email == "robin@example.org")) == name
    page = client.get("/").get_data(as_text=True)
    assert "<b>Jose" not in page


# --- sessions --------------------------------------------------------------------------

def test_forged_session_cookie(world, app, client):
    """A session cookie signed with another key is ignored: the visitor is signed out."""
    from flask.sessions import SecureCookieSessionInterface

    forger = app.test_client()
    app.secret_key, real = "not-the-key", app.secret_key
    try:
        serializer = SecureCookieSessionInterface().get_signing_serializer(app)
        forged = serializer.dumps({"_user_id": world.A.people["coordinator"].get_id() or "x",
                                   "_fresh": True})
    finally:
        app.secret_key = real
    forger.set_cookie("session", forged, domain="localhost")
    with unchanged(ignore={"saved_drafts"}):
        response = forger.post(f"/clusters/{world.A.cluster.id}/members/"
                               f"{world.A.people['member'].id}/remove")
    assert response.status_code == 302 and "/login" in response.headers["Location"]


def test_guessed_session_key(world, client):
    """A well-signed cookie naming a session key that does not exist signs nobody in."""
    with client.session_transaction() as session:
        session["_user_id"] = "guessed-key"
    response = client.get("/inbox")
    assert response.status_code == 302 and "/login" in response.headers["Location"]


def test_expired_session(world, as_role, client):
    """A session older than SESSION_HOURS asks for sign-in again; the post changes nothing."""
    person = as_role("headteacher")
    db.session.execute(update(UserSession).where(UserSession.user_id == person.id)
                       .values(created_at=datetime.now(UTC) - timedelta(days=2)))
    db.session.commit()
    with unchanged(ignore={"saved_drafts"}):
        response = client.post(f"/schools/{world.A.school.id}/profile", data={
            "version": "0", "group_id": "1", "open_to_partnering": "no", "capacity": "0",
            "visibility": "network"})
    assert response.status_code == 302 and "/login" in response.headers["Location"]


def test_disabled_accounts_open_session(world, as_role, client):
    """Once an account is disabled, its still-open session is refused on the next request."""
    person = as_role("coordinator")
    assert client.get("/inbox").status_code == 200
    db.session.execute(update(User).where(User.id == person.id).values(is_active=False))
    db.session.commit()
    with unchanged(ignore={"saved_drafts"}):
        response = client.post(f"/clusters/{world.A.cluster.id}/members/"
                               f"{world.A.people['member'].id}/remove")
    assert response.status_code == 302 and "/login" in response.headers["Location"]
    assert "/login" in client.get("/inbox").headers["Location"]


def test_disabled_accounts_api_token(world, client):
    """A disabled person's API token stops working at once."""
    person = world.A.people["member"]
    token = api_token(person)
    db.session.execute(update(User).where(User.id == person.id).values(is_active=False))
    db.session.commit()
    answer = client.get("/api/v1/me", headers={"Authorization": f"Bearer {token}"})
    assert answer.status_code == 401 and "error" in answer.json


def test_csrf_less_post_when_signed_in(two_clusters, app, client, login):
    """With CSRF checks on, a signed-in form post without a token is a 400 and changes nothing."""
    login(two_clusters.A.people["headteacher"])
    with unchanged():
        response = client.post(f"/schools/{two_clusters.A.school.id}/profile", data={
            "version": "0", "group_id": "1", "open_to_partnering": "no", "capacity": "0",
            "visibility": "network"})
    assert response.status_code == 400
    assert "The form had expired" in response.get_data(as_text=True)


# --- another cluster's ids in a post -----------------------------------------------------

def test_other_clusters_person_as_coauthor(world, as_role, client):
    """A co-author from another cluster is refused; no record is made."""
    as_role("leading_teacher")
    with unchanged():
        refused(client.post(f"/case-studies/{world.A.record.id}/steps/publication", data={
            "version": str(world.A.record.version), "audience": "cluster",
            "coauthor_ids": [str(world.B.people["member"].id)]}),
            "Choose co-authors from the list of your colleagues")


def test_other_clusters_school_in_an_invitation(world, as_role, client):
    """An invitation for a school of another cluster is refused; no link is made."""
    as_role("coordinator")
    with unchanged():
        refused(client.post(f"/clusters/{world.A.cluster.id}/invitations", data={
            "school_id": str(world.B.school.id), "role": "member", "note": "kept note"}),
            kept="kept note")


def test_other_clusters_record_as_a_related_link(world, as_role, client):
    """Linking a lesson study to another cluster's case study is refused."""
    author = as_role("leading_teacher")
    record = records.create(author, "lesson_study", data(
        "Bar models", lesson_body([author.id]), audience="cluster"))
    with unchanged():
        refused(client.post(f"/lesson-studies/{record.id}/steps/sharing", data=sharing_form(
            record.version, related_case_studies=[str(world.B.record.id)])),
            "Choose related case studies from the list")


def test_other_clusters_school_urn_in_a_join_request(world, client, login):
    """Asking to join with a school another cluster already holds is refused."""
    login(world.A.outsider)
    with unchanged():
        refused(client.post(f"/clusters/{world.A.cluster.id}/join",
                            data={"urn": world.B.school.urn, "message": "kept words"}),
                kept="kept words")


# --- sizes --------------------------------------------------------------------------------

def test_huge_body_on_a_signed_in_form(world, as_role, client):
    """A 2 MB post to a signed-in form is a 413 page; nothing is saved."""
    as_role("headteacher")
    with unchanged():
        response = client.post(f"/schools/{world.A.school.id}/profile",
                               data={"barrier_notes": "n" * (2 * 1024 * 1024)})
    assert response.status_code == 413 and "too large" in response.get_data(as_text=True)


def test_too_many_form_parts_on_a_signed_in_form(world, as_role, client):
    """Thousands of fields are refused before any work is done."""
    as_role("coordinator")
    body = "&".join(f"school_role={i}" for i in range(2000))
    with unchanged():
        response = client.post(f"/clusters/{world.A.cluster.id}/members/"
                               f"{world.A.people['member'].id}", data=body,
                               content_type="application/x-www-form-urlencoded")
    assert response.status_code in (400, 413)


# --- page numbers and search syntax --------------------------------------------------------

PAGED = ["/inbox", "/admin/outbox", "/admin/audit", "/search?q=tracking"]


@pytest.mark.parametrize("page", ["1" + "0" * 30, "-1", "0", "x", "1e3", "%00", "%EF%BC%91",
                                  "%C2%B2"],
                         ids=["10**30", "negative", "zero", "word", "exponent", "nul",
                              "fullwidth-1", "superscript-2"])
def test_nonsense_page_numbers_on_every_paged_list(world, as_role, client, page):
    """Every paged list (and the search API) answers a nonsense page with a clear 400."""
    person = as_role("site_admin")
    for path in PAGED:
        joiner = "&" if "?" in path else "?"
        refused(client.get(f"{path}{joiner}page={page}"), "Page must be a whole number")
        assert client.get(f"{path}{joiner}page={page}").status_code == 400, path
    token = api_token(person)
    answer = client.get(f"/api/v1/search?q=x&page={page}",
                        headers={"Authorization": f"Bearer {token}"})
    assert answer.status_code == 400 and "Page must be" in answer.json["error"]


@pytest.mark.parametrize("query", ['"unclosed', "title:(", "(((", "AND OR NOT", "*", "a~~~",
                                   "field:value:", "[a TO", "^2", "\\"],
                         ids=["quote", "field-paren", "parens", "operators", "star", "fuzzy",
                              "colons", "range", "boost", "backslash"])
def test_malformed_search_syntax(world, as_role, client, query):
    """Malformed query syntax is a 400 with the text kept, or a search that finds nothing;
    never a crash, on the page and in the API."""
    person = as_role("member")
    response = client.get("/search", query_string={"q": query})
    assert response.status_code in (200, 400)
    assert str(escape(query)) in response.get_data(as_text=True)
    token = api_token(person)
    answer = client.get("/api/v1/search", query_string={"q": query},
                        headers={"Authorization": f"Bearer {token}"})
    assert answer.status_code in (200, 400) and answer.is_json


@pytest.mark.parametrize("args", [{"kind": "secret"}, {"region": "Mars"}, {"barrier": "x"},
                                  {"sort": "price"}, {"group": "99"}],
                         ids=["kind", "region", "barrier", "sort", "group"])
def test_unknown_search_facets(world, as_role, client, args):
    """A facet or sort value not on offer is a 400 saying so."""
    as_role("member")
    refused(client.get("/search", query_string={"q": "tracking", **args}))
    assert client.get("/search", query_string={"q": "x", **args}).status_code == 400


# --- unknown enum values -------------------------------------------------------------------

def _element(client, world, changes):
    """Post the CE2 page of cluster A's draft evaluation with `changes` ({"A-rating": "5"})."""
    evaluation = world.A.evaluation
    data = {"version": str(evaluation.version)}
    for standard in evaluations.element("CE2").standards:
        letter = standard.id.split(".")[1]
        data[f"std_{letter}-rating"] = "2"
        data[f"std_{letter}-evidence"] = "Evidence"
        for n in range(3):
            data.update({f"std_{letter}-actions-{n}-what": "", f"std_{letter}-actions-{n}-who": "",
                         f"std_{letter}-actions-{n}-by_when": ["", "", ""]})
    data.update({f"std_{key}": value for key, value in changes.items()})
    return client.post(f"/evaluations/{evaluation.id}/elements/CE2", data=data)


@pytest.mark.parametrize("rating", ["0", "5", "x", "", "1.5", "-1"])
def test_unknown_ratings(world, as_role, client, rating):
    """A rating other than 1 to 4 is refused, naming the standard."""
    as_role("headteacher")
    with unchanged():
        refused(_element(client, world, {"A-rating": rating}),
                "Choose a rating from 1 to 4 for CE2.A")


@pytest.mark.parametrize("day", [["31", "2", "2099"], ["1", "1", "99999"], ["0", "0", "0"],
                                 ["x", "y", "z"], ["1", "13", "2099"]],
                         ids=["31-february", "year-99999", "zeros", "letters", "month-13"])
def test_dates_out_of_range(world, as_role, client, day):
    """An impossible action date is refused; the evaluation stays as it was."""
    as_role("headteacher")
    with unchanged():
        refused(_element(client, world, {"A-actions-0-what": "Moderate",
                                         "A-actions-0-by_when": day}), kept="Moderate")


@pytest.mark.parametrize("term", ["1999-autumn", "2026-winter", "x", "-", "99999999999999999999"
                                  "-autumn"], ids=["long-ago", "no-such-term", "word", "dash",
                                                   "huge-year"])
def test_unknown_terms(world, as_role, client, term):
    """Starting an evaluation for a term not on offer is refused."""
    as_role("headteacher")
    with unchanged():
        refused(client.post(f"/schools/{world.A.school.id}/evaluations", data={"term": term}))


PROFILE = {"version": "0", "group_id": "1", "open_to_partnering": "yes", "capacity": "2",
           "visibility": "cluster", "barrier_notes": "Typed notes"}


@pytest.mark.parametrize("changes", [
    {"visibility": "public"}, {"open_to_partnering": "maybe"}, {"capacity": "11"},
    {"capacity": "-1"}, {"capacity": "1" * 30}, {"group_id": "99"},
    {"barriers": ["made-up"]}, {"barriers": ["low-maths"], "overcome": ["low-maths"]}],
    ids=["visibility", "partnering", "capacity-11", "capacity-negative", "capacity-huge",
         "group", "unknown-barrier", "barrier-faced-and-overcome"])
def test_unknown_profile_values(world, as_role, client, changes):
    """Visibility, partnering, capacity, group and barrier values not offered are refused,
    and the notes typed are kept."""
    as_role("headteacher")
    with unchanged():
        refused(client.post(f"/schools/{world.A.school.id}/profile",
                            data={**PROFILE, **changes}), kept="Typed notes")


def test_duplicate_barrier_codes_are_stored_once(world, as_role, client):
    """The same barrier ticked twice is one barrier, not an error page or a crash."""
    as_role("headteacher")
    response = client.post(f"/schools/{world.A.school.id}/profile",
                           data={**PROFILE, "barriers": ["low-maths", "low-maths"]})
    assert response.status_code == 302
    assert _count(SchoolBarrier) == 1


@pytest.mark.parametrize("standards", [["CE9.Z"], ["<script>"], ["CE2.A", "CE2.A", "CE9.Z"]],
                         ids=["unknown-standard", "markup", "duplicate-and-unknown"])
def test_unknown_standard_codes_in_offers(world, as_role, client, standards):
    """Offering a standard that does not exist is refused."""
    as_role("headteacher")
    with unchanged():
        refused(client.post(f"/schools/{world.A.school.id}/offers",
                            data={"standards": standards}))


@pytest.mark.parametrize("path,data", [
    ("members", {"school_role": "owner", "coordinator": "no"}),
    ("members", {"school_role": "member", "coordinator": "sometimes"}),
    ("invitations", {"school_id": "new", "role": "admin"}),
    ("join-request", {"decision": "maybe"}),
], ids=["member-role", "coordinator-flag", "invitation-role", "join-decision"])
def test_unknown_roles_and_decisions(world, as_role, client, path, data):
    """Roles and decisions not on offer are refused by the coordinator's forms."""
    as_role("coordinator")
    a = world.A
    url = {"members": f"/clusters/{a.cluster.id}/members/{a.people['member'].id}",
           "invitations": f"/clusters/{a.cluster.id}/invitations",
           "join-request": f"/clusters/{a.cluster.id}/join-requests/{a.join_request.id}"}[path]
    with unchanged():
        refused(client.post(url, data=data))


def test_unknown_publish_audience_and_contact_decision(world, as_role, client):
    """A publish audience or contact answer that is not offered is refused."""
    as_role("headteacher")
    record, contact = world.A.record, world.A.contact
    with unchanged():
        refused(client.post(f"/contact-requests/{contact.id}", data={"decision": "shout"}))
        refused(client.post(f"/records/{record.id}/publish",
                            data={"version": str(record.version), "audience": "everyone"}))


def test_unknown_case_study_audience(world, as_role, client):
    """A case study for an audience that does not exist is refused."""
    as_role("leading_teacher")
    with unchanged():
        refused(client.post(f"/case-studies/{world.A.record.id}/steps/publication", data={
            "version": str(world.A.record.version), "audience": "world"}),
            "Choose where it should be published")


def test_unknown_site_admin_designation(world, as_role, client):
    """A designation that does not exist is refused."""
    as_role("site_admin")
    with unchanged():
        refused(client.post(f"/admin/users/{world.A.people['member'].id}",
                            data={"designations": ["god"]}))


# --- the API ------------------------------------------------------------------------------

@pytest.mark.parametrize("header", ["Bearer", "Bearer ", "Basic dXNlcjpwYXNz", "bearer  x y",
                                    "Bearer " + "t" * 5000, "Token abc", "Bearer \u00e9\u00e9"],
                         ids=["no-token", "blank-token", "basic", "two-words", "huge-token",
                              "other-scheme", "non-ascii"])
def test_malformed_authorization_headers(world, client, header):
    """A malformed or foreign Authorization header is a JSON 401."""
    answer = client.get("/api/v1/me", headers={"Authorization": header.encode().decode("latin-1")})
    assert answer.status_code == 401 and answer.is_json and "error" in answer.json


def test_json_bodies_and_wrong_methods_on_the_api(world, client):
    """The API is read-only: JSON or garbage posted to it is a JSON 405, never a crash."""
    token = api_token(world.A.people["headteacher"])
    bearer = {"Authorization": f"Bearer {token}"}
    with unchanged():
        for body in ('{"name": "x"', '{"cluster_id": 2}', "\x00\xff", "[" * 10000):
            answer = client.post("/api/v1/me", data=body, headers=bearer,
                                 content_type="application/json")
            assert answer.status_code == 405 and answer.is_json
        answer = client.delete(f"/api/v1/schools/{world.A.school.urn}", headers=bearer)
        assert answer.status_code == 405 and answer.is_json


@pytest.mark.parametrize("urn", ["abc", "1" * 40, "-1", "%00", "%ff", "100000%20OR%201=1",
                                 "..%2F..%2Fme"],
                         ids=["letters", "40-digits", "negative", "nul", "bad-utf8", "sql",
                              "traversal"])
def test_invalid_urns(world, client, urn):
    """A URN that is not one is a JSON 404 on every URN route."""
    token = api_token(world.A.people["headteacher"])
    bearer = {"Authorization": f"Bearer {token}"}
    for suffix in ("", "/self-evaluations/latest", "/matches"):
        answer = client.get(f"/api/v1/schools/{urn}{suffix}", headers=bearer)
        assert answer.status_code == 404 and answer.is_json, (urn, suffix)


@pytest.mark.parametrize("limit", ["0", "51", "x", "-5", "1" * 30, "1.5"])
def test_match_limits_out_of_range(world, client, limit):
    """A match limit outside 1 to 50 is a JSON 400."""
    token = api_token(world.A.people["headteacher"])
    answer = client.get(f"/api/v1/schools/{world.A.school.urn}/matches?limit={limit}",
                        headers={"Authorization": f"Bearer {token}"})
    assert answer.status_code == 400 and "limit" in answer.json["error"]


# --- URLs ---------------------------------------------------------------------------------

@pytest.mark.parametrize("path", ["/records/99999999999999999999", "/inbox/9223372036854775808",
                                  "/schools/2147483648/profile", "/evaluations/-1",
                                  "/clusters/1e3"],
                         ids=["20-digit-id", "beyond-64-bit", "beyond-32-bit", "negative",
                              "exponent"])
def test_ids_out_of_range(world, as_role, client, path):
    """An id no database could hold is simply not found."""
    as_role("headteacher")
    assert client.get(path).status_code == 404


@pytest.mark.parametrize("path", ["/search?q=%ff%fe", "/records/%ff", "/%c0%af", "/inbox?page=%ff",
                                  "/search?q=%", "/search?q=%zz", "/schools/%00"],
                         ids=["bad-utf8-query", "bad-utf8-path", "overlong-slash",
                              "bad-utf8-page", "lone-percent", "bad-escape", "nul-path"])
def test_invalid_percent_encoding(world, as_role, client, path):
    """Broken percent-encoding or UTF-8 in a URL is a 4xx, never a crash."""
    as_role("member")
    response = client.get(path)
    assert response.status_code in (200, 400, 404), response.status_code


@pytest.mark.parametrize("method,path", [("DELETE", "/inbox"), ("PUT", "/search"),
                                         ("PATCH", "/case-studies/new"), ("POST", "/inbox"),
                                         ("GET", "/logout"), ("PUT", "/records/1/publish")],
                         ids=["delete", "put", "patch", "post-to-list", "get-logout",
                              "put-action"])
def test_wrong_methods(world, as_role, client, method, path):
    """A method a page does not take is the styled 405 page and changes nothing."""
    as_role("coordinator")
    with unchanged():
        response = client.open(path, method=method)
    assert response.status_code == 405
    assert "not available" in response.get_data(as_text=True)


def test_wrong_password_when_changing_it(world, as_role, client):
    """A wrong current password is refused and the stored password stays the same."""
    as_role("member")
    with unchanged():
        refused(client.post("/account/password", data={
            "current_password": "wrong one!", "password": "a new long password",
            "confirm": "a new long password"}), "Your current password is not correct")


def test_second_account_for_the_same_email(world, client):
    """An email already registered (in any case) gets the answer a new one gets (the mail says
    which); no second account is made and the first is untouched."""
    email = world.A.people["member"].email.upper()
    with unchanged(ignore={"outbox_mail"}):
        response = client.post("/signup", data=_signup(email=email))
    assert response.status_code == 200
    assert "Check your email" in response.get_data(as_text=True)


def test_nul_bytes_in_finders(world, client, login, make_user):
    """A NUL in the admin's people finder or the school finder finds nothing, never a crash
    (PostgreSQL refuses NUL in any query)."""
    login(world.A.people["site_admin"])
    assert client.get("/admin/users?q=Per%00son").status_code == 200
    login(make_user(name="No School"))
    assert client.get("/register?school=Prim%00ary").status_code == 200
    with unchanged():
        response = client.post("/register", data={"school": "Prim\x00ary", "find": "1"})
    assert response.status_code == 200


@pytest.mark.parametrize("version", ["x", "", "1.5", "9" * 30, "\x00"],
                         ids=["word", "empty", "decimal", "huge", "nul"])
def test_malformed_hidden_versions(world, as_role, client, version):
    """A tampered version on a profile, a core element, a finalise or a publish is refused
    (reload the page), never a crash, and nothing is saved."""
    as_role("headteacher")
    a = world.A
    with unchanged():
        refused(client.post(f"/schools/{a.school.id}/profile", data={**PROFILE,
                                                                     "version": version}))
        refused(client.post(f"/evaluations/{a.evaluation.id}/elements/CE2",
                            data={"version": version}))
        refused(client.post(f"/records/{a.record.id}/publish",
                            data={"version": version, "audience": "cluster"}))
        response = client.post(f"/evaluations/{a.evaluation.id}/finalise",
                               data={"version": version})
        assert response.status_code == 302


def test_nul_in_a_flagged_passage(world, as_role, client):
    """The passage marked as not identifying cannot carry a NUL."""
    as_role("headteacher")
    with unchanged():
        refused(client.post(f"/records/{world.A.record.id}/override",
                            data={"kind": "name", "text": "Ab\x00c", "reason": "A reason"}))
