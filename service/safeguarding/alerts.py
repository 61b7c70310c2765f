"""Telling someone that words are waiting too long: a warning in the logs, a
JSON POST to HEARD_ESCALATION_WEBHOOK, and an email to HEARD_ESCALATION_EMAIL
through the SMTP server in HEARD_SMTP_*.

The webhook body is a JSON object whose `text` field Microsoft Teams and Slack
incoming webhooks show as the message, as it is; the other fields (event,
queue, items) are for incident tools. Neither the webhook nor the email ever
carries what anyone wrote: only how many items, which teams, since when, and
where to read them. A failure to deliver raises, so the caller's transaction
rolls back and the next run tries again.
"""

from __future__ import annotations

import asyncio
import logging
import smtplib
import ssl
import urllib.request
from email.message import EmailMessage

import msgspec

from service.settings import Settings

log = logging.getLogger("heard.safeguarding")


class Alert(msgspec.Struct, frozen=True):
    event: str  # "heard.safeguarding.overdue", "heard.reading.overdue"
    subject: str  # one line: the email subject
    text: str  # the message: counts, teams, where to read (never the words written)
    link: str  # the page to open
    items: list[dict]  # {"id", "team", "kind", "arrived_at"} for incident tools


async def send(settings: Settings, alert: Alert) -> None:
    log.warning(alert.subject, extra={"event": alert.event, "items": [i["id"] for i in alert.items]})
    if settings.escalation_webhook:
        body = {
            "text": f"{alert.text}\n{alert.link}",
            "event": alert.event,
            "queue": alert.link,
            "message": alert.subject,
            "items": alert.items,
        }
        await asyncio.to_thread(_post, settings.escalation_webhook, msgspec.json.encode(body))
    if settings.smtp_host and recipients(settings):
        await asyncio.to_thread(_email, settings, alert)


def recipients(settings: Settings) -> list[str]:
    return [address.strip() for address in settings.escalation_email.split(",") if address.strip()]


def _post(url: str, body: bytes) -> None:
    request = urllib.request.Request(
        url, data=body, method="POST", headers={"Content-Type": "application/json", "User-Agent": "Heard"}
    )
    with urllib.request.urlopen(request, timeout=10) as response:  # noqa: S310 (configured by the deployer)
        response.read()


def _email(settings: Settings, alert: Alert) -> None:
    message = EmailMessage()
    message["Subject"] = f"Heard: {alert.subject}"
    message["From"] = settings.smtp_from
    message["To"] = ", ".join(recipients(settings))
    message.set_content(
        f"{alert.text}\n\nOpen: {alert.link}\n\n"
        "This message never contains what anyone wrote. Sign in to Heard to read it.\n"
    )
    with smtplib.SMTP(settings.smtp_host, settings.smtp_port, timeout=10) as smtp:
        if settings.smtp_starttls:
            smtp.starttls(context=ssl.create_default_context())
        if settings.smtp_user:
            smtp.login(settings.smtp_user, settings.smtp_password)
        smtp.send_message(message)
