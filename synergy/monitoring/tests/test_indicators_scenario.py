"""Indicator values on a hand-built scenario whose right answers are worked out by hand.

Partner A, project P-1 (targets: withdraw F 2 / M 1, prevent F 1 / M 1), period 2025 H1:
- Asha (F, born 2013-03-01, household H1): hazardous work at identification (2025-02-01,
  attendance 20 %), education referral accepted (2025-03-01), clean follow-up (2025-06-01,
  attendance 90 %) -> withdrawn, aged 12 -> "12-14".
- Bimal (M, born 2018-01-10, household H2): the same path -> withdrawn, aged 7 -> "5-11".
- Chandra (F, born 2012-08-08, household H1 with Asha): hazardous at identification, referral
  accepted, follow-up still hazardous (attendance 20 %) -> not counted.
- Dipa (F, born 2014-04-04, household H3, a risk factor): not working at identification
  (attendance 90 %), education referral accepted, clean follow-up (attendance 90 %) ->
  prevented, aged 11 -> "5-11".
- Ekta (F, no household): hazardous at identification, no referral, no follow-up.
- Charlie's child at partner B, withdrawn in another project: never in partner A's figures.
"""

from __future__ import annotations

from datetime import date

from synergy.monitoring import indicators, services
from synergy.monitoring.indicators import Period, Scope
from synergy.monitoring.models import Child
from synergy.monitoring.tests import factories as f
from synergy.partners.models import ProjectTarget

H1_2025 = Period(date(2025, 1, 1), date(2025, 6, 30))
NOT_WORKING = {"econ_hours": 0, "attendance_percent": 90}
STILL_HAZARDOUS = {"econ_hours": 30, "hazardous_conditions": True, "attendance_percent": 20}


def refer(
    actor: f.User,
    child: Child,
    provider_user: f.User,
    provider: f.Organisation,
    on: date,
    service_type: str = "formal_education",
) -> None:
    child.refresh_from_db()
    referral = services.referral_create(
        actor=actor,
        child=child,
        to_organisation=provider,
        service_type=service_type,
        consent_given=True,
        consent_by="parent",
        referred_on=on,
    )
    services.referral_accept(actor=provider_user, referral=referral, version=referral.version)


class ScenarioCase(f.MonitoringTestCase):
    children: dict[str, Child]

    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        for kind, sex, number in (
            ("withdraw", "F", 2),
            ("withdraw", "M", 1),
            ("prevent", "F", 1),
            ("prevent", "M", 1),
        ):
            ProjectTarget.objects.create(
                project=cls.project, organisation=cls.partner_a, kind=kind, sex=sex, number=number
            )
        a = cls.alice
        h1 = f.household(a, cls.partner_a)
        h2 = f.household(a, cls.partner_a)
        h3 = f.household(a, cls.partner_a)
        specs = {
            "asha": ("Asha", "F", date(2013, 3, 1), h1, []),
            "bimal": ("Bimal", "M", date(2018, 1, 10), h2, []),
            "chandra": ("Chandra", "F", date(2012, 8, 8), h1, []),
            "dipa": ("Dipa", "F", date(2014, 4, 4), h3, ["sibling_in_child_labour"]),
            "ekta": ("Ekta", "F", date(2011, 11, 11), None, []),
        }
        cls.children = {}
        for key, (first, sex, born, hh, risks) in specs.items():
            cls.children[key] = f.child(
                a,
                cls.partner_a,
                first_name=first,
                last_name="Scenario",
                sex=sex,
                date_of_birth=born,
                household=hh,
                risk_factors=risks,
                projects=[cls.project],
            )
        c = cls.children
        for key in ("asha", "bimal", "chandra", "ekta"):
            f.visit(a, c[key], "identification", date(2025, 2, 1), **f.HAZARDOUS)
        f.visit(a, c["dipa"], "identification", date(2025, 2, 1), **NOT_WORKING)
        for key in ("asha", "bimal", "chandra", "dipa"):
            refer(a, c[key], cls.pete, cls.provider, date(2025, 3, 1))
        for key in ("asha", "bimal", "dipa"):
            f.visit(a, c[key], "follow_up", date(2025, 6, 1), **f.CLEAN)
        f.visit(a, c["chandra"], "follow_up", date(2025, 6, 1), **STILL_HAZARDOUS)
        # Partner B: another organisation, another project.
        other = f.project("P-2", partners=(cls.partner_b,))
        b_child = f.child(
            cls.charlie, cls.partner_b, first_name="Outside", last_name="B", projects=[other]
        )
        f.visit(cls.charlie, b_child, "identification", date(2025, 2, 1), **f.HAZARDOUS)
        refer(cls.charlie, b_child, cls.pete, cls.provider, date(2025, 3, 1))
        f.visit(cls.charlie, b_child, "follow_up", date(2025, 6, 1), **f.CLEAN)


