"""Baselines of a project's targets: entered on the project page next to each target, shown on
the project page, refused when bad or without their target, and reported in the IATI XML."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.conf import settings
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from lxml import etree

from synergy.core.models import AuditEvent
from synergy.interop import iati
from synergy.interop.tests.factories import IATI_SCHEMA
from synergy.partners.models import Project, ProjectTarget
from synergy.partners.tests.factories import make_project
from synergy.testing import BaseTestCase


class TargetBaselineTests(BaseTestCase):
    project: Project

    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        cls.project = make_project(
            "P-BL",
            cls.country,
            lead=cls.unit,
            implementing=[cls.partner_a],
            targets=[(cls.partner_a, "withdraw", "F", 11)],
            status=2,
            start_date=dt.date(2026, 1, 1),
            end_date=dt.date(2027, 12, 31),
        )

    # -- helpers ---------------------------------------------------------------------------

    def edit_url(self) -> str:
        return reverse("partners-project-edit", args=[self.project.pk])

    def detail_url(self) -> str:
        return reverse("partners-project-detail", args=[self.project.pk])

    def post_targets(self, **row: str) -> Any:
        """Post the edit form with the project as it is and one target row for partner A."""
        data = {
            "version": str(Project.objects.get(pk=self.project.pk).version),
            "code": "P-BL",
            "title": "Project P-BL",
            "status": "2",
            "countries": ["NP"],
            "start_date": "2026-01-01",
            "end_date": "2027-12-31",
            "budget_currency": "USD",
            "participants-TOTAL_FORMS": "2",
            "participants-INITIAL_FORMS": "0",
            "participants-0-organisation": str(self.unit.pk),
            "participants-0-role": "lead",
            "participants-1-organisation": str(self.partner_a.pk),
            "participants-1-role": "implementing",
            "targets-TOTAL_FORMS": "1",
            "targets-INITIAL_FORMS": "0",
            "targets-0-organisation": str(self.partner_a.pk),
        }
        data.update({f"targets-0-{name}": value for name, value in row.items()})
        return self.client.post(self.edit_url(), data)

    def stored(self) -> list[tuple[str, str, int, int | None]]:
        return sorted(
            ProjectTarget.objects.filter(project=self.project).values_list(
                "kind", "sex", "number", "baseline"
            )
        )

    # -- entering and showing --------------------------------------------------------------

    def test_it_saves_baselines_from_the_edit_page_and_shows_them(self) -> None:
        self.client.force_login(self.alice)
        response = self.post_targets(
            withdraw_F="30",
            withdraw_F_baseline="4",
            withdraw_M="25",
            withdraw_M_baseline="2",
            prevent_F="10",
        )
        self.assertRedirects(response, self.detail_url())
        self.assertEqual(
            self.stored(),
            [("prevent", "F", 10, None), ("withdraw", "F", 30, 4), ("withdraw", "M", 25, 2)],
        )
        event = AuditEvent.objects.filter(action="update", object_id=str(self.project.pk)).get()
        self.assertIn("targets", event.detail["fields"])

        page = self.client.get(self.detail_url())
        baseline = ' <small class="text-muted fw-normal" data-baseline>(baseline {})</small>'
        self.assertContains(page, "30" + baseline.format(4))
        self.assertContains(page, "25" + baseline.format(2))
        # Withdraw: every target has a baseline, so the total shows their sum.
        self.assertContains(
            page, '<td class="text-end" data-total="withdraw">55' + baseline.format(6) + "</td>"
        )
        # Prevent (and so the grand total) lacks one: no partial sum that would mislead.
        self.assertContains(page, '<td class="text-end" data-total="prevent">10</td>')
        self.assertContains(page, '<td class="text-end" data-total="all">65</td>')
        self.assertContains(page, 'id="targets-baselines"')
        self.assertContains(page, 'aria-describedby="targets targets-baselines"')

        # The edit page shows them again, each next to its target.
        form = self.client.get(self.edit_url())
        self.assertContains(form, 'name="targets-0-withdraw_F_baseline" value="4"')
        self.assertContains(form, 'name="targets-0-withdraw_M_baseline" value="2"')
        self.assertContains(
            form,
            '<label class="form-label small text-muted mt-1" for="id_targets-0-withdraw_F_baseline">Baseline, withdraw, girls</label>',
            html=False,
        )

    def test_it_shows_no_baseline_note_on_a_project_without_baselines(self) -> None:
        self.client.force_login(self.bob)
        page = self.client.get(self.detail_url())
        self.assertContains(page, '<td class="text-end" data-total="withdraw">11</td>')
        self.assertNotContains(page, "data-baseline")
        self.assertNotContains(page, "targets-baselines")

    def test_it_creates_a_project_with_baselines(self) -> None:
        self.client.force_login(self.nina)
        response = self.client.post(
            reverse("partners-project-create"),
            {
                "code": "P-NEW",
                "title": "New",
                "status": "1",
                "countries": ["NP"],
                "budget_currency": "USD",
                "participants-TOTAL_FORMS": "1",
                "participants-INITIAL_FORMS": "0",
                "participants-0-organisation": str(self.partner_b.pk),
                "participants-0-role": "implementing",
                "targets-TOTAL_FORMS": "1",
                "targets-INITIAL_FORMS": "0",
                "targets-0-organisation": str(self.partner_b.pk),
                "targets-0-prevent_M": "40",
                "targets-0-prevent_M_baseline": "0",
            },
        )
        project = Project.objects.get(code="P-NEW")
        self.assertRedirects(response, reverse("partners-project-detail", args=[project.pk]))
        # 0 is a baseline (none at the start), not a missing one.
        self.assertEqual(
            list(project.targets.values_list("kind", "sex", "number", "baseline")),
            [("prevent", "M", 40, 0)],
        )

    def test_it_keeps_the_achieved_numbers_the_page_does_not_edit(self) -> None:
        ProjectTarget.objects.filter(project=self.project).update(baseline=1, actual=7)
        self.client.force_login(self.alice)
        response = self.post_targets(withdraw_F="12", withdraw_F_baseline="3", prevent_M="5")
        self.assertRedirects(response, self.detail_url())
        self.assertEqual(
            sorted(self.project.targets.values_list("kind", "sex", "number", "baseline", "actual")),
            [("prevent", "M", 5, None, None), ("withdraw", "F", 12, 3, 7)],
        )

    # -- who may --------------------------------------------------------------------------

    def test_it_refuses_outsiders_and_viewers(self) -> None:
        # Charlie's organisation has nothing to do with the project: 404; bob is a viewer at
        # an implementing partner: 403. Nothing is written either way.
        for user, status in ((self.charlie, 404), (self.bob, 403)):
            self.client.force_login(user)
            self.assertEqual(self.client.get(self.edit_url()).status_code, status, user)
            response = self.post_targets(withdraw_F="11", withdraw_F_baseline="9")
            self.assertEqual(response.status_code, status, user)
        self.assertEqual(self.stored(), [("withdraw", "F", 11, None)])
        self.assertEqual(Project.objects.get(pk=self.project.pk).version, 1)

    # -- bad input ------------------------------------------------------------------------

    def assert_refused(self, response: Any, message: str) -> None:
        self.assertEqual(response.status_code, 200)
        self.assertContains(response, message)
        self.assertEqual(self.stored(), [("withdraw", "F", 11, None)])
        self.assertEqual(Project.objects.get(pk=self.project.pk).version, 1)
        self.assertFalse(AuditEvent.objects.filter(action="update").exists())

    def test_it_refuses_a_negative_baseline_naming_the_field(self) -> None:
        self.client.force_login(self.alice)
        response = self.post_targets(withdraw_F="11", withdraw_F_baseline="-1")
        self.assert_refused(response, "Baseline, withdraw, girls: enter 0 or more.")
        # The box points screen readers at its message.
        self.assertContains(response, 'aria-describedby="id_targets-0-withdraw_F_baseline_error"')
        self.assertContains(response, 'id="id_targets-0-withdraw_F_baseline_error"')
        # In the user's language.
        self.client.cookies[settings.LANGUAGE_COOKIE_NAME] = "fr"
        response = self.post_targets(withdraw_F="11", withdraw_F_baseline="-1")
        self.assert_refused(
            response, "Situation de référence, retrait, filles : saisissez 0 ou plus."
        )

    def test_it_refuses_a_baseline_that_is_not_a_whole_number(self) -> None:
        self.client.force_login(self.alice)
        for value in ("2.5", "three"):
            response = self.post_targets(withdraw_F="11", withdraw_M="4", withdraw_M_baseline=value)
            self.assert_refused(response, "Baseline, withdraw, boys: enter a whole number.")

    def test_it_refuses_a_baseline_without_its_target(self) -> None:
        # A baseline lives on its target's row, which needs the target number.
        self.client.force_login(self.alice)
        response = self.post_targets(withdraw_F="11", prevent_M_baseline="6")
        self.assert_refused(
            response,
            "Baseline, prevent, boys: a baseline is kept only with its target. "
            "Enter “Prevent, boys” as well.",
        )

    # -- reports --------------------------------------------------------------------------

    def test_it_reports_a_baseline_entered_on_the_page_in_the_iati_xml(self) -> None:
        # IATI reports only what a registered organisation publishes.
        self.unit.iati_identifier = "NP-GOV-0042"
        self.unit.save()
        self.client.force_login(self.alice)
        self.post_targets(withdraw_F="30", withdraw_F_baseline="4", withdraw_M="25", prevent_F="10")
        response = self.client.get(reverse("interop-export-iati") + "?country=NP")
        self.assertEqual(response.status_code, 200)
        root = etree.fromstring(response.content)
        iati.load_schema(IATI_SCHEMA).assertValid(root)
        (indicator,) = root.xpath(
            "iati-activity[iati-identifier[contains(., 'P-BL')]]/result/indicator"
            "[title/narrative='Children withdrawn from child labour']"
        )
        baselines = [
            (b.get("value"), b.get("year"), b.get("iso-date"), b.xpath("dimension/@value"))
            for b in indicator.findall("baseline")
        ]
        # Only girls have a baseline; boys' target has none and gets no baseline element.
        self.assertEqual(baselines, [("4", "2026", "2026-01-01", ["F"])])
        self.assertEqual(indicator.xpath("period/target/@value"), ["30", "25"])

    def test_it_reads_the_baselines_without_more_queries(self) -> None:
        self.client.force_login(self.bob)

        def count() -> int:
            with CaptureQueriesContext(connection) as ctx:
                response = self.client.get(self.detail_url())
            self.assertEqual(response.status_code, 200)
            return len(ctx.captured_queries)

        without = count()
        ProjectTarget.objects.filter(project=self.project).update(baseline=2)
        for kind, sex in (("withdraw", "M"), ("prevent", "F")):
            ProjectTarget.objects.create(
                project=self.project,
                organisation=self.unit,
                kind=kind,
                sex=sex,
                number=5,
                baseline=1,
            )
        self.assertEqual(count(), without)
