"""Pages of the knowledge base: practices (list, brief, PDF, editing, workflow, attachments),
themes, countries, events and their outcomes. Thin: parse, access, service, render."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from functools import wraps
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import FileResponse, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.cache import patch_vary_headers
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from synergy.core.audit import audit_record
from synergy.core.http import AuthedRequest
from synergy.core.models import Country, IloRegion
from synergy.knowledge import downloads, search, selectors, services
from synergy.knowledge.access import (
    access_attachment,
    access_event,
    access_outcome,
    access_practice,
    can_read,
)
from synergy.knowledge.forms import (
    AssessmentForm,
    AttachmentForm,
    EventForm,
    OutcomeForm,
    PracticeForm,
    TransitionForm,
)
from synergy.knowledge.models import (
    CountryRole,
    Criterion,
    EventKind,
    GoodPractice,
    PracticeStatus,
    ReviewAction,
    Theme,
)
from synergy.knowledge.pdf import practice_pdf

PAGE_SIZE = 20


def reader_required(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """Signed-in users, or anyone when an administrator opened the knowledge base."""

    @wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if not can_read(request.user):
            return redirect_to_login(request.get_full_path())
        return view(request, *args, **kwargs)

    return wrapper


def _fragment(request: HttpRequest, template: str, target: str) -> str:
    if request.headers.get("HX-Request") and request.headers.get("HX-Target") == target:
        return f"{template}#{target}"
    return template


# The seven filters of the list page, in the order the page shows them: (request parameter,
# facet name in ``SearchResults.facets``, legend).
FACETS = (
    ("theme", "theme", gettext_lazy("Theme")),
    ("region", "region", gettext_lazy("Region")),
    ("country", "country", gettext_lazy("Country")),
    ("form", "form", gettext_lazy("Form of exploitation")),
    ("criterion", "criterion", gettext_lazy("Meets the criterion")),
    ("evidence_level", "evidence_level", gettext_lazy("Evidence level")),
    ("year", "year", gettext_lazy("First year")),
)


@dataclass
class FacetChoice:
    value: str
    label: str
    count: int
    checked: bool


@dataclass
class FacetGroup:
    name: str
    legend: str
    choices: list[FacetChoice]


def _facet_groups(request: HttpRequest, results: selectors.SearchResults) -> list[FacetGroup]:
    """Every filter with its counts; a chosen value stays listed (and can be unticked) even
    when nothing matches it any more."""
    groups = []
    for param, facet, legend in FACETS:
        chosen = [v for v in request.GET.getlist(param) if v]
        if param == "country":
            chosen = [v.upper() for v in chosen]
        entries = results.facets.get(facet, [])
        choices = [FacetChoice(f.value, f.label, f.count, f.value in chosen) for f in entries]
        listed = {f.value for f in entries}
        choices += [FacetChoice(v, v, 0, True) for v in chosen if v not in listed]
        groups.append(FacetGroup(param, str(legend), choices))
    return groups


@reader_required
def practice_list(request: HttpRequest) -> HttpResponse:
    query = request.GET.get("q", "").strip()[:200]
    try:
        page_number = max(1, int(request.GET.get("page", "1")))
    except ValueError:
        page_number = 1
    # Every filter the search reads (several values per facet: ORed), our page size.
    filters: dict[str, list[str]] = {
        name: request.GET.getlist(name)
        for name in ("theme", "region", "country", "form", "criterion", "evidence_level", "year")
    }
    status = request.GET.get("status", "")
    filters["status"] = [status] if status in PracticeStatus.values else []
    kind = request.GET.get("kind", "")
    filters["kind"] = [kind] if kind in ("practice", "lesson", "event") else []
    filters["limit"] = [str(PAGE_SIZE)]
    filters["offset"] = [str((page_number - 1) * PAGE_SIZE)]
    results = search.search(user=request.user, query=query, filters=filters)
    pages = max(1, -(-results.total // PAGE_SIZE))
    context = {
        "results": results,
        "facet_groups": _facet_groups(request, results),
        "q": query,
        "status": filters["status"][0] if filters["status"] else "",
        "page_number": page_number,
        "pages": pages,
        "can_create": request.user.is_authenticated,
        "is_editor": request.user.is_authenticated and services.is_knowledge_editor(request.user),
        **selectors.listing_choices(),
    }
    response = render(
        request, _fragment(request, "knowledge/practice_list.html", "results"), context
    )
    patch_vary_headers(response, ("HX-Request", "HX-Target"))
    return response


def _brief_context(request: HttpRequest, practice: GoodPractice) -> dict[str, Any]:
    roles_by_country: dict[str, list[Country]] = {r: [] for r in CountryRole.values}
    for row in practice.country_roles.all():
        roles_by_country[row.role].append(row.country)
    assessments = {a.criterion: a for a in practice.assessments.all()}
    criteria = [
        (label, assessments[value].score, assessments[value].evidence)
        for value, label in Criterion.choices
        if value in assessments
    ]
    region_labels = dict(IloRegion.choices)
    return {
        "shared": roles_by_country[CountryRole.SHARED],
        "learned": roles_by_country[CountryRole.LEARNED],
        "participated": roles_by_country[CountryRole.PARTICIPATED],
        "criteria": criteria,
        "region_names": [str(region_labels[r.region]) for r in practice.regions.all()],
        "share_url": request.build_absolute_uri(
            reverse("knowledge-practice-detail", args=[practice.pk])
        ),
    }


@reader_required
def practice_detail(request: HttpRequest, practice_id: int) -> HttpResponse:
    access_practice(request.user, practice_id)
    practice = selectors.practice_detail_relations(practice_id)
    context = {
        "practice": practice,
        "attachments": practice.attachments.all(),
        **_brief_context(request, practice),
        "similar": search.similar_practices(practice, request.user, limit=5),
    }
    if request.user.is_authenticated:
        user = request.user
        can_edit = services.can_edit_practice(user, practice)
        context.update(
            {
                "can_edit": can_edit,
                "attachment_form": AttachmentForm() if can_edit else None,
                "actions": services.allowed_actions(user, practice),
                # Reviewers' comments are for the author and the editors, not every reader.
                "reviews": practice.reviews.select_related("actor")
                if practice.author_id == user.pk or services.is_knowledge_editor(user)
                else [],
                "version_count": practice.versions.count(),
                "events": practice.events.order_by("-start_date"),
            }
        )
    return render(request, "knowledge/practice_detail.html", context)


@reader_required
def practice_pdf_view(request: HttpRequest, practice_id: int) -> HttpResponse:
    access_practice(request.user, practice_id)
    practice = selectors.practice_detail_relations(practice_id)
    brief = _brief_context(request, practice)
    context = {
        "country_lines": [
            (_("Shared by"), ", ".join(c.name for c in brief["shared"])),
            (_("Learned by"), ", ".join(c.name for c in brief["learned"])),
            (_("Took part"), ", ".join(c.name for c in brief["participated"])),
        ],
        "themes": ", ".join(t.label for t in practice.themes.all()),
        "regions": ", ".join(brief["region_names"]),
        "criteria": brief["criteria"],
    }
    body = practice_pdf(practice, url=brief["share_url"], context=context)
    response = HttpResponse(body, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="good-practice-{practice.pk}.pdf"'
    return response


@login_required
@require_http_methods(["GET", "POST"])
def practice_create(request: AuthedRequest) -> HttpResponse:
    editor = services.is_knowledge_editor(request.user)
    form = PracticeForm(request.POST or None, editor=editor)
    if request.method == "POST" and form.is_valid():
        try:
            practice = services.practice_create(actor=request.user, **form.service_fields())
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, _("Draft saved."))
            return redirect("knowledge-practice-detail", practice_id=practice.pk)
    return render(request, "knowledge/practice_form.html", {"form": form, "creating": True})


@login_required
@require_http_methods(["GET", "POST"])
def practice_edit(request: AuthedRequest, practice_id: int) -> HttpResponse:
    practice = access_practice(request.user, practice_id, write=True)
    editor = services.is_knowledge_editor(request.user)
    form = PracticeForm(request.POST or None, instance=practice, editor=editor)
    if request.method == "POST" and form.is_valid():
        version = form.cleaned_data.get("version") or 0
        fresh = access_practice(request.user, practice_id, write=True)
        try:
            services.practice_update(
                actor=request.user, practice=fresh, version=version, **form.service_fields()
            )
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, _("Practice saved."))
            return redirect("knowledge-practice-detail", practice_id=practice.pk)
    return render(request, "knowledge/practice_form.html", {"form": form, "practice": practice})


@login_required
@require_POST
def practice_transition(request: AuthedRequest, practice_id: int) -> HttpResponse:
    practice = access_practice(request.user, practice_id)
    form = TransitionForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose an action."))
        return redirect("knowledge-practice-detail", practice_id=practice.pk)
    try:
        services.practice_transition(
            actor=request.user,
            practice=practice,
            action=form.cleaned_data["action"],
            comment=form.cleaned_data["comment"],
        )
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, str(ReviewAction(form.cleaned_data["action"]).label))
    return redirect("knowledge-practice-detail", practice_id=practice.pk)


def _attachments_url(practice_id: int) -> str:
    return reverse("knowledge-practice-detail", args=[practice_id]) + "#attachments"


@login_required
@require_http_methods(["GET", "POST"])
def attachment_upload(request: AuthedRequest, practice_id: int) -> HttpResponse:
    """The practice's attachments with the upload form; the practice page posts here too, and
    a refused upload comes back here with the reason next to the field."""
    practice = access_practice(request.user, practice_id, write=True)
    if request.method == "POST":
        form = AttachmentForm(request.POST, request.FILES)
        if form.is_valid():
            try:
                services.attachment_add(
                    actor=request.user,
                    practice=practice,
                    file=form.cleaned_data["file"],
                    title=form.cleaned_data["title"],
                )
            except ValidationError as exc:
                form.add_error(None, exc)
            else:
                messages.success(request, _("Attachment added."))
                return redirect(_attachments_url(practice.pk))
    else:
        form = AttachmentForm()
    context = {
        "practice": practice,
        "attachments": practice.attachments.all(),
        "attachment_form": form,
        "can_edit": True,
    }
    return render(request, "knowledge/practice_attachments.html", context)


@require_safe
def attachment_download(request: HttpRequest, practice_id: int, attachment_id: int) -> FileResponse:
    # No reader_required: whoever may not read the practice gets 404, not a sign-in page.
    attachment = access_attachment(request.user, practice_id, attachment_id)
    return downloads.attachment_response(request.user, attachment)


@login_required
@require_POST
def attachment_delete(request: AuthedRequest, practice_id: int, attachment_id: int) -> HttpResponse:
    attachment = access_attachment(request.user, practice_id, attachment_id, write=True)
    services.attachment_delete(actor=request.user, attachment=attachment)
    messages.success(request, _("Attachment deleted."))
    return redirect(_attachments_url(practice_id))


@login_required
@require_http_methods(["GET", "POST"])
def practice_assess(request: AuthedRequest, practice_id: int) -> HttpResponse:
    practice = access_practice(request.user, practice_id, write=True)
    initial: dict[str, Any] = {"evidence_level": practice.evidence_level}
    for assessment in practice.assessments.all():
        initial[f"score_{assessment.criterion}"] = assessment.score
        initial[f"evidence_{assessment.criterion}"] = assessment.evidence
    form = AssessmentForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.practice_assess(
                actor=request.user,
                practice=practice,
                scores=form.scores(),
                evidence_level=form.cleaned_data["evidence_level"],
            )
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, _("Assessment saved."))
            return redirect("knowledge-practice-detail", practice_id=practice.pk)
    return render(request, "knowledge/practice_assess.html", {"form": form, "practice": practice})


@login_required
def practice_versions(request: AuthedRequest, practice_id: int) -> HttpResponse:
    practice = access_practice(request.user, practice_id)
    versions = practice.versions.select_related("saved_by").order_by("-number")
    audit_record(actor=request.user, action="view_versions", obj=practice)
    return render(
        request, "knowledge/practice_versions.html", {"practice": practice, "versions": versions}
    )


@reader_required
def theme_list(request: HttpRequest) -> HttpResponse:
    rows = selectors.theme_counts(user=request.user)
    return render(request, "knowledge/theme_list.html", {"rows": rows})


@reader_required
def theme_detail(request: HttpRequest, slug: str) -> HttpResponse:
    theme = get_object_or_404(Theme, slug=slug)
    practices = selectors.theme_practices(user=request.user, theme=theme)
    return render(request, "knowledge/theme_detail.html", {"theme": theme, "practices": practices})


@reader_required
def country_detail(request: HttpRequest, iso2: str) -> HttpResponse:
    country = get_object_or_404(Country, pk=iso2.upper())
    knowledge = selectors.country_knowledge(user=request.user, country=country)
    return render(request, "knowledge/country_detail.html", {"k": knowledge, "country": country})


# --- events ---------------------------------------------------------------------------------


@login_required
def event_list(request: AuthedRequest) -> HttpResponse:
    kind = request.GET.get("kind", "")
    qs = selectors.event_list(user=request.user, kind=kind if kind in EventKind.values else "")
    page = Paginator(qs, PAGE_SIZE).get_page(request.GET.get("page"))
    context = {"page": page, "kind": kind, "kinds": EventKind.choices}
    response = render(request, _fragment(request, "knowledge/event_list.html", "results"), context)
    patch_vary_headers(response, ("HX-Request", "HX-Target"))
    return response


@login_required
def event_detail(request: AuthedRequest, event_id: int) -> HttpResponse:
    event = access_event(request.user, event_id)
    outcomes = event.outcomes.select_related("owner_user", "owner_organisation").order_by(
        "kind", "due_date", "id"
    )
    practices = selectors.visible_practices(request.user).filter(events=event).order_by("title")
    context = {
        "event": event,
        "outcomes": outcomes,
        "practices": practices,
        "organisers": event.organisers.all(),
        "participants": event.participating_organisations.all(),
        "countries": event.participating_countries.all(),
        "can_edit": services.can_edit_event(request.user, event),
    }
    return render(request, "knowledge/event_detail.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def event_create(request: AuthedRequest) -> HttpResponse:
    practices = selectors.visible_practices(request.user).order_by("title")
    form = EventForm(request.POST or None, practices=practices)
    if request.method == "POST" and form.is_valid():
        data = {k: v for k, v in form.cleaned_data.items() if k != "version"}
        try:
            event = services.event_create(actor=request.user, **data)
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, _("Event saved."))
            return redirect("knowledge-event-detail", event_id=event.pk)
    return render(request, "knowledge/event_form.html", {"form": form, "creating": True})


@login_required
@require_http_methods(["GET", "POST"])
def event_edit(request: AuthedRequest, event_id: int) -> HttpResponse:
    event = access_event(request.user, event_id, write=True)
    practices = selectors.visible_practices(request.user).order_by("title")
    form = EventForm(request.POST or None, instance=event, practices=practices)
    if request.method == "POST" and form.is_valid():
        data = {k: v for k, v in form.cleaned_data.items() if k != "version"}
        fresh = access_event(request.user, event_id, write=True)
        try:
            services.event_update(
                actor=request.user,
                event=fresh,
                version=form.cleaned_data.get("version") or 0,
                **data,
            )
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, _("Event saved."))
            return redirect("knowledge-event-detail", event_id=event.pk)
    return render(request, "knowledge/event_form.html", {"form": form, "event": event})


@login_required
@require_http_methods(["GET", "POST"])
def outcome_create(request: AuthedRequest, event_id: int) -> HttpResponse:
    event = access_event(request.user, event_id, write=True)
    form = OutcomeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = {k: v for k, v in form.cleaned_data.items() if k != "version"}
        try:
            services.outcome_create(actor=request.user, event=event, **data)
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, _("Outcome saved."))
            return redirect("knowledge-event-detail", event_id=event.pk)
    return render(request, "knowledge/outcome_form.html", {"form": form, "event": event})


@login_required
@require_http_methods(["GET", "POST"])
def outcome_edit(request: AuthedRequest, outcome_id: int) -> HttpResponse:
    outcome = access_outcome(request.user, outcome_id, write=True)
    form = OutcomeForm(request.POST or None, instance=outcome)
    if request.method == "POST" and form.is_valid():
        data = {k: v for k, v in form.cleaned_data.items() if k != "version"}
        fresh = access_outcome(request.user, outcome_id, write=True)
        try:
            services.outcome_update(
                actor=request.user,
                outcome=fresh,
                version=form.cleaned_data.get("version") or 0,
                **data,
            )
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, _("Outcome saved."))
            return redirect("knowledge-event-detail", event_id=outcome.event_id)
    return render(
        request,
        "knowledge/outcome_form.html",
        {"form": form, "event": outcome.event, "outcome": outcome},
    )


@login_required
def follow_up_list(request: AuthedRequest) -> HttpResponse:
    status = request.GET.get("status", "")
    qs = selectors.follow_ups(user=request.user, status=status)
    page = Paginator(qs, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "knowledge/follow_ups.html", {"page": page, "status": status})
