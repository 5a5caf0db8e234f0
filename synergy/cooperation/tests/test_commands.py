"""The command line: ``synergy cooperation match`` prints the ranking as JSON, and
``synergy knowledge import PATH --publish`` imports and publishes in one step, audited as the
importing user."""

from __future__ import annotations

import io
import json
from pathlib import Path
from tempfile import TemporaryDirectory

from django.core.management import CommandError, call_command

from synergy.cooperation.tests.personas import CooperationCase
from synergy.core.models import AuditEvent
from synergy.knowledge.models import GoodPractice, PracticeStatus

# A small publication in the shape the importer reads, written for this test.
PUBLICATION = """# Notes from a regional exchange

## Africa

## Senegal and Mali: Sharing a register of children found working

### Background
Mali wanted to know which children left work and stayed in school.

### Action
Senegal shared its monitoring system with Mali's labour inspectors.

### Achievements/Accomplishments
Mali drafted a register.

### Sustainability
The register is paid for by the ministry.

### Lessons learned
Start with a few districts.

### Necessary conditions
Inspectors who visit schools.
"""


class MatchCommandTest(CooperationCase):
    def run_match(self, *args: str) -> list[dict[str, object]]:
        out = io.StringIO()
        call_command("cooperation", "match", *args, "--format", "json", stdout=out)
        result: list[dict[str, object]] = json.loads(out.getvalue())
        return result

    def test_json_lists_countries_best_first_with_their_explanation(self) -> None:
        found = self.run_match("--country", "mg", "--need", "child labour monitoring system")
        self.assertTrue(found)
        scores = [float(m["score"]) for m in found]  # type: ignore[arg-type]
        self.assertEqual(scores, sorted(scores, reverse=True))
        first = found[0]
        self.assertEqual(len(str(first["country"])), 2)
        explanation = first["explanation"]
        assert isinstance(explanation, dict)
        self.assertIn("theme", explanation)
        self.assertIn("reason", explanation["theme"])
        self.assertNotIn("MG", [m["country"] for m in found])

    def test_top_theme_and_weights(self) -> None:
        found = self.run_match(
            "--country",
            "MG",
            "--need",
            "villages",
            "--theme",
            "child-labour-free-zones",
            "--top",
            "1",
            "--weight",
            "theme=10",
        )
        self.assertEqual([m["country"] for m in found], ["IN"])

    def test_bad_arguments_are_named(self) -> None:
        for args, field in (
            (["--country", "QQ", "--need", "x"], "--country"),
            (["--country", "MG", "--need", "x", "--theme", "nope"], "--theme"),
            (["--country", "MG", "--need", "x", "--weight", "speed=2"], "--weight"),
            (["--country", "MG", "--need", "x", "--top", "0"], "--top"),
        ):
            with self.subTest(args=args), self.assertRaisesMessage(CommandError, field):
                call_command("cooperation", "match", *args, stdout=io.StringIO())


class ImportPublishTest(CooperationCase):
    def test_publish_imports_and_publishes_as_the_importing_user(self) -> None:
        with TemporaryDirectory() as folder:
            path = Path(folder) / "exchange.md"
            path.write_text(PUBLICATION, encoding="utf-8")
            out = io.StringIO()
            call_command(
                "knowledge", "import", str(path), "--publish", "--author", "kate", stdout=out
            )
            self.assertIn("1 practice(s) created as published", out.getvalue())
            practice = GoodPractice.objects.get(title__startswith="Senegal and Mali")
            self.assertEqual(practice.status, PracticeStatus.PUBLISHED)
            steps = AuditEvent.objects.filter(object_id=str(practice.pk), actor=self.kate)
            self.assertTrue(
                {"practice_submit", "practice_review", "practice_publish"}
                <= set(steps.values_list("action", flat=True))
            )
            # Found by the matching at once: Senegal shared it.
            found = io.StringIO()
            call_command(
                "cooperation",
                "match",
                "--country",
                "ML",
                "--need",
                "register of working children",
                "--format",
                "json",
                stdout=found,
            )
            self.assertIn("SN", [m["country"] for m in json.loads(found.getvalue())][:3])
            # Running it again changes nothing.
            again = io.StringIO()
            call_command(
                "knowledge", "import", str(path), "--publish", "--author", "kate", stdout=again
            )
            self.assertIn("0 practice(s) created", again.getvalue())
