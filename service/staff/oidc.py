"""Signing in with the organisation's own accounts (Microsoft Entra ID, Google
Workspace, Keycloak, any OpenID Connect provider): the authorization code
flow with PKCE (S256), through Authlib; the ID token's signature is checked
against the provider's published keys and its issuer, audience, expiry and
nonce by Authlib's OpenID Connect rules.

Heard keeps nothing from the provider but the email (to find the account) and
the subject (so another person given that email later is not let in)."""

from __future__ import annotations

import logging
import time

import httpx2
import msgspec
from authlib.common.errors import AuthlibBaseError
from authlib.integrations.httpx_client import AsyncOAuth2Client
from authlib.oidc.core import CodeIDToken
from joserfc import jwt
from joserfc.errors import JoseError
from joserfc.jwk import KeySet

from service.settings import Settings

log = logging.getLogger("heard.staff.oidc")

SCOPE = "openid email profile"
CALLBACK_PATH = "/staff/sign-in/oidc/callback"
_KEPT_SECONDS = 3600  # provider metadata and keys, per process
_cache: dict[str, tuple[float, dict]] = {}


class OidcFailed(Exception):
    """The provider's answer could not be trusted or used (details are logged, never shown)."""


class Identity(msgspec.Struct, frozen=True):
    subject: str
    email: str
    name: str


def redirect_uri(settings: Settings) -> str:
    return settings.base_url.rstrip("/") + CALLBACK_PATH


async def _get_json(url: str, *, fresh: bool = False) -> dict:
    kept = _cache.get(url)
    if kept and not fresh and time.monotonic() - kept[0] < _KEPT_SECONDS:
        return kept[1]
    async with httpx2.AsyncClient(timeout=10) as client:
        response = await client.get(url)
        response.raise_for_status()
        body = response.json()
    _cache[url] = (time.monotonic(), body)
    return body


async def _metadata(settings: Settings) -> dict:
    issuer = settings.oidc_issuer.rstrip("/")
    metadata = await _get_json(issuer + "/.well-known/openid-configuration")
    if str(metadata.get("issuer", "")).rstrip("/") != issuer:
        raise OidcFailed("the provider's metadata names another issuer")
    return metadata


def _client(settings: Settings) -> AsyncOAuth2Client:
    return AsyncOAuth2Client(
        client_id=settings.oidc_client_id,
        client_secret=settings.oidc_client_secret or None,
        scope=SCOPE,
        redirect_uri=redirect_uri(settings),
        code_challenge_method="S256",
        timeout=10,
    )


async def authorization_url(settings: Settings, *, state: str, nonce: str, code_verifier: str) -> str:
    """Where to send the person to sign in at their organisation."""
    try:
        metadata = await _metadata(settings)
        async with _client(settings) as client:
            url, _ = client.create_authorization_url(
                metadata["authorization_endpoint"], state=state, nonce=nonce, code_verifier=code_verifier
            )
    except (httpx2.HTTPError, KeyError, ValueError) as error:
        log.warning("openid connect: provider unreachable", extra={"error": type(error).__name__})
        raise OidcFailed(str(error)) from None
    return url


async def identity(settings: Settings, *, code: str, nonce: str, code_verifier: str) -> Identity:
    """Swap the code (with the PKCE verifier) for tokens and read who signed in from the checked ID token."""
    try:
        metadata = await _metadata(settings)
        async with _client(settings) as client:
            token = await client.fetch_token(
                metadata["token_endpoint"], grant_type="authorization_code", code=code, code_verifier=code_verifier
            )
        claims = await _checked_claims(metadata, token, settings=settings, nonce=nonce)
    except (httpx2.HTTPError, AuthlibBaseError, JoseError, KeyError, ValueError) as error:
        log.warning("openid connect: sign-in refused", extra={"error": type(error).__name__})
        raise OidcFailed(str(error)) from None
    email = claims.get(settings.oidc_email_claim)
    if not isinstance(email, str) or "@" not in email or claims.get("email_verified") is False:
        raise OidcFailed("no verified email in the ID token")
    name = claims.get("name")
    return Identity(
        subject=str(claims["sub"]),
        email=email.strip().lower(),
        name=name if isinstance(name, str) and name.strip() else email,
    )


async def _key_set(url: str, *, fresh: bool = False) -> KeySet:
    """The provider's signing keys, from its JWKS document ({"keys": [...]})."""
    document = await _get_json(url, fresh=fresh)
    return KeySet.import_key_set({"keys": document["keys"]})


async def _checked_claims(metadata: dict, token: dict, *, settings: Settings, nonce: str) -> CodeIDToken:
    if "id_token" not in token:
        raise OidcFailed("no ID token")
    # Only asymmetric signatures: never "none", never a shared-secret HMAC.
    algorithms = [
        a
        for a in metadata.get("id_token_signing_alg_values_supported") or ["RS256"]
        if a != "none" and not a.startswith("HS")
    ] or ["RS256"]
    keys = await _key_set(metadata["jwks_uri"])
    try:
        decoded = jwt.decode(token["id_token"], keys, algorithms=algorithms)
    except JoseError:  # the provider may have rotated its keys: fetch them once more
        keys = await _key_set(metadata["jwks_uri"], fresh=True)
        decoded = jwt.decode(token["id_token"], keys, algorithms=algorithms)
    claims = CodeIDToken(
        decoded.claims,
        decoded.header,
        {"iss": {"values": [metadata["issuer"]]}},
        {"nonce": nonce, "client_id": settings.oidc_client_id, "access_token": token.get("access_token")},
    )
    claims.validate(leeway=120)
    return claims
