"""Two-factor sign-in as a unit of work: codes accepted and refused, used once, recovery codes
used up, the grace, and a site admin's reset (audited, ending sessions and tokens)."""

import time
from datetime import UTC, datetime, timedelta

import pyotp
import pytest
from sqlalchemy import func, select

from models import ApiToken, AuditEvent, UserSession
from network.extensions import db
from network.services import accounts, tokens, two_factor
from network.services.errors import Forbidden, Invalid, NotFound


def _on(user):
    """Turn two-factor on for `user`; their secret and recovery codes."""
    secret = two_factor.new_secret()
    codes = two_factor.turn_on(user, secret, pyotp.TOTP(secret).now())
    return secret, codes


def _actions(action):
    return db.session.scalar(select(func.count(AuditEvent.id)).where(AuditEvent.action == action))


def test_turning_on_needs_a_code_from_the_secret(make_user):
    """A wrong code leaves it off; the right one turns it on and gives 10 recovery codes."""
    user = make_user()
    secret = two_factor.new_secret()
    with pytest.raises(Invalid) as refused:
        two_factor.turn_on(user, secret, "000000" if pyotp.TOTP(secret).now() != "000000"
                           else "111111")
    assert refused.value.field == "code" and not two_factor.is_on(user)
    codes = two_factor.turn_on(user, secret, pyotp.TOTP(secret).now())
    assert two_factor.is_on(user) and len(codes) == 10 and len(set(codes)) == 10
    assert two_factor.recovery_codes_left(user) == 10
    assert _actions("two-factor turned on") == 1


def test_a_code_is_accepted_once_and_a_wrong_one_refused(make_user):
    """The current code signs in once; the same code again, an older one or a wrong one do not."""
    user = make_user()
    secret, _ = _on(user)
    now = time.time() + 300  # signing in a while after setting up
    totp = pyotp.TOTP(secret)
    wrong = next(c for c in ("123456", "654321") if c != totp.at(now))
    assert not two_factor.check_code(user, wrong, now)
    assert two_factor.check_code(user, totp.at(now), now)
    assert not two_factor.check_code(user, totp.at(now), now), "a replayed code"
    assert not two_factor.check_code(user, totp.at(now - 30), now), "an earlier step"
    assert two_factor.check_code(user, totp.at(now + 30), now), "the next step still works"
    assert not two_factor.check_code(user, totp.at(now + 120), now), "too far ahead"
    assert _actions("sign-in failed") == 4


def test_a_recovery_code_works_once(make_user):
    """Each recovery code signs in once (spaces, hyphens and case do not matter)."""
    user = make_user()
    _, codes = _on(user)
    assert two_factor.check_code(user, f" {codes[0].upper()} ")
    assert not two_factor.check_code(user, codes[0])
    assert two_factor.check_code(user, codes[1].replace("-", ""))
    assert two_factor.recovery_codes_left(user) == 8
    assert _actions("recovery code used") == 2


def test_new_recovery_codes_replace_the_old(make_user):
    """New codes need the password; the old ones then stop working."""
    user = make_user()
    _, old = _on(user)
    with pytest.raises(Invalid):
        two_factor.renew_recovery_codes(user, "not my password")
    new = two_factor.renew_recovery_codes(user, "correct horse battery")
    assert not two_factor.check_code(user, old[2])
    assert two_factor.check_code(user, new[2])


def test_only_optional_roles_turn_it_off(make_user, make_cluster):
    """A member turns it off with their password; a headteacher may not."""
    member = make_user()
    _on(member)
    with pytest.raises(Invalid):
        two_factor.turn_off(member, "wrong password")
    two_factor.turn_off(member, "correct horse battery")
    assert not two_factor.is_on(member) and two_factor.recovery_codes_left(member) == 0
    head = make_user(make_cluster(schools=1).schools[0], "headteacher")
    _on(head)
    with pytest.raises(Forbidden):
        two_factor.turn_off(head, "correct horse battery")
    assert two_factor.is_on(head)


@pytest.mark.parametrize(("flags", "required"), [
    ({}, False), ({"lle": True}, True), ({"site_admin": True}, True),
    ({"coordinator": True}, True), ({"role": "headteacher"}, True),
    ({"role": "senior_leader"}, False)])
def test_who_must_have_it(make_user, make_cluster, flags, required):
    """Site admins, LLEs, coordinators and headteachers; no one else."""
    school = make_cluster(schools=1).schools[0] if "role" in flags else None
    assert two_factor.is_required(make_user(school, **flags)) is required


def test_the_grace_starts_at_the_first_sign_in_under_the_requirement(make_user):
    """14 days from the first sign-in as a role that needs it; then set-up comes first."""
    admin = make_user(site_admin=True)
    assert admin.two_factor_required_since is None
    assert two_factor.days_left(admin) == 14 and not two_factor.must_set_up_now(admin)
    accounts.open_session(admin)
    started = admin.two_factor_required_since
    assert started is not None
    accounts.open_session(admin)
    assert admin.two_factor_required_since == started, "never restarted"
    now = datetime.now(UTC)
    assert two_factor.days_left(admin, now + timedelta(days=3, hours=1)) == 11
    assert not two_factor.must_set_up_now(admin, now + timedelta(days=13, hours=23))
    assert two_factor.must_set_up_now(admin, now + timedelta(days=14, minutes=1))
    assert two_factor.days_left(admin, now + timedelta(days=20)) == 0
    _on(admin)
    assert two_factor.days_left(admin) is None and not two_factor.must_set_up_now(
        admin, now + timedelta(days=20))


def test_an_optional_role_gets_no_grace(make_user):
    """A member's sign-in starts no grace and nothing is asked of them."""
    member = make_user()
    accounts.open_session(member)
    assert member.two_factor_required_since is None and two_factor.days_left(member) is None


def test_a_site_admin_resets_it_audited_and_access_ends(make_user):
    """The reset turns it off, ends the person's sessions and tokens and is in the audit log."""
    admin = make_user(site_admin=True)
    person = make_user(lle=True)
    _on(person)
    accounts.open_session(person)
    tokens.create(person, "Dashboard")
    two_factor.reset(admin, person.id)
    assert not two_factor.is_on(person) and two_factor.recovery_codes_left(person) == 0
    assert db.session.scalar(select(func.count()).select_from(UserSession).where(
        UserSession.user_id == person.id)) == 0
    assert db.session.scalar(select(func.count()).select_from(ApiToken).where(
        ApiToken.user_id == person.id, ApiToken.revoked_at.is_(None))) == 0
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "two-factor reset"))
    assert event.actor_id == admin.id and event.target == f"user:{person.id}"
    assert _actions("access ended") == 1


def test_only_site_admins_reset(make_user):
    """Anyone else is told there is no such thing, and the refusal is audited."""
    person = make_user()
    _on(person)
    for actor in (make_user(lle=True), make_user(coordinator=True)):
        with pytest.raises(NotFound):
            two_factor.reset(actor, person.id)
    db.session.commit()  # the refusals' audit rows (outside a request, in this session)
    assert _actions("access refused") == 2
    assert two_factor.is_on(db.session.get(type(person), person.id))


def test_the_qr_code_holds_the_secret(make_user):
    """The set-up QR code is an SVG of the otpauth address naming the issuer and the secret."""
    user = make_user()
    secret = two_factor.new_secret()
    uri = two_factor.provisioning_uri(user, secret)
    assert uri.startswith("otpauth://totp/") and f"secret={secret}" in uri
    assert "issuer=Improvement%20Network" in uri
    svg = two_factor.qr_svg(uri)
    assert svg.startswith("<svg") and 'role="img"' in svg and "style=" not in svg
