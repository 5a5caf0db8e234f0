from __future__ import annotations

from django.apps import AppConfig
from django.db.models.signals import post_delete, post_migrate
from django.utils.translation import gettext_lazy as _


class KnowledgeConfig(AppConfig):
    name = "synergy.knowledge"
    label = "knowledge"
    verbose_name = _("Knowledge base")

    def ready(self) -> None:
        # A later migration that remakes a table on SQLite drops the search triggers; put
        # them back after every migrate (see synergy/knowledge/search/__init__.py).
        from synergy.knowledge.search import schema

        post_migrate.connect(
            schema.post_migrate_handler, sender=self, dispatch_uid="knowledge-search-index"
        )
        from synergy.knowledge.models import PracticeAttachment
        from synergy.knowledge.signals import remove_attachment_file

        post_delete.connect(
            remove_attachment_file,
            sender=PracticeAttachment,
            dispatch_uid="knowledge-attachment-file",
        )
