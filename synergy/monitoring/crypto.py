"""Field-level encryption and blind indexes for the personal data of the CLMS.

Keys
----
``settings.FIELD_ENCRYPTION_KEYS`` is a list of Fernet keys, newest first, read from the
environment variable ``FIELD_ENCRYPTION_KEYS`` (comma-separated) or from the file named by
``FIELD_ENCRYPTION_KEYS_FILE`` (comma- or newline-separated). New values are encrypted with the
first key; any listed key decrypts (``MultiFernet``). Production (DEBUG off, not testing)
refuses to start without keys. Under DEBUG or in tests, when no key is configured, one key is
derived from ``SECRET_KEY`` with HKDF-SHA256 (info ``synergy-monitoring-field-encryption``), so
a laptop demo works without set-up; the ``synergy`` command also keeps a random local key in
``var/field_encryption_keys`` when none is configured (see ``synergy.cli``).

Blind index
-----------
Encrypted values cannot be searched, so each searchable value (a normalised name, its phonetic
code) is also stored as ``HMAC-SHA256(blind_key, value)``. The blind key is derived with HKDF
(info ``synergy-monitoring-blind-index``) from ``settings.FIELD_BLIND_INDEX_KEY`` when set, else
from the OLDEST encryption key (the last of the list), so adding a new key in front does not
change any index. Before removing the oldest key, set ``FIELD_BLIND_INDEX_KEY`` (any long
secret) and run ``synergy monitoring rotate-keys``, which re-encrypts every encrypted column with
the newest key and recomputes every blind index with the current blind key.

Fields
------
``EncryptedTextField`` (str), ``EncryptedJSONField`` (any JSON value) and
``EncryptedBinaryField`` (bytes, e.g. a photo) store a Fernet token in a text column. They
cannot be filtered or ordered on; search through the blind index columns instead.
"""

from __future__ import annotations

import functools
import hashlib
import hmac
import json
import re
import unicodedata
from typing import Any

import jellyfish
from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.db import models

from synergy.monitoring.crypto_keys import BLIND_INFO, ENCRYPTION_INFO, derive_fernet_key, hkdf

__all__ = ["BLIND_INFO", "ENCRYPTION_INFO", "derive_fernet_key", "hkdf"]


def configured_keys() -> list[str]:
    keys = list(getattr(settings, "FIELD_ENCRYPTION_KEYS", []) or [])
    if not keys:
        raise ImproperlyConfigured(
            "FIELD_ENCRYPTION_KEYS (or FIELD_ENCRYPTION_KEYS_FILE) must be set to encrypt "
            "personal data."
        )
    return keys


@functools.cache
def _fernet(keys: tuple[str, ...]) -> MultiFernet:
    try:
        return MultiFernet([Fernet(key.encode()) for key in keys])
    except (ValueError, TypeError) as exc:
        raise ImproperlyConfigured(
            "FIELD_ENCRYPTION_KEYS must hold Fernet keys (32 url-safe base64-encoded bytes); "
            "make one with `python -c 'from cryptography.fernet import Fernet; "
            "print(Fernet.generate_key().decode())'`"
        ) from exc


def fernet() -> MultiFernet:
    return _fernet(tuple(configured_keys()))


@functools.cache
def _blind_key(material: str) -> bytes:
    return hkdf(material, BLIND_INFO)


def blind_key() -> bytes:
    material = getattr(settings, "FIELD_BLIND_INDEX_KEY", "") or configured_keys()[-1]
    return _blind_key(material)


def encrypt_bytes(value: bytes) -> str:
    return fernet().encrypt(value).decode("ascii")


def decrypt_bytes(token: str) -> bytes:
    try:
        return fernet().decrypt(token.encode("ascii"))
    except InvalidToken:
        # Never include the token or the value: only say which keys are missing.
        raise ImproperlyConfigured(
            "An encrypted value cannot be decrypted with any key in FIELD_ENCRYPTION_KEYS "
            "(was a key removed before `synergy monitoring rotate-keys` ran?)"
        ) from None


def rotate_token(token: str) -> str:
    """The same plaintext, encrypted with the newest key."""
    try:
        return fernet().rotate(token.encode("ascii")).decode("ascii")
    except InvalidToken:
        raise ImproperlyConfigured("An encrypted value cannot be decrypted for rotation") from None


def token_key_index(token: str) -> int | None:
    """Which configured key decrypts ``token`` (0 = newest), or None."""
    for index, key in enumerate(configured_keys()):
        try:
            Fernet(key.encode()).decrypt(token.encode("ascii"))
        except InvalidToken:
            continue
        return index
    return None


# -- normalisation and blind indexes ----------------------------------------------------------

_NON_LETTERS = re.compile(r"[^a-z0-9]+")


def normalise_name(value: str) -> str:
    """Lower case, accents removed, punctuation and hyphens become spaces, spaces collapsed."""
    text = unicodedata.normalize("NFKD", value or "")
    text = "".join(ch for ch in text if not unicodedata.combining(ch)).lower()
    return " ".join(_NON_LETTERS.sub(" ", text).split())


