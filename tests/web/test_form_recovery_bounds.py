"""What a signed-out POST typed is kept only for a session that has just expired, bounded in
size and number."""

from datetime import UTC, datetime, timedelta

from sqlalchemy import func, select, update

from models import SavedDraft, UserSession
from network.extensions import db
from tests.factories import csrf_token

FORM = "/account/password"  # any form behind sign-in


def _expire(user, hours_ago: float) -> None:
    """Make the user's sessions have ended `hours_ago` hours ago."""
    session_hours = 12
    started = datetime.now(UTC) - timedelta(hours=session_hours + hours_ago)
    db.session.execute(update(UserSession).where(UserSession.user_id == user.id)
                       .values(created_at=started))
    db.session.commit()


def _typed(client, size: int = 100):
    token = csrf_token(client, "/login")
    return client.post(FORM, data={"current_password": "x" * size, "csrf_token": token})


def _drafts(user=None) -> int:
    query = select(func.count()).select_from(SavedDraft)
    if user is not None:
        query = query.where(SavedDraft.user_id == user.id)
    return db.session.scalar(query)


def test_a_post_from_a_session_that_just_expired_is_kept_for_that_person(client, make_user,
                                                                         login):
    user = make_user()
    login(user)
    _expire(user, hours_ago=0.5)
    response = _typed(client)
    assert response.status_code == 302 and "/login" in response.headers["Location"]
    draft = db.session.scalar(select(SavedDraft))
    assert draft.user_id == user.id
    assert draft.session_id == db.session.scalar(select(UserSession.id).where(
        UserSession.user_id == user.id))


def test_a_post_with_no_session_is_not_kept(client):
    """A visitor who never signed in (or a script) stores nothing."""
    for _ in range(3):
        _typed(client)
    assert _drafts() == 0


def test_a_post_after_signing_out_or_long_after_expiry_is_not_kept(app, make_user, login):
    user = make_user()
    signed_out = login(user, as_client=app.test_client())
    signed_out.post("/logout", data={"csrf_token": csrf_token(signed_out, "/inbox")})
    assert signed_out.get("/inbox").status_code == 302
    _typed(signed_out)
    long_ago = login(user, as_client=app.test_client())
    _expire(user, hours_ago=30)
    _typed(long_ago)
    assert _drafts() == 0


def test_over_200_kb_is_not_kept(client, make_user, login):
    user = make_user()
    login(user)
    _expire(user, hours_ago=0.5)
    _typed(client, size=210 * 1024)
    assert _drafts() == 0
    _typed(client, size=190 * 1024)
    assert _drafts() == 1


def test_at_most_five_per_person(client, make_user, login):
    user = make_user()
    login(user)
    _expire(user, hours_ago=0.5)
    for _ in range(8):
        _typed(client)
    assert _drafts(user) == 5
