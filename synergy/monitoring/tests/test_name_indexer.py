"""The import's name indexer gives exactly the blind indexes of the record-by-record path."""

from __future__ import annotations

from django.test import SimpleTestCase, override_settings

from synergy.monitoring import crypto

NAMES = [
    ("Sita", "Lama", ""),
    ("Sita", "Lama", ""),  # the same name again: from the indexer's memory
    ("Séeta", "LAMA", ""),
    ("Ram Bahadur", "Thapa-Magar", "Kanchha"),
    ("lama", "sita", ""),  # word order does not matter
    ("O'Brien", "", "  "),
    ("Zanele", "Mthembu", "Zanele"),  # a repeated word counts once
    ("X", "", ""),
]


@override_settings(
    FIELD_ENCRYPTION_KEYS=["indexer-test-key-material-0123456789"], FIELD_BLIND_INDEX_KEY=""
)
class NameIndexerTests(SimpleTestCase):
    def test_it_matches_the_module_functions_for_every_name(self) -> None:
        indexer = crypto.NameIndexer()
        for parts in NAMES:
            with self.subTest(name=parts):
                self.assertEqual(
                    indexer.index(*parts),
                    (
                        crypto.name_fingerprint(*parts),
                        crypto.phonetic_fingerprint(*parts),
                        crypto.token_digests(*parts),
                    ),
                )

    def test_names_that_sound_alike_share_their_phonetic_fingerprint_only(self) -> None:
        indexer = crypto.NameIndexer()
        sita = indexer.index("Sita", "Lama")
        seeta = indexer.index("Seeta", "Lama")
        self.assertNotEqual(sita[0], seeta[0])
        self.assertEqual(sita[1], seeta[1])

    def test_it_uses_the_key_configured_when_it_was_made(self) -> None:
        before = crypto.NameIndexer().index("Sita", "Lama")
        with override_settings(FIELD_ENCRYPTION_KEYS=["another-key-material-9876543210"]):
            after = crypto.NameIndexer().index("Sita", "Lama")
        self.assertNotEqual(before[0], after[0])
        self.assertNotEqual(before[2], after[2])
