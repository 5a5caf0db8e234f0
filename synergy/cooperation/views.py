"""Pages of South-South cooperation: needs (with their ranked providers), offers, exchanges
and the matrix. Country profiles are in ``views_profiles.py``."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy
from django.views.decorators.http import require_POST

from synergy.cooperation import access, matching, selectors, services
from synergy.cooperation.forms import EditForm, NeedForm, OfferForm, ProposeForm, StepForm
from synergy.cooperation.models import ExchangeOutcome, ExchangeStatus, Need, Offer, RequestStatus
from synergy.cooperation.services import NEXT
from synergy.core import roles
from synergy.core.forms import service_errors
from synergy.core.http import AuthedRequest
from synergy.core.models import Country, IloRegion
from synergy.knowledge.models import Theme

PAGE_SIZE = 25
# Candidates the need page loads: the sliders reorder these without a round trip.
PAGE_MATCHES = 30
DIMENSION_LABELS = {
    "theme": _lazy("Theme relevance"),
    "region": _lazy("Region"),
    "language": _lazy("Language"),
    "legal": _lazy("Legal tradition"),
    "institutions": _lazy("Institutions"),
    "development": _lazy("Level of development"),
    "prevalence": _lazy("Prevalence"),
    "prior": _lazy("Prior cooperation"),
    "outcomes": _lazy("Recent outcomes"),
}


def _writable_countries(user: Any) -> list[str]:
    if roles.is_system_admin(user):
        return list(Country.objects.values_list("iso2", flat=True))
    return sorted(roles.coordinated_country_ids(user))


def _filters(request: AuthedRequest) -> dict[str, str]:
    get = request.GET
    return {
        "q": get.get("q", "").strip()[:100],
        "country": get.get("country", "")[:2],
        "theme": get.get("theme", "")[:80],
        "status": get.get("status", "") if get.get("status") in RequestStatus.values else "",
        "region": get.get("region", "") if get.get("region") in IloRegion.values else "",
    }


def _list_context(request: AuthedRequest, rows: Any, filters: dict[str, str]) -> dict[str, Any]:
    return {
        "page": Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page")),
        "filters": filters,
        "themes": Theme.objects.order_by("name"),
        "regions": IloRegion.choices,
        "statuses": RequestStatus.choices,
        "can_write": bool(_writable_countries(request.user)),
    }


@login_required
def need_list(request: AuthedRequest) -> HttpResponse:
    filters = _filters(request)
    rows = selectors.needs_for(request.user, **filters)
    return render(request, "cooperation/need_list.html", _list_context(request, rows, filters))


@login_required
def offer_list(request: AuthedRequest) -> HttpResponse:
    filters = _filters(request)
    rows = selectors.offers_for(**filters)
    return render(request, "cooperation/offer_list.html", _list_context(request, rows, filters))


def _weights(request: AuthedRequest) -> dict[str, float]:
    return matching.clean_weights(
        {
            name: request.GET[f"w_{name}"]
            for name in matching.DIMENSIONS
            if f"w_{name}" in request.GET
        }
    )


@login_required
def need_detail(request: AuthedRequest, need_id: int) -> HttpResponse:
    need = access.access_need(request.user, need_id)
    weights = _weights(request)
    found = matching.rank(
        learner=need.country_id,
        text=f"{need.title}\n{need.description}",
        theme=need.theme.slug if need.theme else "",
        weights=weights,
        top=PAGE_MATCHES,
    )
    may_propose = access.may_write_for(request.user, need.country_id)
    context = {
        "need": need,
        "matches": [
            {
                "m": m,
                "drivers": [DIMENSION_LABELS[name] for name in m.drivers],
                "rows": [
                    (name, DIMENSION_LABELS[name], m.dimensions[name])
                    for name in matching.DIMENSIONS
                ],
            }
            for m in found
        ],
        "weights": [(name, DIMENSION_LABELS[name], weights[name]) for name in matching.DIMENSIONS],
        # What the page's script needs to recompute scores and drivers as weights move.
        "scores": {
            "labels": {name: str(label) for name, label in DIMENSION_LABELS.items()},
            "countries": {
                m.country: {
                    "scores": {name: m.dimensions[name]["score"] for name in matching.DIMENSIONS},
                    "known": [name for name in matching.DIMENSIONS if m.dimensions[name]["known"]],
                }
                for m in found
            },
        },
        "exchanges": need.exchanges.select_related("provider").order_by("-updated_at"),
        "may_propose": may_propose and need.status == RequestStatus.OPEN,
        "may_edit": may_propose,
        "organisations": need.organisations.all(),
    }
    return render(request, "cooperation/need_detail.html", context)


def _request_create(request: AuthedRequest, kind: str) -> HttpResponse:
    countries = _writable_countries(request.user)
    if not countries:
        raise PermissionDenied(_("Only national coordinators record needs and offers."))
    form_class = NeedForm if kind == "need" else OfferForm
    initial: dict[str, Any] = {"country": countries[0] if len(countries) == 1 else None}
    if kind == "need" and request.GET.get("action", "").isdigit():
        from synergy.indicators.models import Action

        action = Action.objects.select_related("roadmap").filter(pk=request.GET["action"]).first()
        if action is not None and action.roadmap.country_id in countries:
            initial |= {
                "action": action.pk,
                "title": action.title,
                "country": action.roadmap.country_id,
            }
    form = form_class(request.POST or None, countries=countries, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        try:
            if kind == "need":
                action = None
                if data.pop("action", None):
                    from synergy.indicators.models import Action

                    action = (
                        Action.objects.select_related("roadmap")
                        .filter(pk=form.cleaned_data["action"])
                        .first()
                    )
                need = services.need_create(actor=request.user, action=action, **data)
                messages.success(request, _("The need is recorded."))
                return redirect("cooperation-need", need.pk)
            offer = services.offer_create(actor=request.user, **data)
            messages.success(request, _("The offer is recorded."))
            return redirect("cooperation-offer", offer.pk)
        except ValidationError as exc:
            service_errors(form, exc)
    return render(request, "cooperation/request_form.html", {"form": form, "kind": kind})


def _request_edit(request: AuthedRequest, kind: str, pk: int) -> HttpResponse:
    """Change a need or an offer (title, text, theme, form, status; a need's confidentiality,
    an offer's practices). The country stays: a need of another country is another need."""
    record: Need | Offer
    if kind == "need":
        record = access.access_need(request.user, pk, write=True)
    else:
        record = access.access_offer(request.user, pk, write=True)
    form = EditForm(
        request.POST or None,
        kind=kind,
        initial={
            "version": record.version,
            "title": record.title,
            "description": record.description,
            "theme": record.theme_id,
            "form": record.form,
            "status": record.status,
            "confidential": getattr(record, "confidential", False),
            "practices": list(record.practices.all()) if isinstance(record, Offer) else [],
        },
    )
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        version = data.pop("version")
        try:
            if isinstance(record, Need):
                data.pop("practices", None)
                services.need_update(actor=request.user, need=record, version=version, **data)
                messages.success(request, _("The need is saved."))
                return redirect("cooperation-need", record.pk)
            data.pop("confidential", None)
            practices = list(data.pop("practices", []))
            services.offer_update(
                actor=request.user, offer=record, version=version, practices=practices, **data
            )
            messages.success(request, _("The offer is saved."))
            return redirect("cooperation-offer", record.pk)
        except ValidationError as exc:
            service_errors(form, exc)
    return render(
        request, "cooperation/request_form.html", {"form": form, "kind": kind, "record": record}
    )


@login_required
def need_edit(request: AuthedRequest, need_id: int) -> HttpResponse:
    return _request_edit(request, "need", need_id)


@login_required
def offer_edit(request: AuthedRequest, offer_id: int) -> HttpResponse:
    return _request_edit(request, "offer", offer_id)


@login_required
def need_create(request: AuthedRequest) -> HttpResponse:
    return _request_create(request, "need")


@login_required
def offer_create(request: AuthedRequest) -> HttpResponse:
    return _request_create(request, "offer")


@login_required
def offer_detail(request: AuthedRequest, offer_id: int) -> HttpResponse:
    offer = access.access_offer(request.user, offer_id)
    context = {
        "may_edit": access.may_write_for(request.user, offer.country_id),
        "offer": offer,
        "practices": offer.practices.all(),
        "organisations": offer.organisations.all(),
        "exchanges": offer.exchanges.filter(
            need__in=selectors.visible_needs(request.user)
        ).select_related("need", "need__country"),
    }
    return render(request, "cooperation/offer_detail.html", context)


@login_required
@require_POST
def exchange_propose(request: AuthedRequest, need_id: int) -> HttpResponse:
    need = access.access_need(request.user, need_id)
    form = ProposeForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose a provider country."))
        return redirect("cooperation-need", need.pk)
    provider = access.access_country(form.cleaned_data["provider"])
    try:
        exchange = services.exchange_propose(
            actor=request.user, need=need, provider=provider, note=form.cleaned_data["note"]
        )
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        return redirect("cooperation-need", need.pk)
    messages.success(request, _("The exchange is proposed."))
    return redirect("cooperation-exchange", exchange.pk)


@login_required
def exchange_list(request: AuthedRequest) -> HttpResponse:
    country = request.GET.get("country", "")[:2]
    status = request.GET.get("status", "")
    status = status if status in ExchangeStatus.values else ""
    rows = selectors.exchanges_for(request.user, country=country, status=status)
    context = {
        "page": Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page")),
        "status": status,
        "country": country,
        "statuses": ExchangeStatus.choices,
    }
    return render(request, "cooperation/exchange_list.html", context)


@login_required
def exchange_detail(request: AuthedRequest, exchange_id: int) -> HttpResponse:
    exchange = access.access_exchange(request.user, exchange_id)
    form = None
    if access.may_move_exchange(request.user, exchange) and NEXT[exchange.status]:
        form = StepForm(request.POST or None, initial={"version": exchange.version})
        choices = dict(ExchangeStatus.choices)
        form.fields["to_status"].choices = [(s, choices[s]) for s in NEXT[exchange.status]]  # type: ignore[attr-defined]
        if request.method == "POST" and form.is_valid():
            data = form.cleaned_data
            try:
                services.exchange_step(
                    actor=request.user,
                    exchange=exchange,
                    version=data["version"],
                    to_status=data["to_status"],
                    note=data["note"],
                    on=data["on"],
                    events=list(data["events"]),
                    outcome=data["outcome"],
                )
            except ValidationError as exc:
                service_errors(form, exc)
            else:
                messages.success(request, _("The exchange is updated."))
                return redirect("cooperation-exchange", exchange.pk)
    elif request.method == "POST":
        raise PermissionDenied(_("Only the coordinators of the two countries move an exchange."))
    context = {
        "exchange": exchange,
        "steps": exchange.steps.select_related("actor"),
        "events": exchange.events.all(),
        "form": form,
        "outcomes": ExchangeOutcome.choices,
    }
    return render(request, "cooperation/exchange_detail.html", context)


@login_required
def matrix(request: AuthedRequest) -> HttpResponse:
    region = request.GET.get("region", "")
    region = region if region in IloRegion.values else ""
    context = {
        "matrix": selectors.matrix(request.user, region=region),
        "region": region,
        "regions": IloRegion.choices,
        "needs_url": reverse("cooperation-needs"),
    }
    return render(request, "cooperation/matrix.html", context)
