"""Key derivation for field encryption, importable from settings (no Django imports)."""

from __future__ import annotations

import base64

from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

ENCRYPTION_INFO = b"synergy-monitoring-field-encryption"
BLIND_INFO = b"synergy-monitoring-blind-index"


def hkdf(material: str | bytes, info: bytes, length: int = 32) -> bytes:
    raw = material.encode() if isinstance(material, str) else material
    return HKDF(algorithm=hashes.SHA256(), length=length, salt=None, info=info).derive(raw)


def derive_fernet_key(secret: str) -> str:
    """A Fernet key derived from a secret with HKDF-SHA256 (DEBUG and tests only)."""
    return base64.urlsafe_b64encode(hkdf(secret, ENCRYPTION_INFO)).decode()
