"""Two-step verification: time-based codes (RFC 6238: 30-second steps, six
digits, SHA-1, what every authenticator app reads from a QR code) and
single-use recovery codes, stored only as hashes."""

from __future__ import annotations

import base64
import hashlib
import hmac
import io
import re
import secrets
import time

import pyotp
import qrcode
import qrcode.image.svg
from qrcode.constants import ERROR_CORRECT_M

ISSUER = "Heard"
STEP_SECONDS = 30
RECOVERY_CODES = 10
# No 0/o, 1/l/i: codes are read off paper and typed.
_ALPHABET = "abcdefghjkmnpqrstuvwxyz23456789"
_SIX_DIGITS = re.compile(r"[0-9]{6}", re.ASCII)


def new_secret() -> str:
    return pyotp.random_base32()  # 160 bits, as RFC 4226 recommends


def provisioning_uri(secret: str, email: str) -> str:
    return pyotp.TOTP(secret).provisioning_uri(name=email, issuer_name=ISSUER)


def qr_data_uri(uri: str) -> str:
    """The QR code as an SVG data: address (the Content-Security-Policy allows data: images)."""
    qr = qrcode.QRCode(error_correction=ERROR_CORRECT_M, box_size=8, border=4)
    qr.add_data(uri)
    qr.make(fit=True)
    buffer = io.BytesIO()
    qr.make_image(image_factory=qrcode.image.svg.SvgPathImage).save(buffer)
    return "data:image/svg+xml;base64," + base64.b64encode(buffer.getvalue()).decode()


def grouped_secret(secret: str) -> str:
    """The secret in groups of four, for typing into an app by hand."""
    return " ".join(secret[i : i + 4] for i in range(0, len(secret), 4))


def matching_step(secret: str, code: str, now: float | None = None) -> int | None:
    """The 30-second step a six-digit code belongs to (this one or either
    neighbour, for clocks a little out), or None."""
    code = "".join(code.split())
    if not _SIX_DIGITS.fullmatch(code):
        return None
    totp = pyotp.TOTP(secret)
    current = int((time.time() if now is None else now) // STEP_SECONDS)
    for step in (current - 1, current, current + 1):
        if hmac.compare_digest(totp.generate_otp(step).encode(), code.encode()):
            return step
    return None


def new_recovery_codes() -> list[str]:
    """Ten codes like 'k7wq-3mzp-x9hd' (about 70 bits each)."""
    return [
        "-".join("".join(secrets.choice(_ALPHABET) for _ in range(4)) for _ in range(3)) for _ in range(RECOVERY_CODES)
    ]


def recovery_hash(code: str) -> str:
    """Random codes this long need no slow hash; spaces, hyphens and capitals don't matter."""
    normal = "".join(ch for ch in code.lower() if ch in _ALPHABET)
    return hashlib.sha256(("heard-recovery:" + normal).encode()).hexdigest()


def looks_like_recovery_code(code: str) -> bool:
    return len("".join(ch for ch in code.lower() if ch in _ALPHABET)) == 12
