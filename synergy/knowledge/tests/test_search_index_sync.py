from __future__ import annotations

from django.db import connection

from synergy.knowledge.models import Event, Outcome, PracticeStatus
from synergy.knowledge.search import index_practice, rebuild_index, schema, search
from synergy.knowledge.tests.test_search_support import SearchTestCase


class SearchIndexSyncTests(SearchTestCase):
    def titles(self, query: str) -> list[str]:
        return [h.title for h in search(user=self.bob, query=query).hits]

    def test_it_follows_edits_and_deletes(self) -> None:
        practice = self.practice("Apprenticeships", summary="Workshops for adolescents.")
        self.assertEqual(self.titles("workshops"), ["Apprenticeships"])
        practice.summary = "Mentoring for adolescents."
        practice.save()
        self.assertEqual(self.titles("workshops"), [])
        self.assertEqual(self.titles("mentoring"), ["Apprenticeships"])
        practice.delete()
        self.assertEqual(self.titles("mentoring"), [])

    def test_it_follows_publication_without_reindexing(self) -> None:
        practice = self.practice("Tea estates", status=PracticeStatus.DRAFT)
        self.assertEqual(self.titles("estates"), [])
        practice.status = PracticeStatus.PUBLISHED
        practice.save()
        self.assertEqual(self.titles("estates"), ["Tea estates"])

    def test_it_follows_outcomes_and_events(self) -> None:
        event = Event.objects.create(
            kind="workshop",
            title="Regional workshop",
            start_date="2025-01-10",
            created_by=self.nina,
        )
        outcome = Outcome.objects.create(
            event=event, kind="commitment", title="Draft a hazardous list"
        )
        self.assertEqual(self.titles("hazardous"), ["Draft a hazardous list"])
        outcome.title = "Adopt a national plan"
        outcome.save()
        self.assertEqual(self.titles("hazardous"), [])
        event.delete()
        self.assertEqual(self.titles("plan"), [])
        self.assertEqual(self.titles("regional"), [])

    def test_its_triggers_exist_after_all_migrations(self) -> None:
        # A later migration that remakes a knowledge table on SQLite would drop them.
        self.assertEqual(schema.missing_triggers(), [])

    def test_it_repairs_itself(self) -> None:
        practice = self.practice("Sugar cane", summary="Harvest season.")
        with connection.cursor() as cursor:
            cursor.execute("DELETE FROM knowledge_search_practice")
        self.assertEqual(self.titles("harvest"), [])
        index_practice(practice)
        self.assertEqual(self.titles("harvest"), ["Sugar cane"])
        with connection.cursor() as cursor:
            cursor.execute("DELETE FROM knowledge_search_practice")
        rebuild_index()
        self.assertEqual(self.titles("harvest"), ["Sugar cane"])

    def test_it_reinstalls_lost_triggers(self) -> None:
        trigger = (
            "DROP TRIGGER knowledge_search_practice_ai"
            if connection.vendor == "sqlite"
            else "DROP TRIGGER knowledge_search_practice_sync ON knowledge_goodpractice"
        )
        with connection.cursor() as cursor:
            cursor.execute(trigger)
        self.assertNotEqual(schema.missing_triggers(), [])
        self.assertTrue(schema.ensure_index())
        self.assertEqual(schema.missing_triggers(), [])
        self.practice("Fishing boats", summary="Crew lists.")
        self.assertEqual(self.titles("fishing"), ["Fishing boats"])

    def test_it_replaces_a_stale_row_with_the_same_id(self) -> None:
        # After a flush ids start again while the index keeps its rows.
        practice = self.practice("Gold mines", summary="Artisanal sites.")
        with connection.cursor() as cursor:
            cursor.execute("DELETE FROM knowledge_goodpractice_themes")
            cursor.execute("DELETE FROM knowledge_goodpractice WHERE id = %s", [practice.pk])
            if connection.vendor == "sqlite":  # what a flush leaves behind
                cursor.execute(
                    "INSERT INTO knowledge_search_practice(rowid, title, summary, body) "
                    "VALUES (%s, 'stale', 'stale', '')",
                    [practice.pk],
                )
        again = self.practice("Salt pans", id=practice.pk, summary="Coastal sites.")
        self.assertEqual(again.pk, practice.pk)
        self.assertEqual(self.titles("stale"), [])
        self.assertEqual(self.titles("coastal"), ["Salt pans"])
