"""Projects and good practices speak one vocabulary of forms of exploitation and target
groups (``core.vocab``): every entry the knowledge base ships names its shared code, and a
project's page lists the published practices on the same ground."""

from __future__ import annotations

from django.urls import reverse

from synergy.core import vocab
from synergy.knowledge.models import ExploitationForm, TargetGroup
from synergy.knowledge.tests.helpers import KnowledgeTestCase
from synergy.partners.models import Activity, Project, ProjectParticipant


class SharedCodesTests(KnowledgeTestCase):
    def test_every_shipped_entry_names_its_shared_code(self) -> None:
        self.assertEqual(list(ExploitationForm.objects.filter(form="").values_list("slug")), [])
        self.assertEqual(list(TargetGroup.objects.filter(group="").values_list("slug")), [])
        self.assertEqual(
            ExploitationForm.objects.get(slug="forced-labour").form,
            vocab.ExploitationForm.FORCED_LABOUR,
        )
        self.assertEqual(
            TargetGroup.objects.get(slug="trade-unions").group,
            vocab.TargetGroup.WORKERS_ORGANISATIONS,
        )

    def test_both_apps_take_their_choices_from_the_one_vocabulary(self) -> None:
        shared_forms = vocab.ExploitationForm.choices
        self.assertEqual(ExploitationForm._meta.get_field("form").choices, shared_forms)
        self.assertEqual(Activity._meta.get_field("exploitation_form").choices, shared_forms)
        self.assertEqual(TargetGroup._meta.get_field("group").choices, vocab.TargetGroup.choices)


class ProjectPracticesTests(KnowledgeTestCase):
    def setUp(self) -> None:
        super().setUp()
        self.project = Project.objects.create(
            code="NP-KILN",
            title="Kiln schools",
            exploitation_forms=["child_labour"],
            target_groups=["teachers", "families"],
        )
        self.project.countries.set([self.country])
        ProjectParticipant.objects.create(
            project=self.project, organisation=self.partner_a, role="implementing"
        )
        self.client.force_login(self.alice)

    def titles(self) -> list[str]:
        response = self.client.get(reverse("partners-project-detail", args=[self.project.pk]))
        self.assertEqual(response.status_code, 200)
        return [r.practice.title for r in response.context["practices"]]

    def test_the_project_page_lists_practices_on_the_same_ground_most_shared_first(self) -> None:
        teachers, families = TargetGroup.objects.filter(slug__in=["teachers", "families"]).order_by(
            "slug"
        )
        mining = ExploitationForm.objects.get(slug="mining")  # a case of child labour
        trafficking = ExploitationForm.objects.get(slug="trafficking")
        self.published(
            title="Teachers and parents in kiln camps", target_groups=[teachers, families]
        )
        self.published(title="Mine schools", exploitation_forms=[mining])
        self.published(title="Border shelters", exploitation_forms=[trafficking])
        self.practice(title="Draft on kiln teachers", target_groups=[teachers])
        self.assertEqual(self.titles(), ["Teachers and parents in kiln camps", "Mine schools"])

    def test_a_project_with_no_forms_or_groups_lists_none(self) -> None:
        self.published(
            title="Mine schools", exploitation_forms=[ExploitationForm.objects.get(slug="mining")]
        )
        Project.objects.filter(pk=self.project.pk).update(exploitation_forms=[], target_groups=[])
        self.assertEqual(self.titles(), [])
