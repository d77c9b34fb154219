"""Sending email through the configured backend.

`outbox` (the default) writes each message to the log and to an outbox that site
admins can read; `smtp://host:port` hands it to a mail server; `log` only logs.
"""

import logging
import smtplib
from email.message import EmailMessage
from urllib.parse import urlparse

from flask import current_app

from models import OutboxMail
from network.extensions import db

log = logging.getLogger(__name__)


def send(recipient: str, subject: str, body: str) -> None:
    """Send one plain-text email to `recipient` (the caller's transaction records it)."""
    backend = current_app.config["MAIL_BACKEND"]
    log.info("mail to=%s subject=%r\n%s", recipient, subject, body)
    if backend == "outbox":
        db.session.add(OutboxMail(recipient=recipient, subject=subject, body=body))
    elif backend.startswith("smtp://"):
        url = urlparse(backend)
        message = EmailMessage()
        message["From"] = current_app.config["MAIL_FROM"]
        message["To"] = recipient
        message["Subject"] = subject
        message.set_content(body)
        with smtplib.SMTP(url.hostname or "localhost", url.port or 25, timeout=10) as smtp:
            smtp.send_message(message)
