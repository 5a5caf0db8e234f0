"""Pages of the CLMS: parse, access, call a service, render. Records are addressed by their
public UUID; every page showing a child's personal data audits a "view"."""

from __future__ import annotations

import csv
from typing import Any
from urllib.parse import urlencode
from uuid import UUID

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db import transaction
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.cache import patch_vary_headers
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from synergy.core import roles
from synergy.core.http import AuthedRequest
from synergy.core.models import AdminArea, Organisation
from synergy.core.paging import CappedPaginator
from synergy.monitoring import selectors, services
from synergy.monitoring.access import (
    access_child,
    access_referral,
    access_visit,
    can_export,
    can_see_access_log,
    record_rights,
)
from synergy.monitoring.forms import (
    ChildForm,
    DeclineForm,
    DuplicateSearchForm,
    HouseholdForm,
    InboxFilterForm,
    ReferralForm,
    ServiceForm,
    VisitForm,
)
from synergy.monitoring.models import Child, ReferralStatus, RiskFactor, Sex, Status
from synergy.partners.models import Project

PAGE_SIZE = 25


def _is_fragment(request: AuthedRequest, target: str) -> bool:
    return bool(request.headers.get("HX-Request")) and request.headers.get("HX-Target") == target


def _writable_organisation(request: AuthedRequest) -> Organisation:
    """The organisation a new record belongs to: the user's (first) organisation where they
    are a case worker or partner manager; ``?organisation=`` chooses among several."""
    ids = selectors.writable_organisation_ids(request.user)
    if not ids:
        raise PermissionDenied(_("Only case workers and partner managers register children."))
    wanted = request.POST.get("organisation") or request.GET.get("organisation")
    chosen = int(wanted) if wanted and wanted.isdigit() and int(wanted) in ids else min(ids)
    return Organisation.objects.select_related("country").get(pk=chosen)


@login_required
def child_list(request: AuthedRequest) -> HttpResponse:
    filters = {
        "q": request.GET.get("q", "").strip()[:100],
        "status": request.GET.get("status", ""),
        "sex": request.GET.get("sex", ""),
        "area": request.GET.get("area", ""),
        "project": request.GET.get("project", ""),
    }
    qs = selectors.child_list(
        user=request.user,
        q=filters["q"],
        status=filters["status"],
        sex=filters["sex"],
        area=filters["area"],
        project=filters["project"],
    )
    page = CappedPaginator(qs, PAGE_SIZE).get_page(request.GET.get("page"))
    context = {
        "page": page,
        **filters,
        "statuses": Status.choices,
        "sexes": Sex.choices,
        # Plain values, not model instances: a country has a thousand areas or more, and
        # each page would otherwise leave them for the garbage collector.
        "areas": AdminArea.objects.filter(
            country_id__in=selectors.children_for(request.user).values("country_id")
        )
        .order_by("code")
        .values("code", "name"),
        "projects": Project.objects.order_by("code").values("code"),
        "can_register": bool(selectors.writable_organisation_ids(request.user)),
        "can_export": can_export(request.user),
    }
    template = "monitoring/child_list.html"
    if _is_fragment(request, "results"):
        template += "#results"
    response = render(request, template, context)
    patch_vary_headers(response, ("HX-Request", "HX-Target"))
    return response


