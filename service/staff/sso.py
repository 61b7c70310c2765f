"""Coming back from the organisation's single sign-on: checks, the provider's answer, the account, a session.

No transaction is held open while the provider is asked (an HTTP call): the attempt is taken with one
statement first, and the account and session are written together after.
"""

from __future__ import annotations

import hmac

import asyncpg
import msgspec

from service.settings import Settings

from . import oidc, service
from .service import SignedIn


class Return(msgspec.Struct, frozen=True):
    signed_in: SignedIn | None
    problem: str | None = None  # sso_failed, sso_domain, sso_no_account (the sign-in page words each)
    next_path: str = "/staff"


async def come_back(conn: asyncpg.Connection, settings: Settings, *, sent: str, kept: str, code: str | None) -> Return:
    if not sent or not hmac.compare_digest(sent.encode(), kept.encode()):
        return Return(None, "sso_failed")
    attempt = await service.take_sso_attempt(conn, state=sent)
    if attempt is None or not code:
        return Return(None, "sso_failed")
    try:
        who = await oidc.identity(settings, code=code, nonce=attempt.nonce, code_verifier=attempt.code_verifier)
    except oidc.OidcFailed:
        return Return(None, "sso_failed", attempt.next_path)
    domain = who.email.rpartition("@")[2]
    if settings.oidc_domains and domain not in settings.oidc_domains:
        await service.record(
            conn, staff_id=None, action="sso_refused", detail={"email_domain": domain, "why": "domain not allowed"}
        )
        return Return(None, "sso_domain", attempt.next_path)
    async with conn.transaction():
        signed_in = await service.sso_sign_in(
            conn, email=who.email, subject=who.subject, name=who.name, create=settings.oidc_new_accounts == "create"
        )
    return Return(signed_in, None if signed_in else "sso_no_account", attempt.next_path)
