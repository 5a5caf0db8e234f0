"""Writes of South-South cooperation: profiles (with their history), needs, offers and the
exchanges between countries. Each checks who may write, validates everything before it writes
anything, and leaves an audit event."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from synergy.cooperation import access
from synergy.cooperation.models import (
    CooperationRequest,
    CountryProfile,
    Exchange,
    ExchangeOutcome,
    ExchangeStatus,
    ExchangeStep,
    InPlace,
    Need,
    Offer,
    ProfileMeasure,
    ProfileVersion,
)
from synergy.core.audit import audit_record
from synergy.core.models import Country, Organisation, User
from synergy.core.versioning import versioned_update
from synergy.indicators.models import Action
from synergy.knowledge.models import Event, GoodPractice, PracticeStatus, Theme
from synergy.partners.models import PartnershipKind, PartyRole
from synergy.partners.services import PartyData, partnership_create

PROFILE_FIELDS = (
    "legal_tradition",
    "income_group",
    "minimum_age",
    "c138_ratified_on",
    "c182_ratified_on",
    "c29_ratified_on",
    "p29_ratified_on",
    "prevalence_percent",
    "prevalence_year",
    "prevalence_source",
    "notes",
)
REQUEST_FIELDS = ("title", "description", "theme", "form", "status")


def _snapshot(profile: CountryProfile, measures: Mapping[str, int | None]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for name in PROFILE_FIELDS:
        value = getattr(profile, name)
        out[name] = None if value in (None, "") else str(value)
    out["measures"] = {kind: measures[kind] for kind in sorted(measures)}
    return out


@transaction.atomic
def profile_save(
    *,
    actor: User,
    country: Country,
    version: int | None,
    fields: Mapping[str, Any],
    measures: Mapping[str, int | None] | None = None,
) -> CountryProfile:
    """Create or change a country's profile. ``measures`` (kind → year, or None when the year
    is unknown) replaces what the country has in place when given. ``version`` is the version
    the editor read (None for a new profile)."""
    if not access.may_write_for(actor, country.pk):
        raise PermissionDenied("Only the country's national coordinators edit its profile")
    unknown = set(fields) - set(PROFILE_FIELDS)
    if unknown:
        raise ValidationError({name: [_("Not a field of a profile.")] for name in unknown})
    profile = CountryProfile.objects.filter(country=country).first()
    if profile is not None and version is None:
        raise ValidationError({"version": [_("Say which version you changed.")]})
    before_measures: dict[str, int | None] = (
        {m.kind: m.since for m in profile.measures.all()} if profile is not None else {}
    )
    before = _snapshot(profile, before_measures) if profile is not None else {}
    candidate = CountryProfile(country=country) if profile is None else profile
    for name, value in fields.items():
        setattr(candidate, name, value)
    candidate.full_clean()
    new_measures = dict(before_measures if measures is None else measures)
    bad = [kind for kind in new_measures if kind not in InPlace.values]
    if bad:
        raise ValidationError({"measures": [_("Unknown measure: %s") % ", ".join(sorted(bad))]})
    for kind, since in new_measures.items():
        if since is not None and not 1900 <= int(since) <= 2100:
            raise ValidationError({f"measure_{kind}": [_("A year between 1900 and 2100.")]})
    now = timezone.now()
    if profile is None:
        candidate.updated_by = actor
        candidate.updated_at = now
        candidate.save()
        profile = candidate
    else:
        assert version is not None
        values = {name: getattr(candidate, name) for name in PROFILE_FIELDS}
        versioned_update(profile, version, updated_by=actor, **values)
    if measures is not None:
        profile.measures.all().delete()
        ProfileMeasure.objects.bulk_create(
            ProfileMeasure(profile=profile, kind=kind, since=since)
            for kind, since in new_measures.items()
        )
    after = _snapshot(profile, new_measures)
    changed = sorted(
        name
        for name in after
        if before.get(name, None if name != "measures" else {}) != after[name]
    )
    ProfileVersion.objects.create(
        profile=profile, number=profile.version, snapshot=after, changed=changed, actor=actor
    )
    audit_record(
        actor=actor,
        action="create" if not before else "update",
        obj=profile,
        detail={"country": country.pk, "changed": changed},
    )
    return profile


def _clean_request(
    request: CooperationRequest, organisations: Sequence[Organisation], country: Country
) -> None:
    request.full_clean()
    if request.theme_id is None and not request.description.strip():
        raise ValidationError(
            {"description": [_("Choose a theme or describe the subject, so it can be matched.")]}
        )
    foreign = [o.name for o in organisations if o.country_id not in (None, country.pk)]
    if foreign:
        raise ValidationError(
            {
                "organisations": [
                    _("These organisations are not of %(country)s: %(names)s")
                    % {"country": country, "names": ", ".join(foreign)}
                ]
            }
        )


@transaction.atomic
def need_create(
    *,
    actor: User,
    country: Country,
    title: str,
    description: str = "",
    theme: Theme | None = None,
    form: str = "",
    organisations: Sequence[Organisation] = (),
    confidential: bool = False,
    action: Action | None = None,
) -> Need:
    """A country's need; a roadmap action of the same country may be what raised it."""
    if not access.may_write_for(actor, country.pk):
        raise PermissionDenied("Only the country's national coordinators record its needs")
    if action is not None and action.roadmap.country_id != country.pk:
        raise ValidationError({"action": [_("This action is on another country's roadmap.")]})
    need = Need(
        country=country,
        title=title.strip(),
        description=description.strip(),
        theme=theme,
        form=form,
        confidential=confidential,
        action=action,
        created_by=actor,
    )
    _clean_request(need, organisations, country)
    need.save()
    need.organisations.set(organisations)
    audit_record(
        actor=actor,
        action="create",
        obj=need,
        detail={"country": country.pk, "confidential": confidential},
    )
    return need