class IndicatorScenarioTests(ScenarioCase):
    def test_it_counts_withdrawn_and_prevented_against_the_targets(self) -> None:
        rows = indicators.target_table(Scope(organisation_id=self.partner_a.pk))
        by_kind = {r.kind: r for r in rows}
        self.assertEqual(set(by_kind), {"withdrawn", "prevented"})
        withdrawn, prevented = by_kind["withdrawn"], by_kind["prevented"]
        self.assertEqual(
            (withdrawn.target, withdrawn.achieved), ({"F": 2, "M": 1}, {"F": 1, "M": 1})
        )
        self.assertEqual(withdrawn.by_age, {("F", "12-14"): 1, ("M", "5-11"): 1})
        self.assertEqual(withdrawn.percent, 67)  # 2 of 3
        self.assertEqual((prevented.target, prevented.achieved), ({"F": 1, "M": 1}, {"F": 1}))
        self.assertEqual(prevented.age_total("5-11"), 1)
        self.assertEqual(prevented.percent, 50)

    def test_it_counts_the_country_without_partner_bs_project_targets_mixed_in(self) -> None:
        rows = indicators.target_table(Scope(country_id="NP"))
        # Partner B's child is counted in P-2 (no target, no country on the project): its own row.
        keyed = {(r.project, r.organisation, r.kind): r.achieved_total for r in rows}
        self.assertEqual(keyed[("P-1", "PA", "withdrawn")], 2)
        self.assertEqual(keyed[("P-2", "PB", "withdrawn")], 1)
        # The fast headline (no child read) agrees with the age breakdown.
        fast = indicators.target_table(Scope(country_id="NP"), by_age=False)
        self.assertEqual(
            [(r.project, r.organisation, r.kind, r.achieved) for r in fast],
            [(r.project, r.organisation, r.kind, r.achieved) for r in rows],
        )
        self.assertEqual([r.by_age for r in fast], [{}] * len(fast))

    def test_it_computes_the_usdol_indicators(self) -> None:
        scope = Scope(organisation_id=self.partner_a.pk)
        figures = {f.key: f for f in indicators.usdol_indicators(scope, H1_2025).figures}
        expected = {
            "E1": (4, None),  # Asha, Bimal, Chandra, Dipa: formal education in the period
            "E1:formal_education": (4, None),
            "E1:vocational_training": (0, None),
            "L1": (0, None),
            "POC1": (3, 4),  # Asha, Bimal, Chandra had a child-labour visit in the period
            "POC2": (3, 4),
            "POC3": (0, 4),
            "POC4": (1, 4),  # only Dipa averages >= 75 % (Asha and Bimal: (20+90)/2 = 55)
            "POH1:intake": (2, 3),  # H1 (Asha, Chandra) and H2 (Bimal); not H3 (Dipa)
            "POH4:intake": (1, 3),  # H3 only
            "POH1:end": (1, 3),  # H1: Chandra still hazardous
            "POH4:end": (2, 3),  # H2 and H3
        }
        got = {k: (figures[k].numerator, figures[k].denominator) for k in expected}
        self.assertEqual(got, expected)

    def test_the_report_counts_households_in_the_database_alike(self) -> None:
        # The report page asks for figures only (counted by the database); the lists behind
        # them collect the children in Python. Both must give every figure alike.
        later = Period(date(2025, 7, 1), date(2025, 12, 31))
        for scope in (Scope(organisation_id=self.partner_a.pk), Scope(country_id="NP")):
            for period in (H1_2025, later):
                listed = indicators.usdol_indicators(scope, period).figures
                counted = indicators.usdol_indicators(scope, period, with_members=False).figures
                self.assertEqual(
                    [(x.key, x.numerator, x.denominator) for x in counted],
                    [(x.key, x.numerator, x.denominator) for x in listed],
                )
        poh = {
            x.key: (x.numerator, x.denominator)
            for x in indicators.usdol_indicators(
                Scope(organisation_id=self.partner_a.pk), H1_2025, with_members=False
            ).figures
            if x.code == "POH2" or x.code == "POH4"
        }
        self.assertEqual(poh["POH2:intake"], (2, 3))
        self.assertEqual(poh["POH4:end"], (2, 3))

    def test_it_applies_the_six_month_window(self) -> None:
        scope = Scope(organisation_id=self.partner_a.pk)
        later = Period(date(2025, 7, 1), date(2025, 12, 31))
        figures = {f.key: f for f in indicators.usdol_indicators(scope, later).figures}
        # Nobody was visited or referred in 2025 H2: no E1, no POC observations.
        self.assertEqual((figures["E1"].numerator, figures["POC1"].denominator), (0, 0))
        self.assertIsNone(figures["POC1"].percent)
        # The end point looks back twelve months: June's follow-ups still count.
        self.assertEqual((figures["POH1:end"].numerator, figures["POH1:end"].denominator), (1, 3))

    def test_it_computes_the_support_and_follow_up_shares(self) -> None:
        shares = {
            f.key: f for f in indicators.support_shares(Scope(organisation_id=self.partner_a.pk))
        }
        self.assertEqual((shares["SUPPORTED"].numerator, shares["SUPPORTED"].denominator), (4, 5))
        self.assertEqual(
            (shares["NO_LONGER_CL"].numerator, shares["NO_LONGER_CL"].denominator), (2, 3)
        )
        self.assertEqual(shares["NO_LONGER_CL"].percent, 66.7)
        # The report counts in the database; the list behind the figure collects the children
        # in Python: the same children either way.
        behind = indicators.children_behind(
            user=self.alice, scope=Scope(organisation_id=self.partner_a.pk), key="NO_LONGER_CL"
        )
        self.assertEqual(behind.count(), shares["NO_LONGER_CL"].numerator)

    def test_it_lists_the_children_behind_a_figure_within_the_users_scope(self) -> None:
        scope = Scope(organisation_id=self.partner_a.pk)
        c = self.children
        behind = indicators.children_behind(
            user=self.alice, scope=scope, key="POC4", period=H1_2025
        )
        self.assertEqual(list(behind), [c["dipa"]])
        key = f"outcome:{self.project.pk}:{self.partner_a.pk}:withdrawn:*:12-14"
        self.assertEqual(
            list(indicators.children_behind(user=self.alice, scope=scope, key=key)), [c["asha"]]
        )
        self.assertEqual(
            set(indicators.children_behind(user=self.alice, scope=scope, key="NO_LONGER_CL")),
            {c["asha"], c["bimal"]},
        )
        # Charlie sees none of partner A's children; the analyst sees no list at all.
        for user in (self.charlie, self.ana):
            self.assertFalse(
                indicators.children_behind(user=user, scope=scope, key="SUPPORTED").exists()
            )
