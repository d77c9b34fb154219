"""Sending email through the configured backend.

`outbox` (the default) keeps each message in an outbox that site admins can read;
`smtp://host:port` hands it to a mail server; `log` only logs. The log says who, what
subject and which message id, never the body (it may hold a live reset link).
"""

import logging
import smtplib
from email.message import EmailMessage
from email.utils import make_msgid
from urllib.parse import urlparse

from flask import current_app

from models import OutboxMail
from network.extensions import db

log = logging.getLogger(__name__)


def send(recipient: str, subject: str, body: str, headers: dict[str, str] | None = None) -> None:
    """Send one plain-text email to `recipient` (the caller's transaction records it), with any
    extra `headers` (such as List-Unsubscribe) when it goes by SMTP."""
    backend = current_app.config["MAIL_BACKEND"]
    message_id = make_msgid(domain="improvement-network")
    log.info("mail to=%s subject=%r id=%s", recipient, subject, message_id)
    if backend == "outbox":
        db.session.add(OutboxMail(recipient=recipient, subject=subject, body=body))
    elif backend.startswith("smtp://"):
        url = urlparse(backend)
        message = EmailMessage()
        message["From"] = current_app.config["MAIL_FROM"]
        message["To"] = recipient
        message["Subject"] = subject
        message["Message-ID"] = message_id
        for name, value in (headers or {}).items():
            message[name] = value
        message.set_content(body)
        with smtplib.SMTP(url.hostname or "localhost", url.port or 25, timeout=10) as smtp:
            smtp.send_message(message)