@transaction.atomic
def need_update(
    *,
    actor: User,
    need: Need,
    version: int,
    organisations: Sequence[Organisation] | None = None,
    **fields: Any,
) -> Need:
    if not access.may_write_for(actor, need.country_id):
        raise PermissionDenied("Only the country's national coordinators change its needs")
    allowed = {*REQUEST_FIELDS, "confidential"}
    unknown = set(fields) - allowed
    if unknown:
        raise ValidationError({name: [_("Not a field of a need.")] for name in unknown})
    for name, value in fields.items():
        setattr(need, name, value.strip() if isinstance(value, str) else value)
    orgs = list(organisations) if organisations is not None else list(need.organisations.all())
    _clean_request(need, orgs, need.country)
    values = {name: getattr(need, name) for name in fields}
    if "theme" in values:
        theme = values.pop("theme")
        values["theme_id"] = theme.pk if theme else None
    versioned_update(need, version, **values)
    if organisations is not None:
        need.organisations.set(orgs)
    audit_record(actor=actor, action="update", obj=need, detail={"fields": sorted(fields)})
    return need


@transaction.atomic
def offer_create(
    *,
    actor: User,
    country: Country,
    title: str,
    description: str = "",
    theme: Theme | None = None,
    form: str = "",
    organisations: Sequence[Organisation] = (),
    practices: Sequence[GoodPractice] = (),
) -> Offer:
    """An offer, backed by published good practices."""
    if not access.may_write_for(actor, country.pk):
        raise PermissionDenied("Only the country's national coordinators record its offers")
    unpublished = [p.title for p in practices if p.status != PracticeStatus.PUBLISHED]
    if unpublished:
        raise ValidationError(
            {
                "practices": [
                    _("Only published practices back an offer: %s") % "; ".join(unpublished)
                ]
            }
        )
    offer = Offer(
        country=country,
        title=title.strip(),
        description=description.strip(),
        theme=theme,
        form=form,
        created_by=actor,
    )
    _clean_request(offer, organisations, country)
    offer.save()
    offer.organisations.set(organisations)
    offer.practices.set(practices)
    audit_record(actor=actor, action="create", obj=offer, detail={"country": country.pk})
    return offer


@transaction.atomic
def offer_update(
    *,
    actor: User,
    offer: Offer,
    version: int,
    practices: Sequence[GoodPractice] | None = None,
    **fields: Any,
) -> Offer:
    if not access.may_write_for(actor, offer.country_id):
        raise PermissionDenied("Only the country's national coordinators change its offers")
    unpublished = [p.title for p in practices or () if p.status != PracticeStatus.PUBLISHED]
    if unpublished:
        raise ValidationError(
            {
                "practices": [
                    _("Only published practices back an offer: %s") % "; ".join(unpublished)
                ]
            }
        )
    unknown = set(fields) - set(REQUEST_FIELDS)
    if unknown:
        raise ValidationError({name: [_("Not a field of an offer.")] for name in unknown})
    for name, value in fields.items():
        setattr(offer, name, value.strip() if isinstance(value, str) else value)
    _clean_request(offer, list(offer.organisations.all()), offer.country)
    values = {name: getattr(offer, name) for name in fields}
    if "theme" in values:
        theme = values.pop("theme")
        values["theme_id"] = theme.pk if theme else None
    versioned_update(offer, version, **values)
    if practices is not None:
        offer.practices.set(practices)
    audit_record(actor=actor, action="update", obj=offer, detail={"fields": sorted(fields)})
    return offer


# --- exchanges ------------------------------------------------------------------------------

NEXT: dict[str, tuple[str, ...]] = {
    ExchangeStatus.PROPOSED: (ExchangeStatus.AGREED, ExchangeStatus.CANCELLED),
    ExchangeStatus.AGREED: (ExchangeStatus.CARRIED_OUT, ExchangeStatus.CANCELLED),
    ExchangeStatus.CARRIED_OUT: (ExchangeStatus.FOLLOWED_UP,),
    ExchangeStatus.FOLLOWED_UP: (),
    ExchangeStatus.CANCELLED: (),
}


