"""Email for what a person must act on (a proposal to decide, a join request, a contact
request, a returned record): on by default, one click to stop.

The notice goes to the inbox at once; the email is sent by a job after the change commits
(network/ops/jobs.py builds its links from PUBLIC_URL). Services know no HTTP: they name the
page by endpoint and arguments, as inbox notices do.
"""

from flask import current_app
from itsdangerous import BadSignature, URLSafeSerializer

from models import User
from network.extensions import db
from network.services import inbox, later


def ask(user: User | int, subject: str, body: str, endpoint: str, **args) -> None:
    """Tell someone in their inbox what they must act on and, once the caller commits, email
    them too unless they have turned such emails off."""
    inbox.notify(user, subject, body, endpoint, **args)
    user_id = user if isinstance(user, int) else user.id
    later.after_commit("action_mail", user_id=user_id, subject=subject[:200], body=body,
                       endpoint=endpoint, args=args)


def wants_mail(user: User | None) -> bool:
    """Whether `user` should be emailed what they must act on."""
    return user is not None and user.is_active and user.email_actions \
        and user.email_verified_at is not None


def text(user: User, subject: str, body: str, link: str, unsubscribe: str,
         settings: str) -> str:
    """The email's plain text: what to do, where to do it, and how to stop these emails."""
    lines = [f"Hello {user.name},", "", subject + "."]
    if body.strip():
        lines += ["", body.strip()]
    lines += ["", f"Open it on the Improvement Network: {link}", "",
              "You get this email because you have something to act on. To stop these emails, "
              f"open {unsubscribe}",
              f"or change your email settings: {settings}"]
    return "\n".join(lines)


def _serializer() -> URLSafeSerializer:
    return URLSafeSerializer(current_app.config["SECRET_KEY"], salt="unsubscribe-actions")


def unsubscribe_token(user: User) -> str:
    """A signed token that turns off `user`'s action emails (no sign-in needed, no expiry:
    the link in an old email still works)."""
    return _serializer().dumps({"user": user.id, "email": user.email})


def user_for_token(token: str) -> User | None:
    """The person an unsubscribe token names, or None if it is forged or their email changed."""
    try:
        data = _serializer().loads(token)
    except BadSignature:
        return None
    if not isinstance(data, dict) or not isinstance(data.get("user"), int):
        return None
    user = db.session.get(User, data["user"])
    return user if user is not None and user.email == data.get("email") else None


def choose(user: User, on: bool) -> None:
    """Turn `user`'s action emails on or off."""
    user.email_actions = on
    db.session.commit()
