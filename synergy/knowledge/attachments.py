"""Which files a good practice may carry, and under which name they are stored and served.

One allowlist for the pages, the API and the download view. A type is allowed by its
extension and by a look at the file's first bytes, so that a renamed program is not accepted
(and later served) as a PDF. Files are stored under a random name: the name a user gave a file
may carry personal data, and it has no business in the storage or in a URL.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from pathlib import PurePath
from typing import Any

from django.core.exceptions import ValidationError
from django.core.files import File
from django.template.defaultfilters import filesizeformat
from django.utils.text import slugify
from django.utils.translation import gettext as _


@dataclass(frozen=True)
class FileType:
    content_type: str
    # The file starts with one of these; none: text, which must hold no NUL byte.
    signatures: tuple[bytes, ...] = ()


_ZIP = (b"PK\x03\x04",)  # Office Open XML and OpenDocument files are zip archives

TYPES: dict[str, FileType] = {
    "pdf": FileType("application/pdf", (b"%PDF-",)),
    "docx": FileType(
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document", _ZIP
    ),
    "xlsx": FileType("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", _ZIP),
    "pptx": FileType(
        "application/vnd.openxmlformats-officedocument.presentationml.presentation", _ZIP
    ),
    "odt": FileType("application/vnd.oasis.opendocument.text", _ZIP),
    "ods": FileType("application/vnd.oasis.opendocument.spreadsheet", _ZIP),
    "odp": FileType("application/vnd.oasis.opendocument.presentation", _ZIP),
    "png": FileType("image/png", (b"\x89PNG\r\n\x1a\n",)),
    "jpg": FileType("image/jpeg", (b"\xff\xd8\xff",)),
    "jpeg": FileType("image/jpeg", (b"\xff\xd8\xff",)),
    "txt": FileType("text/plain"),
    "csv": FileType("text/csv"),
}
UNKNOWN_TYPE = "application/octet-stream"
_SNIFF_BYTES = 8192


def extension_of(name: str) -> str:
    return PurePath(name).suffix.lower().lstrip(".")


def content_type_of(name: str) -> str:
    kind = TYPES.get(extension_of(name))
    return kind.content_type if kind else UNKNOWN_TYPE


def accept_attribute() -> str:
    """For ``<input type="file" accept=…>``."""
    return ",".join(f".{ext}" for ext in TYPES)


def allowed_list() -> str:
    return ", ".join(ext.upper() for ext in TYPES)


def _head(upload: File[Any]) -> bytes:
    upload.seek(0)
    head = upload.read(_SNIFF_BYTES)
    upload.seek(0)
    return head if isinstance(head, bytes) else head.encode()


def check_upload(upload: File[Any], *, max_bytes: int) -> str:
    """The upload's extension, or a ValidationError on ``file`` saying what is wrong."""
    ext = extension_of(upload.name or "")
    kind = TYPES.get(ext)
    if kind is None:
        raise ValidationError(
            {
                "file": [
                    _("This type of file cannot be attached. Allowed types: %(types)s.")
                    % {"types": allowed_list()}
                ]
            },
            code="file_type",
        )
    size = upload.size or 0
    if size == 0:
        raise ValidationError({"file": [_("The file is empty.")]}, code="empty")
    if size > max_bytes:
        raise ValidationError(
            {
                "file": [
                    _("The file is %(size)s; an attachment may be at most %(limit)s.")
                    % {"size": filesizeformat(size), "limit": filesizeformat(max_bytes)}
                ]
            },
            code="file_size",
        )
    head = _head(upload)
    matches = (
        any(head.startswith(sig) for sig in kind.signatures)
        if kind.signatures
        else b"\0" not in head
    )
    if not matches:
        raise ValidationError(
            {
                "file": [
                    _("The content of the file is not that of a .%(extension)s file.")
                    % {"extension": ext}
                ]
            },
            code="file_content",
        )
    return ext


def storage_name(ext: str) -> str:
    return f"{secrets.token_hex(16)}.{ext}"


def default_title(upload_name: str) -> str:
    """The title of an attachment given none: the uploaded file's name without its type."""
    return PurePath(upload_name.replace("\\", "/")).stem.strip()[:200]


def download_name(title: str, ext: str) -> str:
    """A file name safe in a Content-Disposition header and on any file system."""
    stem = slugify(title, allow_unicode=True)[:80].strip("-_") or "attachment"
    return f"{stem}.{ext}" if ext else stem