@login_required
@require_http_methods(["GET", "POST"])
def child_register(request: AuthedRequest) -> HttpResponse:
    """A two-step wizard: search for possible duplicates first, then register."""
    organisation = _writable_organisation(request)
    country = organisation.country
    step = request.POST.get("step", "search")
    search = DuplicateSearchForm(
        request.POST if request.method == "POST" and step == "search" else None, country=country
    )
    context: dict[str, Any] = {"organisation": organisation, "search": search}
    if request.method == "POST" and step == "search" and search.is_valid() and country:
        data = search.cleaned_data
        context["check"] = services.duplicate_check(
            user=request.user,
            country=country,
            first_name=data["first_name"],
            last_name=data["last_name"],
            sex=data["sex"],
            birth_year=search.birth_year(),
            area=data["area"],
        )
        initial = {k: v for k, v in data.items() if v not in (None, "")}
        context["form"] = ChildForm(initial=initial, country=country, organisation=organisation)
        context["household_form"] = HouseholdForm(prefix="hh")
        return render(request, "monitoring/child_register.html", context)
    if request.method == "POST" and step == "create":
        form = ChildForm(request.POST, request.FILES, country=country, organisation=organisation)
        household_form = HouseholdForm(request.POST, prefix="hh")
        context.update(form=form, household_form=household_form, checked=True)
        if form.is_valid() and household_form.is_valid():
            try:
                with transaction.atomic():
                    household = None
                    if household_form.is_filled():
                        hh = household_form.cleaned_data
                        household = services.household_register(
                            actor=request.user,
                            organisation=organisation,
                            area=form.cleaned_data["area"],
                            address=hh["address"],
                            head_name=hh["head_name"],
                            contact_phone=hh["contact_phone"],
                            member_count=hh["member_count"] or len(hh["members_text"]),
                            members=hh["members_text"] or None,
                            livelihood=hh["livelihood"],
                            livelihood_notes=hh["livelihood_notes"],
                            consent_given=hh["consent_given"],
                            consent_by=hh["consent_by"],
                            consent_date=timezone.localdate(),
                        )
                    fields = form.service_fields()
                    child = services.child_register(
                        actor=request.user,
                        organisation=organisation,
                        household=household,
                        estimated_age=form.cleaned_data.get("estimated_age"),
                        projects=form.cleaned_data.get("projects") or [],
                        **fields,
                    )
            except ValidationError as exc:
                form.add_error(None, exc)
            else:
                messages.success(request, _("Child registered."))
                if child.duplicate_flags.filter(cross_organisation=True).exists():
                    messages.warning(
                        request,
                        _(
                            "A possible duplicate exists at another organisation — the "
                            "coordinator will review."
                        ),
                    )
                return redirect("monitoring-child-detail", child_id=child.public_id)
    return render(request, "monitoring/child_register.html", context)


TABS = ("visits", "referrals", "history", "access")


@login_required
def child_detail(request: AuthedRequest, child_id: UUID) -> HttpResponse:
    child = access_child(request.user, child_id)
    tab = request.GET.get("tab", "visits")
    if tab not in TABS or (tab == "access" and not can_see_access_log(request.user, child)):
        tab = "visits"
    services.child_viewed(actor=request.user, child=child, what=tab)
    _, may_write = record_rights(
        request.user, organisation_id=child.organisation_id, country_id=child.country_id
    )
    context: dict[str, Any] = {
        "child": child,
        "tab": tab,
        "may_write": may_write,
        "may_see_log": can_see_access_log(request.user, child),
        "age": services.age_on(child, timezone.localdate()),
        "risk_labels": [
            r.label for r in RiskFactor.objects.filter(code__in=child.risk_factors or [])
        ],
        "outcomes": child.outcomes.select_related("project").order_by("project__code"),
        "enrolments": child.enrolments.select_related("project", "organisation"),
        "enrol_projects": Project.objects.filter(participants__organisation=child.organisation)
        .exclude(clms_enrolments__child=child)
        .distinct()
        .order_by("code")
        if may_write
        else Project.objects.none(),
        "own_duplicates": selectors.duplicates_to_resolve(user=request.user).filter(child=child),
    }
    if tab == "visits":
        context["visits"] = child.visits.select_related("created_by").order_by("-visit_date", "-pk")
    elif tab == "referrals":
        context["referrals"] = child.referrals.select_related(
            "to_organisation", "contact"
        ).prefetch_related("deliveries")
    elif tab == "history":
        context["changes"] = child.status_changes.select_related("actor", "visit", "referral")
    else:
        context["events"] = Paginator(selectors.access_log(child), 50).get_page(
            request.GET.get("page")
        )
    template = "monitoring/child_detail.html"
    if _is_fragment(request, "tab"):
        template += "#tab"
    response = render(request, template, context)
    patch_vary_headers(response, ("HX-Request", "HX-Target"))
    return response


