"""Set-up shared by the attachment tests: a temporary MEDIA_ROOT and small valid files."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from synergy.core.models import User
from synergy.knowledge import services
from synergy.knowledge.models import GoodPractice, PracticeAttachment
from synergy.knowledge.tests.helpers import KnowledgeTestCase

PDF = b"%PDF-1.4\n1 0 obj << >> endobj\n%%EOF\n"


def pdf(name: str = "toolkit.pdf", content: bytes = PDF) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content, content_type="application/pdf")


class AttachmentTestCase(KnowledgeTestCase):
    media: Path

    @pytest.fixture(autouse=True)
    def _temporary_media_root(self, settings: Any, tmp_path: Path) -> None:
        settings.MEDIA_ROOT = tmp_path
        self.media = tmp_path

    def attach(
        self, practice: GoodPractice, actor: User | None = None, **kwargs: Any
    ) -> PracticeAttachment:
        kwargs.setdefault("file", pdf())
        return services.attachment_add(actor=actor or self.kate, practice=practice, **kwargs)

    def stored_files(self) -> list[Path]:
        return [p for p in self.media.rglob("*") if p.is_file()]
