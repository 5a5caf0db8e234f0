"""The tally the database keeps per country and organisation (children followed, withdrawn,
prevented) equals a count of the records after every kind of write, whoever makes it: the
CLMS services (registration, visits that withdraw or prevent, a merge) and plain writes that
bypass them (a child moved, an outcome relapsed, changed, deleted, a child deleted). The home
page's cards add it up per scope."""

from __future__ import annotations

from datetime import date

from django.db.models import Q

from synergy.monitoring import tally
from synergy.monitoring.dashboard import counted
from synergy.monitoring.models import Child, ChildTally, Outcome, OutcomeMonth
from synergy.monitoring.services.duplicates import child_merge
from synergy.monitoring.tests import factories as f
from synergy.monitoring.tests.test_indicators_scenario import ScenarioCase


class ChildTallyTests(ScenarioCase):
    def assert_tally(self, step: str) -> None:
        self.assertEqual(tally.differences(), [], step)
        self.assertEqual(tally.month_differences(), [], step)

    def test_the_tally_follows_every_kind_of_write(self) -> None:
        # the scenario has children and outcomes to count
        self.assertTrue(tally.as_kept())
        self.assertTrue(tally.months_as_kept())
        self.assert_tally("the scenario, written through the services")
        child = self.children["asha"]
        outcome = Outcome.objects.filter(child=child).first()
        assert outcome is not None
        Outcome.objects.filter(pk=outcome.pk).update(relapsed_on=date(2025, 9, 1))
        self.assert_tally("a relapse")
        Outcome.objects.filter(pk=outcome.pk).update(relapsed_on=None, kind="prevented")
        self.assert_tally("verified again, as prevented")
        Outcome.objects.filter(pk=outcome.pk).update(achieved_on=date(2025, 11, 30))
        self.assert_tally("achieved in another month")
        Child.objects.filter(pk=child.pk).update(organisation=self.partner_b)
        self.assert_tally("the child moved to another organisation")
        Child.objects.filter(pk=child.pk).update(status="closed")
        self.assert_tally("a write that changes nothing counted")
        survivor = self.children["bimal"]
        child_merge(actor=self.nina, survivor=survivor, duplicate=self.children["chandra"])
        self.assert_tally("a merge")
        Child.objects.filter(pk=self.children["chandra"].pk).update(merged_into=None)
        self.assert_tally("the merge undone by hand")
        Outcome.objects.filter(pk=outcome.pk).delete()
        self.assert_tally("an outcome deleted")
        ekta = self.children["ekta"]
        Outcome.objects.filter(child=ekta).delete()
        ekta.delete()
        self.assert_tally("a child deleted")
        f.child(self.alice, self.partner_a, first_name="New", last_name="Child")
        self.assert_tally("a child registered")

    def test_the_cards_add_up_the_scope_as_the_records_say(self) -> None:
        def from_records(scope: Q) -> dict[str, int]:
            children = Child.objects.filter(scope, merged_into__isnull=True)
            outcomes = Outcome.objects.filter(child__in=children, relapsed_on=None)
            return {
                "total": children.count(),
                "withdrawn": outcomes.filter(kind="withdrawn").count(),
                "prevented": outcomes.filter(kind="prevented").count(),
            }

        for user, scope in (
            (self.alice, Q(organisation=self.partner_a)),
            (self.charlie, Q(organisation=self.partner_b)),
            (self.nina, Q(country_id="NP")),
        ):
            with self.subTest(user.username):
                self.assertEqual(counted(user), from_records(scope))
                self.assertGreater(counted(user)["total"], 0)


class CheckTallyCommandTests(ScenarioCase):
    def test_a_tally_gone_wrong_is_found_and_repaired(self) -> None:
        import io

        from django.core.management import call_command
        from django.core.management.base import CommandError

        out = io.StringIO()
        call_command("monitoring", "check-tally", stdout=out)
        self.assertIn("equals the records", out.getvalue())
        # As after a bulk load with the triggers disabled.
        ChildTally.objects.filter(organisation=self.partner_a.pk).update(children=0)
        month = OutcomeMonth.objects.exclude(n=0).first()
        assert month is not None
        OutcomeMonth.objects.filter(pk=month.pk).update(n=month.n + 5)
        with self.assertRaisesMessage(CommandError, "2 bucket(s) differ"):
            call_command("monitoring", "check-tally", stdout=io.StringIO())
        out = io.StringIO()
        call_command("monitoring", "check-tally", "--repair", stdout=out)
        self.assertIn("Repaired", out.getvalue())
        self.assertEqual(tally.differences(), [])
        self.assertEqual(tally.month_differences(), [])