@login_required
@require_POST
def child_enrol(request: AuthedRequest, child_id: UUID) -> HttpResponse:
    """Enrol the child in a project its organisation takes part in."""
    child = access_child(request.user, child_id, write=True)
    chosen = request.POST.get("project") or ""
    project = Project.objects.filter(pk=int(chosen)).first() if chosen.isdigit() else None
    if project is None:
        messages.error(request, _("Choose a project your organisation takes part in."))
        return redirect("monitoring-child-detail", child_id=child.public_id)
    try:
        services.child_enrol(actor=request.user, child=child, project=project)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("Enrolled in the project."))
    return redirect("monitoring-child-detail", child_id=child.public_id)


@login_required
def child_photo(request: AuthedRequest, child_id: UUID) -> HttpResponse:
    child = access_child(request.user, child_id)
    if not child.photo:
        raise Http404("No photo")
    services.child_viewed(actor=request.user, child=child, what="photo")
    response = HttpResponse(
        bytes(child.photo), content_type=child.photo_content_type or "image/jpeg"
    )
    response["Cache-Control"] = "private, no-store"
    return response


@login_required
@require_http_methods(["GET", "POST"])
def child_edit(request: AuthedRequest, child_id: UUID) -> HttpResponse:
    child = access_child(request.user, child_id, write=True)
    identifiers = child.identifiers or {}
    initial = {
        "first_name": child.first_name,
        "last_name": child.last_name,
        "other_names": child.other_names,
        "sex": child.sex,
        "date_of_birth": child.date_of_birth,
        "area": child.area,
        "school_status": child.school_status,
        "grade": child.grade,
        "contact_phone": child.contact_phone,
        "birth_registration": identifiers.get("birth_registration", ""),
        "school_id": identifiers.get("school_id", ""),
        "risk_factors": child.risk_factors,
        "case_worker": child.case_worker,
        "version": child.version,
    }
    form = ChildForm(
        request.POST or None,
        request.FILES or None,
        initial=initial,
        country=child.country,
        organisation=child.organisation,
        editing=True,
    )
    if request.method == "POST" and form.is_valid():
        fields = form.service_fields()
        if fields.get("date_of_birth") != child.date_of_birth:
            # A date typed in replaces the one estimated from an age.
            fields["dob_estimated"] = False
        try:
            services.child_update(
                actor=request.user,
                child=child,
                version=form.cleaned_data.get("version") or 0,
                **fields,
            )
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, _("Child saved."))
            return redirect("monitoring-child-detail", child_id=child.public_id)
    else:
        services.child_viewed(actor=request.user, child=child, what="edit")
    return render(request, "monitoring/child_edit.html", {"form": form, "child": child})


@login_required
def child_export(request: AuthedRequest) -> HttpResponse:
    """CSV of the children in the current filters: partner managers and coordinators only;
    every exported child is audited."""
    if not can_export(request.user):
        raise PermissionDenied(_("Exports of personal data need a partner manager or coordinator."))
    qs = selectors.child_list(
        user=request.user,
        q=request.GET.get("q", ""),
        status=request.GET.get("status", ""),
        sex=request.GET.get("sex", ""),
        area=request.GET.get("area", ""),
        project=request.GET.get("project", ""),
    )
    managed = roles.managed_organisation_ids(request.user)
    if not (roles.is_system_admin(request.user) or roles.coordinated_country_ids(request.user)):
        qs = qs.filter(organisation_id__in=managed)
    children = list(qs[:5000])
    services.child_exported(actor=request.user, children=children, fmt="csv")
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="children.csv"'
    writer = csv.writer(response)
    writer.writerow(
        ["id", "first_name", "last_name", "sex", "date_of_birth", "area", "status", "organisation"]
    )
    for child in children:
        writer.writerow(
            [
                str(child.public_id),
                _csv_safe(child.first_name),
                _csv_safe(child.last_name),
                child.sex,
                child.date_of_birth or "",
                child.area.code if child.area else "",
                child.status,
                child.organisation.name,
            ]
        )
    return response