@transaction.atomic
def exchange_propose(
    *,
    actor: User,
    need: Need,
    provider: Country,
    offer: Offer | None = None,
    provider_organisations: Sequence[Organisation] = (),
    form: str = "",
    note: str = "",
) -> Exchange:
    """A provider country proposed for a need (by either country's coordinators)."""
    if not (
        access.may_write_for(actor, need.country_id) or access.may_write_for(actor, provider.pk)
    ):
        raise PermissionDenied("Only the coordinators of the two countries propose an exchange")
    errors: dict[str, list[str]] = {}
    if provider.pk == need.country_id:
        errors["provider"] = [_("A country does not exchange with itself.")]
    if offer is not None and offer.country_id != provider.pk:
        errors["offer"] = [_("This offer is another country's.")]
    foreign = [o.name for o in provider_organisations if o.country_id not in (None, provider.pk)]
    if foreign:
        errors["provider_organisations"] = [
            _("These organisations are not of the provider country: %s") % ", ".join(foreign)
        ]
    if need.status != "open":
        errors["need"] = [_("This need is no longer open.")]
    if form and form not in dict(Exchange._meta.get_field("form").choices or ()):
        errors["form"] = [_("Choose a form of cooperation.")]
    if errors:
        raise ValidationError(errors)
    exchange = Exchange(
        need=need, provider=provider, offer=offer, form=form or need.form, created_by=actor
    )
    exchange.full_clean()
    exchange.save()
    exchange.provider_organisations.set(provider_organisations)
    ExchangeStep.objects.create(
        exchange=exchange, from_status="", to_status=ExchangeStatus.PROPOSED, note=note, actor=actor
    )
    audit_record(
        actor=actor,
        action="create",
        obj=exchange,
        detail={"need": need.pk, "provider": provider.pk},
    )
    return exchange


@transaction.atomic
def exchange_step(
    *,
    actor: User,
    exchange: Exchange,
    version: int,
    to_status: str,
    note: str = "",
    on: date | None = None,
    events: Sequence[Event] = (),
    outcome: str = "",
) -> Exchange:
    """Move an exchange one step. Agreeing records the agreement as a South-South partnership
    between the organisations of the two sides; carrying out links the events (study tours,
    workshops) where it happened; following up records the outcome against the need, and why.
    An exchange is cancelled, with a reason, before it is carried out."""
    if not access.may_move_exchange(actor, exchange):
        raise PermissionDenied("Only the coordinators of the two countries move an exchange")
    if to_status not in NEXT.get(exchange.status, ()):
        # A message rather than a field error: the code "conflict" (409) must survive.
        raise ValidationError(
            _("An exchange that is %(now)s cannot become %(next)s.")
            % {"now": exchange.get_status_display(), "next": to_status},
            code="conflict",
        )
    note = note.strip()
    day = on or timezone.localdate()
    values: dict[str, Any] = {"status": to_status}
    if to_status == ExchangeStatus.CANCELLED and not note:
        raise ValidationError({"note": [_("Say why the exchange is cancelled.")]})
    if to_status == ExchangeStatus.AGREED:
        values["agreed_on"] = day
        values["partnership"] = _record_agreement(actor, exchange, day, note)
    elif to_status == ExchangeStatus.CARRIED_OUT:
        values["carried_out_on"] = day
    elif to_status == ExchangeStatus.FOLLOWED_UP:
        if outcome not in ExchangeOutcome.values:
            raise ValidationError({"outcome": [_("Say whether the need's country adopted it.")]})
        if not note:
            raise ValidationError({"note": [_("Say what came of it, and why.")]})
        values.update(followed_up_on=day, outcome=outcome, outcome_note=note)
    before = exchange.status
    versioned_update(exchange, version, **values)
    if events:
        exchange.events.add(*events)
    ExchangeStep.objects.create(
        exchange=exchange, from_status=before, to_status=to_status, note=note, actor=actor
    )
    if to_status == ExchangeStatus.FOLLOWED_UP and outcome in (
        ExchangeOutcome.ADOPTED,
        ExchangeOutcome.ADAPTED,
    ):
        Need.objects.filter(pk=exchange.need_id).update(status="met", updated_at=timezone.now())
    audit_record(
        actor=actor,
        action=f"exchange_{to_status}",
        obj=exchange,
        detail={"from": before, "to": to_status, "outcome": outcome},
    )
    return exchange


def _record_agreement(actor: User, exchange: Exchange, day: date, note: str) -> Any:
    """The agreement as a partnership: the need's organisations as beneficiaries and the
    provider's as technical providers."""
    if exchange.partnership_id is not None:
        return exchange.partnership
    parties = [PartyData(o, PartyRole.BENEFICIARY) for o in exchange.need.organisations.all()] + [
        PartyData(o, PartyRole.TECHNICAL) for o in exchange.provider_organisations.all()
    ]
    if not parties:
        raise ValidationError(
            {
                "provider_organisations": [
                    _(
                        "Name the organisations of either side: the agreement is recorded between them."
                    )
                ]
            }
        )
    learner = exchange.need.country
    return partnership_create(
        actor=actor,
        countries=[learner, exchange.provider],
        parties=parties,
        title=(
            _("%(learner)s and %(provider)s: %(need)s")
            % {"learner": learner, "provider": exchange.provider, "need": exchange.need.title}
        )[:250],
        kind=PartnershipKind.SOUTH_SOUTH,
        description=note,
        start_date=day,
    )
