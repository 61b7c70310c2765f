"""The nginx site configuration in infra/nginx is one nginx accepts (`nginx -t`,
Debian's nginx, which infra/setup.sh --test installs) and keeps the headers
and caching Heard decides: HSTS everywhere, no caching added by nginx."""

from __future__ import annotations

import datetime as dt
import re
import shutil
import subprocess
from pathlib import Path

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID

from service.settings import REPO_ROOT

SITE = REPO_ROOT / "infra" / "nginx" / "heard-site.conf"
NGINX = shutil.which("nginx") or "/usr/sbin/nginx"


def _self_signed(directory: Path) -> tuple[Path, Path]:
    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "feedback.example.gov.uk")])
    now = dt.datetime.now(dt.UTC)
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(1)
        .not_valid_before(now)
        .not_valid_after(now + dt.timedelta(days=1))
        .sign(key, hashes.SHA256())
    )
    cert_path, key_path = directory / "fullchain.pem", directory / "privkey.pem"
    cert_path.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    key_path.write_bytes(
        key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption())
    )
    return cert_path, key_path


def _locations(config: str) -> dict[str, str]:
    return {m.group(1): m.group(2) for m in re.finditer(r"location\s+(\S+)\s*\{(.*?)\n    \}", config, re.S)}


def test_the_site_configuration_passes_nginx_t(tmp_path):
    if not Path(NGINX).exists():
        pytest.fail("nginx is missing: run infra/setup.sh --test (installs Debian's nginx-light)")
    cert, key = _self_signed(tmp_path)
    site = SITE.read_text().replace("/etc/letsencrypt/live/feedback.example.gov.uk/fullchain.pem", str(cert))
    site = site.replace("/etc/letsencrypt/live/feedback.example.gov.uk/privkey.pem", str(key))
    (tmp_path / "site.conf").write_text(site)
    (tmp_path / "nginx.conf").write_text(f"""
pid {tmp_path}/nginx.pid;
error_log {tmp_path}/error.log;
events {{ }}
http {{
    client_body_temp_path {tmp_path}/client_body;
    proxy_temp_path {tmp_path}/proxy;
    include {tmp_path}/site.conf;
}}
""")

    result = subprocess.run(
        [NGINX, "-t", "-p", str(tmp_path), "-c", str(tmp_path / "nginx.conf")],
        capture_output=True,
        text=True,
        timeout=30,
    )

    assert result.returncode == 0, result.stderr
    assert "syntax is ok" in result.stderr and "test is successful" in result.stderr
    assert "[warn]" not in result.stderr, result.stderr


def test_no_location_drops_hsts_or_adds_caching_of_its_own():
    config = SITE.read_text()
    code = "\n".join(line.split("#", 1)[0] for line in config.splitlines())  # without comments

    assert 'add_header Strict-Transport-Security "max-age=63072000; includeSubDomains" always;' in code
    locations = _locations(code)
    assert locations, "the site has locations"
    for path, body in locations.items():
        # An add_header inside a location replaces the server's, HSTS included.
        assert "add_header" not in body, path
    # Heard sends Cache-Control itself (immutable only for content-hashed names, no-store for staff pages).
    assert not re.search(r"^\s*expires\s", code, re.M)
    # A proxy_cache_valid without a proxy_cache zone does nothing: neither is wanted.
    assert "proxy_cache_valid" not in code and not re.search(r"^\s*proxy_cache\s", code, re.M)
