"""A self-signed certificate for `serve --tls` when none is given, made once and kept.

The pair lives in `<data>/tls/` (`cert.pem`, `key.pem` mode 0600) and names localhost, the
loopback addresses and the host the cluster listens on; it is its own CA, so clients verify
with it (`AIS_CLIENT_CA=<data>/tls/cert.pem`). Written atomically: key and certificate appear
together or not at all.
"""

import datetime
import ipaddress
import os
import socket
from pathlib import Path
from typing import Final

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

__all__ = ["CERT_FILE", "KEY_FILE", "TLS_DIR", "ensure_self_signed"]

TLS_DIR: Final = "tls"
CERT_FILE: Final = "cert.pem"
KEY_FILE: Final = "key.pem"
_VALID_DAYS: Final = 825


def _names(host: str) -> list[x509.GeneralName]:
    found: list[x509.GeneralName] = [x509.DNSName("localhost")]
    addresses = {"127.0.0.1", "::1"}
    for name in {host, socket.gethostname()} - {"", "0.0.0.0"}:
        try:
            addresses.add(str(ipaddress.ip_address(name)))
        except ValueError:
            if name != "localhost":
                found.append(x509.DNSName(name))
    found += [x509.IPAddress(ipaddress.ip_address(a)) for a in sorted(addresses)]
    return found


def _write(path: Path, data: bytes, mode: int) -> None:
    tmp = path.with_suffix(".tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, mode)
    with os.fdopen(fd, "wb") as handle:
        handle.write(data)
        handle.flush()
        os.fsync(handle.fileno())
    tmp.replace(path)


def ensure_self_signed(data_dir: Path, host: str = "127.0.0.1") -> tuple[Path, Path]:
    """(cert, key) paths under `data_dir/tls`, made now unless both exist already."""
    directory = data_dir / TLS_DIR
    cert_path, key_path = directory / CERT_FILE, directory / KEY_FILE
    if cert_path.exists() and key_path.exists():
        return cert_path, key_path
    directory.mkdir(parents=True, exist_ok=True)
    key = ec.generate_private_key(ec.SECP256R1())
    subject = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "pyaistore local cluster")])
    now = datetime.datetime.now(datetime.UTC)
    cert = (
        x509.CertificateBuilder()
        .subject_name(subject)
        .issuer_name(subject)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(minutes=5))
        .not_valid_after(now + datetime.timedelta(days=_VALID_DAYS))
        .add_extension(x509.SubjectAlternativeName(_names(host)), critical=False)
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        # Strict verifiers (urllib3 2 sets X509_STRICT) want a CA's key usage and key identifiers.
        .add_extension(
            x509.KeyUsage(True, False, False, False, False, True, True, False, False), critical=True
        )
        .add_extension(x509.ExtendedKeyUsage([ExtendedKeyUsageOID.SERVER_AUTH]), critical=False)
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()), critical=False)
        .add_extension(x509.AuthorityKeyIdentifier.from_issuer_public_key(key.public_key()), critical=False)
        .sign(key, hashes.SHA256())
    )
    key_pem = key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    )
    _write(key_path, key_pem, 0o600)
    _write(cert_path, cert.public_bytes(serialization.Encoding.PEM), 0o644)
    return cert_path, key_path