def _csv_safe(value: str) -> str:
    # A cell starting with = + - @ would be run as a formula by spreadsheet programs.
    return "'" + value if value[:1] in ("=", "+", "-", "@") else value


@login_required
@require_http_methods(["GET", "POST"])
def visit_create(request: AuthedRequest, child_id: UUID) -> HttpResponse:
    child = access_child(request.user, child_id, write=True)
    form = VisitForm(request.POST or None, initial={"visit_date": timezone.localdate()})
    if request.method == "POST" and form.is_valid():
        try:
            visit = services.visit_record(actor=request.user, child=child, **form.service_fields())
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, _("Visit recorded."))
            return redirect("monitoring-visit-detail", visit_id=visit.public_id)
    return render(request, "monitoring/visit_form.html", {"form": form, "child": child})


@login_required
@require_POST
def visit_preview(request: AuthedRequest, child_id: UUID) -> HttpResponse:
    """The classification the visit form's facts would get, for the form's live result."""
    child = access_child(request.user, child_id, write=True)
    form = VisitForm(request.POST)
    form.is_valid()
    data = {k: v for k, v in form.cleaned_data.items() if k not in ("kind",)}
    context: dict[str, Any] = {"child": child, "form": form, "preview": None}
    if "visit_date" in data and "econ_hours" in data and "chore_hours" in data:
        fields = form.service_fields()
        fields.pop("kind", None)
        visit_date = fields.pop("visit_date")
        result, setup = services.visit_preview(child=child, visit_date=visit_date, **fields)
        context.update(preview=result, framework=setup.framework, policy_name=setup.policy.name)
    return render(request, "monitoring/visit_form.html#preview", context)


@login_required
def visit_detail(request: AuthedRequest, visit_id: UUID) -> HttpResponse:
    visit = access_visit(request.user, visit_id)
    services.child_viewed(actor=request.user, child=visit.child, what="visit")
    return render(request, "monitoring/visit_detail.html", {"visit": visit, "child": visit.child})


@login_required
@require_http_methods(["GET", "POST"])
def referral_create(request: AuthedRequest, child_id: UUID) -> HttpResponse:
    child = access_child(request.user, child_id, write=True)
    form = ReferralForm(request.POST or None, country=child.country)
    if request.method == "POST" and form.is_valid():
        try:
            services.referral_create(actor=request.user, child=child, **form.cleaned_data)
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, _("Referral sent."))
            return redirect(
                f"{_child_url(child)}?tab=referrals",
            )
    return render(request, "monitoring/referral_form.html", {"form": form, "child": child})


def _child_url(child: Child) -> str:
    from django.urls import reverse

    return reverse("monitoring-child-detail", kwargs={"child_id": child.public_id})


