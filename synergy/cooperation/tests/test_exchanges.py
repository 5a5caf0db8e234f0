"""An exchange from proposal to outcome: agreeing records a South-South partnership between
the two sides' organisations; carrying out links its events; following up records the outcome
and why, and the outcome counts in the next ranking. Steps out of order, and outsiders, are
refused with nothing written."""

from __future__ import annotations

from datetime import date

from django.core.exceptions import PermissionDenied, ValidationError

from synergy.cooperation import matching, services
from synergy.cooperation.models import Exchange, ExchangeOutcome, ExchangeStatus, Need
from synergy.cooperation.tests.personas import CooperationCase
from synergy.core.models import AuditEvent, Country
from synergy.knowledge.models import Event
from synergy.partners.models import PartnershipKind


class ExchangeTest(CooperationCase):
    def propose(self, need: Need | None = None) -> Exchange:
        need = need or self.need(organisations=[self.unit])
        return services.exchange_propose(
            actor=self.nina,
            need=need,
            provider=Country.objects.get(pk="BR"),
            provider_organisations=[self.brazil_unit],
            note="Brazil runs such a system.",
        )

    def step(self, exchange: Exchange, to: str, **kwargs: object) -> Exchange:
        exchange.refresh_from_db()
        return services.exchange_step(
            actor=kwargs.pop("actor", self.nina),  # type: ignore[arg-type]
            exchange=exchange,
            version=exchange.version,
            to_status=to,
            **kwargs,  # type: ignore[arg-type]
        )

    def test_from_proposal_to_outcome(self) -> None:
        exchange = self.propose()
        self.step(exchange, ExchangeStatus.AGREED, note="Terms signed", actor=self.bruno)
        exchange.refresh_from_db()
        partnership = exchange.partnership
        assert partnership is not None
        self.assertEqual(partnership.kind, PartnershipKind.SOUTH_SOUTH)
        self.assertEqual(set(partnership.countries.values_list("iso2", flat=True)), {"NP", "BR"})
        self.assertEqual(
            {(p.organisation_id, p.role) for p in partnership.parties.all()},
            {(self.unit.pk, "beneficiary"), (self.brazil_unit.pk, "technical")},
        )
        tour = Event.objects.create(
            kind="study_tour",
            title="Visit to municipal networks",
            start_date=date(2026, 3, 2),
            created_by=self.kate,
        )
        self.step(exchange, ExchangeStatus.CARRIED_OUT, events=[tour])
        with self.assertRaises(ValidationError) as missing:
            self.step(exchange, ExchangeStatus.FOLLOWED_UP, note="It went well")
        self.assertIn("outcome", missing.exception.message_dict)
        with self.assertRaises(ValidationError) as why:
            self.step(exchange, ExchangeStatus.FOLLOWED_UP, outcome=ExchangeOutcome.ADOPTED)
        self.assertIn("note", why.exception.message_dict)
        self.step(
            exchange,
            ExchangeStatus.FOLLOWED_UP,
            outcome=ExchangeOutcome.ADOPTED,
            note="Three districts now refer children the same way.",
        )
        exchange.refresh_from_db()
        self.assertEqual(exchange.status, ExchangeStatus.FOLLOWED_UP)
        self.assertEqual(list(exchange.events.all()), [tour])
        self.assertEqual(exchange.need.status, "met")
        self.assertEqual(
            [s.to_status for s in exchange.steps.all()],
            ["proposed", "agreed", "carried_out", "followed_up"],
        )
        actions = set(
            AuditEvent.objects.filter(object_id=str(exchange.pk)).values_list("action", flat=True)
        )
        self.assertTrue({"create", "exchange_agreed", "exchange_followed_up"} <= actions)

    def test_an_outcome_feeds_the_next_ranking(self) -> None:
        need_text = "A child labour monitoring system"

        def outcomes_of_brazil() -> dict[str, object]:
            found = {m.country: m for m in matching.rank(learner="MG", text=need_text)}
            return found["BR"].dimensions["outcomes"]

        before = outcomes_of_brazil()
        self.assertFalse(before["known"])
        exchange = self.propose()
        self.step(exchange, ExchangeStatus.AGREED)
        self.step(exchange, ExchangeStatus.CARRIED_OUT)
        self.step(
            exchange, ExchangeStatus.FOLLOWED_UP, outcome=ExchangeOutcome.ADOPTED, note="Adopted."
        )
        after = outcomes_of_brazil()
        self.assertTrue(after["known"])
        self.assertGreater(float(after["score"]), float(before["score"]))  # type: ignore[arg-type]
        prior = {m.country: m for m in matching.rank(learner="NP", text=need_text)}["BR"]
        self.assertGreater(prior.dimensions["prior"]["score"], 0)

    def test_a_not_adopted_outcome_lowers_the_score(self) -> None:
        exchange = self.propose()
        for to in (ExchangeStatus.AGREED, ExchangeStatus.CARRIED_OUT):
            self.step(exchange, to)
        self.step(
            exchange,
            ExchangeStatus.FOLLOWED_UP,
            outcome=ExchangeOutcome.NOT_ADOPTED,
            note="The ministry chose another design.",
        )
        brazil = {m.country: m for m in matching.rank(learner="MG", text="monitoring system")}["BR"]
        self.assertLess(brazil.dimensions["outcomes"]["score"], matching.UNKNOWN)
        self.assertEqual(Need.objects.get(pk=exchange.need_id).status, "open")

    def test_steps_out_of_order_are_refused_and_nothing_changes(self) -> None:
        exchange = self.propose()
        with self.assertRaises(ValidationError) as error:
            self.step(exchange, ExchangeStatus.FOLLOWED_UP, outcome="adopted", note="x")
        self.assertEqual(error.exception.code, "conflict")
        with self.assertRaises(ValidationError):
            self.step(exchange, ExchangeStatus.CANCELLED)  # no reason given
        exchange.refresh_from_db()
        self.assertEqual(exchange.status, ExchangeStatus.PROPOSED)
        self.assertEqual(exchange.steps.count(), 1)

    def test_agreeing_without_organisations_names_the_field(self) -> None:
        exchange = services.exchange_propose(
            actor=self.nina, need=self.need(), provider=Country.objects.get(pk="IN")
        )
        with self.assertRaises(ValidationError) as error:
            self.step(exchange, ExchangeStatus.AGREED)
        self.assertIn("provider_organisations", error.exception.message_dict)
        exchange.refresh_from_db()
        self.assertEqual(exchange.status, ExchangeStatus.PROPOSED)

    def test_outsiders_cannot_propose_or_move(self) -> None:
        need = self.need()
        with self.assertRaises(PermissionDenied):
            services.exchange_propose(
                actor=self.zoe, need=need, provider=Country.objects.get(pk="IN")
            )
        exchange = self.propose()
        for user in (self.zoe, self.alice, self.charlie):
            with self.subTest(user=user.username), self.assertRaises(PermissionDenied):
                self.step(exchange, ExchangeStatus.AGREED, actor=user)
        self.client.force_login(self.zoe)
        response = self.client.post(
            f"/api/v1/cooperation/exchanges/{exchange.pk}/steps",
            {"version": 1, "to_status": "agreed"},
            content_type="application/json",
        )
        self.assertEqual(response.status_code, 403)

    def test_a_country_does_not_exchange_with_itself(self) -> None:
        with self.assertRaises(ValidationError) as error:
            services.exchange_propose(
                actor=self.nina, need=self.need(), provider=Country.objects.get(pk="NP")
            )
        self.assertIn("provider", error.exception.message_dict)

    def test_the_api_walks_the_same_steps(self) -> None:
        exchange = self.propose()
        self.client.force_login(self.bruno)
        url = f"/api/v1/cooperation/exchanges/{exchange.pk}/steps"
        agreed = self.client.post(
            url, {"version": 1, "to_status": "agreed"}, content_type="application/json"
        )
        self.assertEqual(agreed.status_code, 200, agreed.content)
        self.assertIsNotNone(agreed.json()["partnership"])
        stale = self.client.post(
            url, {"version": 1, "to_status": "carried_out"}, content_type="application/json"
        )
        self.assertEqual(stale.status_code, 409)
        wrong = self.client.post(
            url, {"version": 2, "to_status": "proposed"}, content_type="application/json"
        )
        self.assertEqual(wrong.status_code, 409)
