"""An attachment's file goes with its row, however the row goes: deleted on its own, with
its practice (a cascade), or from the admin. After the commit: a rolled-back delete must
still find its file."""

from __future__ import annotations

from typing import Any

from django.db import transaction

from synergy.knowledge.models import PracticeAttachment


def remove_attachment_file(sender: Any, instance: PracticeAttachment, **kwargs: Any) -> None:
    storage, name = instance.file.storage, instance.file.name
    if name:
        transaction.on_commit(lambda: storage.delete(name), using=kwargs.get("using"))