@login_required
def referral_inbox(request: AuthedRequest) -> HttpResponse:
    """Referrals received by the user's organisations (for providers) and sent by them."""
    form = InboxFilterForm(request.GET)
    # A bad date is shown next to its box; the list then ignores the filters.
    filters = form.cleaned_data if form.is_valid() else {}
    received = CappedPaginator(
        selectors.referrals_received(
            user=request.user,
            status=filters.get("status", ""),
            referred_from=filters.get("referred_from"),
            referred_to=filters.get("referred_to"),
        ),
        PAGE_SIZE,
    ).get_page(request.GET.get("page"))
    rows = [(r, selectors.referral_for_provider(r)) for r in received.object_list]
    kept = {k: v for k, v in request.GET.items() if k in form.fields and v}
    context = {
        "received": received,
        "rows": rows,
        "form": form,
        "filter_qs": urlencode(kept),
    }
    return render(request, "monitoring/referral_inbox.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def referral_detail(request: AuthedRequest, referral_id: UUID) -> HttpResponse:
    referral, side = access_referral(request.user, referral_id)
    if side == "owner" and request.method == "GET":
        return redirect(f"{_child_url(referral.child)}?tab=referrals")
    referral, side = access_referral(request.user, referral_id, side="provider")
    decline_form = DeclineForm(initial={"version": referral.version})
    service_form = ServiceForm()
    if request.method == "POST":
        referral, _side = access_referral(request.user, referral_id, write=True, side="provider")
        action = request.POST.get("action")
        try:
            if action == "accept":
                services.referral_accept(
                    actor=request.user,
                    referral=referral,
                    version=int(request.POST.get("version") or 0),
                )
                messages.success(request, _("Referral accepted."))
                return redirect("monitoring-referral-detail", referral_id=referral.public_id)
            if action == "decline":
                decline_form = DeclineForm(request.POST)
                if decline_form.is_valid():
                    services.referral_decline(
                        actor=request.user,
                        referral=referral,
                        version=decline_form.cleaned_data["version"],
                        reason=decline_form.cleaned_data["reason"],
                    )
                    messages.success(request, _("Referral declined."))
                    return redirect("monitoring-referral-inbox")
            if action == "service":
                service_form = ServiceForm(request.POST)
                if service_form.is_valid():
                    services.service_record(
                        actor=request.user, referral=referral, **service_form.cleaned_data
                    )
                    messages.success(request, _("Service recorded."))
                    return redirect("monitoring-referral-detail", referral_id=referral.public_id)
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
            return redirect("monitoring-referral-detail", referral_id=referral.public_id)
    referral = selectors.referral_with_deliveries(referral)
    services.referral_viewed_by_provider(actor=request.user, referral=referral)
    context = {
        "r": selectors.referral_for_provider(referral),
        "decline_form": decline_form,
        "service_form": service_form,
    }
    return render(request, "monitoring/referral_provider.html", context)


@login_required
def work_list(request: AuthedRequest) -> HttpResponse:
    today = timezone.localdate()
    overdue_only = request.GET.get("overdue") == "1"
    status = request.GET.get("status", "")
    due = Paginator(
        selectors.followups_due(
            user=request.user, today=today, overdue_only=overdue_only, status=status
        ),
        PAGE_SIZE,
    ).get_page(request.GET.get("page"))
    context = {
        "today": today,
        "due": due,
        "overdue_only": overdue_only,
        "status": status,
        "statuses": [(v, label) for v, label in Status.choices if v in selectors.OPEN_STATUSES],
        "received": selectors.referrals_received(user=request.user, status=ReferralStatus.PENDING)[
            :20
        ],
        "sent": selectors.referrals_sent(user=request.user, status=ReferralStatus.PENDING)[:20],
        "duplicates": selectors.duplicates_to_resolve(user=request.user)[:20],
        "is_manager": bool(roles.managed_organisation_ids(request.user)),
    }
    return render(request, "monitoring/work_list.html", context)


@login_required
def caseload(request: AuthedRequest) -> HttpResponse:
    if not roles.managed_organisation_ids(request.user):
        raise PermissionDenied(_("The team caseload is for partner managers."))
    rows = selectors.caseload(user=request.user)
    return render(request, "monitoring/caseload.html", {"rows": rows})


@login_required
@require_POST
def duplicate_dismiss(request: AuthedRequest, flag_id: int) -> HttpResponse:
    flag = selectors.duplicates_to_resolve(user=request.user).filter(pk=flag_id).first()
    if flag is None:
        raise Http404("No such possible duplicate")
    services.duplicate_dismiss(actor=request.user, flag=flag)
    messages.success(request, _("Marked as not a duplicate."))
    return redirect("monitoring-work-list")