def name_tokens(*parts: str) -> list[str]:
    """The distinct normalised words of a name, sorted (word order does not matter)."""
    words: set[str] = set()
    for part in parts:
        words.update(normalise_name(part).split())
    return sorted(words)


def phonetic(word: str) -> str:
    """A phonetic code of one normalised word (Metaphone; the word itself if it has none)."""
    code = jellyfish.metaphone(word) if word else ""
    return code or word


def blind_index(value: str, *, purpose: str, key: bytes | None = None) -> str:
    """HMAC-SHA256 hex digest of ``purpose:value`` with the blind key (or ``key``, the same key
    read once for many values); "" for an empty value.

    ``purpose`` separates the spaces (an exact name never equals a phonetic code's digest)."""
    if not value:
        return ""
    message = f"{purpose}:{value}".encode()
    return hmac.new(key or blind_key(), message, hashlib.sha256).hexdigest()


def name_fingerprint(*parts: str) -> str:
    """Blind index of the whole normalised name (words sorted)."""
    return blind_index(" ".join(name_tokens(*parts)), purpose="name")


def phonetic_fingerprint(*parts: str) -> str:
    """Blind index of the sorted phonetic codes of the name's words."""
    return blind_index(" ".join(sorted(phonetic(w) for w in name_tokens(*parts))), purpose="ph")


def token_digests(*parts: str) -> list[tuple[str, str]]:
    """(kind, digest) for each word of the name: kind "exact" and "phonetic". Searching for
    one word of a name ("Zanele") matches through these."""
    out: list[tuple[str, str]] = []
    for word in name_tokens(*parts):
        out.append(("exact", blind_index(word, purpose="word")))
        out.append(("phonetic", blind_index(phonetic(word), purpose="word-ph")))
    return sorted(set(out))


class NameIndexer:
    """The blind indexes of many names under one key, each distinct word normalised, coded and
    digested once: the same values as ``name_fingerprint``, ``phonetic_fingerprint`` and
    ``token_digests``, for an import of many children. Keep one for a single batch only: it
    holds the names' words in memory."""

    def __init__(self) -> None:
        self._key = blind_key()
        self._words: dict[str, tuple[str, str, str]] = {}

    def _word(self, word: str) -> tuple[str, str, str]:
        """(phonetic code, exact token digest, phonetic token digest) of a normalised word."""
        known = self._words.get(word)
        if known is None:
            code = phonetic(word)
            known = (
                code,
                blind_index(word, purpose="word", key=self._key),
                blind_index(code, purpose="word-ph", key=self._key),
            )
            self._words[word] = known
        return known

    def index(self, *parts: str) -> tuple[str, str, list[tuple[str, str]]]:
        """(name fingerprint, phonetic fingerprint, token digests) of one name."""
        words = name_tokens(*parts)
        coded = [self._word(word) for word in words]
        tokens = {("exact", exact) for _code, exact, _ph in coded}
        tokens.update(("phonetic", ph) for _code, _exact, ph in coded)
        return (
            blind_index(" ".join(words), purpose="name", key=self._key),
            blind_index(
                " ".join(sorted(code for code, _e, _p in coded)), purpose="ph", key=self._key
            ),
            sorted(tokens),
        )


# -- model fields -----------------------------------------------------------------------------


class EncryptedTextField(models.TextField):
    """A text value stored as a Fernet token. Empty strings are stored as "" (not secret)."""

    description = "Encrypted text"

    def from_db_value(self, value: Any, expression: Any, connection: Any) -> Any:
        if value is None or value == "":
            return value
        return self._decode(decrypt_bytes(value))

    def to_python(self, value: Any) -> Any:
        return value

    def get_prep_value(self, value: Any) -> Any:
        if value is None:
            return None
        if value == "" and not isinstance(value, bytes):
            return ""
        return encrypt_bytes(self._encode(value))

    def _encode(self, value: Any) -> bytes:
        return str(value).encode("utf-8")

    def _decode(self, raw: bytes) -> Any:
        return raw.decode("utf-8")


class EncryptedJSONField(EncryptedTextField):
    """Any JSON value, encrypted. ``None`` is stored as NULL."""

    description = "Encrypted JSON"

    def get_prep_value(self, value: Any) -> Any:
        if value is None:
            return None
        return encrypt_bytes(self._encode(value))

    def _encode(self, value: Any) -> bytes:
        return json.dumps(value, ensure_ascii=False, sort_keys=True).encode("utf-8")

    def _decode(self, raw: bytes) -> Any:
        return json.loads(raw)


class EncryptedBinaryField(EncryptedTextField):
    """Bytes (a photo), encrypted. Empty bytes are stored as NULL."""

    description = "Encrypted bytes"

    def get_prep_value(self, value: Any) -> Any:
        if not value:
            return None
        return encrypt_bytes(self._encode(value))

    def _encode(self, value: Any) -> bytes:
        return bytes(value)

    def _decode(self, raw: bytes) -> Any:
        return raw
