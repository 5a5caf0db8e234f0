"""The `synergy` console command: Django's manage.py with Synergy's settings."""

from __future__ import annotations

import base64
import os
import secrets
import sys
from pathlib import Path


def _var_dir() -> Path:
    default = Path(__file__).resolve().parent.parent / "var"
    return Path(os.environ.get("SYNERGY_VAR_DIR", str(default)))


def _ensure_local_secret_key(var_dir: Path) -> None:
    """On a single machine with no key configured, keep one in var/secret_key.

    Production sets SECRET_KEY or SECRET_KEY_FILE and never reaches this; a laptop or a field
    office server gets a random key that survives restarts, so sessions stay valid.
    """
    if os.environ.get("SECRET_KEY") or os.environ.get("SECRET_KEY_FILE"):
        return
    path = var_dir / "secret_key"
    if not path.exists():
        path.write_text(secrets.token_urlsafe(50) + "\n", encoding="utf-8")
        path.chmod(0o600)
    os.environ["SECRET_KEY_FILE"] = str(path)


def _ensure_local_field_keys(var_dir: Path) -> None:
    """Likewise, keep a random Fernet key for the CLMS field encryption in
    var/field_encryption_keys when FIELD_ENCRYPTION_KEYS(_FILE) is not configured.

    Losing this file makes the encrypted personal data unreadable: back it up with the database.
    """
    if os.environ.get("FIELD_ENCRYPTION_KEYS") or os.environ.get("FIELD_ENCRYPTION_KEYS_FILE"):
        return
    path = var_dir / "field_encryption_keys"
    if not path.exists():
        # Fernet key format: 32 random bytes, url-safe base64.
        key = base64.urlsafe_b64encode(secrets.token_bytes(32)).decode()
        path.write_text(key + "\n", encoding="utf-8")
        path.chmod(0o600)
    os.environ["FIELD_ENCRYPTION_KEYS_FILE"] = str(path)


def main(argv: list[str] | None = None) -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "synergy.settings")
    var_dir = _var_dir()
    # The embedded database and generated files live under var/; create it on first use.
    var_dir.mkdir(parents=True, exist_ok=True)
    _ensure_local_secret_key(var_dir)
    _ensure_local_field_keys(var_dir)
    from django.core.management import execute_from_command_line

    execute_from_command_line(["synergy", *(sys.argv[1:] if argv is None else argv)])


if __name__ == "__main__":
    main()
