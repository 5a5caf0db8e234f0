"""Pages of the countries' roadmaps: the list, a roadmap with its committees, priorities and
actions (overdue ones stand out), and an action's follow-up."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy
from django.views.decorators.http import require_POST

from synergy.core.forms import service_errors
from synergy.core.http import AuthedRequest
from synergy.core.models import Organisation
from synergy.indicators import access, selectors, services, services_roadmaps
from synergy.indicators.models import Action, ActionStatus, Committee, Priority, Roadmap, WorkArea


@login_required
def roadmap_list(request: AuthedRequest) -> HttpResponse:
    today = timezone.localdate()
    rows = []
    for roadmap in selectors.roadmaps():
        actions = list(roadmap.actions.all())
        rows.append(
            {
                "roadmap": roadmap,
                "actions": len(actions),
                "done": sum(a.status == ActionStatus.DONE for a in actions),
                "overdue": sum(a.is_overdue(today) for a in actions),
            }
        )
    from synergy.core import roles
    from synergy.core.models import Country

    # A coordinator starts the roadmap of a country it coordinates that has none yet.
    startable = Country.objects.filter(
        pk__in=roles.coordinated_country_ids(request.user), roadmap__isnull=True
    ).order_by("name")
    return render(
        request, "indicators/roadmap_list.html", {"rows": rows, "startable": list(startable)}
    )


@login_required
def roadmap_detail(request: AuthedRequest, country_id: str) -> HttpResponse:
    roadmap = access.access_roadmap(request.user, country_id)
    today = timezone.localdate()
    actions = list(selectors.roadmap_actions(roadmap))
    priorities: dict[str, list[Priority]] = {area: [] for area, _label in WorkArea.choices}
    for priority in roadmap.priorities.all():
        priorities[priority.area].append(priority)
    context = {
        "roadmap": roadmap,
        "committees": roadmap.committees.filter(parent__isnull=True).prefetch_related(
            "members", "subcommittees__members"
        ),
        "priorities": [
            (label, priorities[area]) for area, label in WorkArea.choices if priorities[area]
        ],
        "actions": [
            (a, a.is_overdue(today), access.may_follow_action(request.user, a)) for a in actions
        ],
        "statuses": ActionStatus.choices,
        "overdue_count": sum(a.is_overdue(today) for a in actions),
        "action_form": ActionForm(roadmap=roadmap)
        if access.may_edit_roadmap(request.user, roadmap)
        else None,
    }
    return render(request, "indicators/roadmap_detail.html", context)


@login_required
@require_POST
def action_follow_up(request: AuthedRequest, action_id: int) -> HttpResponse:
    action = Action.objects.select_related("roadmap").filter(pk=action_id).first()
    if action is None:
        raise Http404("No such action")
    try:
        version = int(request.POST.get("version", "0"))
        services.action_follow_up(
            actor=request.user,
            action=action,
            version=version,
            status=request.POST.get("status", ""),
            note=request.POST.get("note", "")[:4000],
        )
    except (ValueError, ValidationError) as exc:
        messages.error(request, " ".join(getattr(exc, "messages", [str(exc)])))
    else:
        messages.success(request, _("The action is updated."))
    return redirect(f"{action.roadmap.get_url()}#action-{action.pk}")


class ActionForm(forms.Form):
    title = forms.CharField(label=_lazy("Action"), max_length=300)
    due_on = forms.DateField(
        label=_lazy("Due date"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    priority = forms.ModelChoiceField(
        label=_lazy("Priority"), queryset=Priority.objects.none(), required=False
    )
    responsible = forms.ModelMultipleChoiceField(
        label=_lazy("Responsible organisations"),
        queryset=Organisation.objects.none(),
        required=False,
    )

    def __init__(self, *args: Any, roadmap: Roadmap, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        priority = self.fields["priority"]
        responsible = self.fields["responsible"]
        assert isinstance(priority, forms.ModelChoiceField)
        assert isinstance(responsible, forms.ModelMultipleChoiceField)
        priority.queryset = roadmap.priorities.all()
        responsible.queryset = Organisation.objects.filter(country_id=roadmap.country_id).order_by(
            "name"
        )


@login_required
@require_POST
def action_add(request: AuthedRequest, country_id: str) -> HttpResponse:
    roadmap = access.access_roadmap(request.user, country_id)
    if not access.may_edit_roadmap(request.user, roadmap):
        raise PermissionDenied(_("Only the country's coordinators add actions."))
    form = ActionForm(request.POST, roadmap=roadmap)
    if form.is_valid():
        data = form.cleaned_data
        action = services.action_create(
            actor=request.user,
            roadmap=roadmap,
            title=data["title"],
            due_on=data["due_on"],
            priority=data["priority"],
            responsible=list(data["responsible"]),
        )
        messages.success(request, _("The action is added."))
        return redirect(f"{roadmap.get_url()}#action-{action.pk}")
    messages.error(
        request, " ".join(f"{k}: {' '.join(str(m) for m in v)}" for k, v in form.errors.items())
    )
    return redirect(roadmap.get_url())


class RoadmapForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput)
    pathfinder_since = forms.DateField(
        label=_lazy("Pathfinder since"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date", "class": "form-control"}),
    )
    workshop_on = forms.DateField(
        label=_lazy("National strategy workshop"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date", "class": "form-control"}),
    )
    summary = forms.CharField(
        label=_lazy("Summary"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 4, "class": "form-control"}),
    )


class PriorityForm(forms.Form):
    area = forms.ChoiceField(
        label=_lazy("Area of work"),
        choices=WorkArea.choices,
        widget=forms.Select(attrs={"class": "form-select"}),
    )
    text = forms.CharField(
        label=_lazy("Priority"), widget=forms.Textarea(attrs={"rows": 2, "class": "form-control"})
    )


class CommitteeForm(forms.Form):
    name = forms.CharField(
        label=_lazy("Committee"),
        max_length=200,
        widget=forms.TextInput(attrs={"class": "form-control"}),
    )
    parent = forms.ModelChoiceField(
        label=_lazy("Sub-committee of"),
        queryset=Committee.objects.none(),
        required=False,
        widget=forms.Select(attrs={"class": "form-select"}),
    )
    members = forms.ModelMultipleChoiceField(
        label=_lazy("Members"),
        queryset=Organisation.objects.none(),
        required=False,
        widget=forms.SelectMultiple(attrs={"class": "form-select"}),
    )

    def __init__(self, *args: Any, roadmap: Roadmap, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        parent = self.fields["parent"]
        members = self.fields["members"]
        assert isinstance(parent, forms.ModelChoiceField)
        assert isinstance(members, forms.ModelMultipleChoiceField)
        parent.queryset = roadmap.committees.filter(parent__isnull=True)
        members.queryset = Organisation.objects.filter(country_id=roadmap.country_id).order_by(
            "name"
        )


@login_required
def roadmap_edit(request: AuthedRequest, country_id: str) -> HttpResponse:
    """The roadmap's dates and summary, its priorities and its committees, for the
    country's coordinators."""
    roadmap = access.access_roadmap(request.user, country_id)
    if not access.may_edit_roadmap(request.user, roadmap):
        raise PermissionDenied(_("Only the country's coordinators change its roadmap."))
    which = request.POST.get("form", "") if request.method == "POST" else ""
    post = request.POST if which else None
    details = RoadmapForm(
        post if which == "details" else None,
        initial={
            "version": roadmap.version,
            "pathfinder_since": roadmap.pathfinder_since,
            "workshop_on": roadmap.workshop_on,
            "summary": roadmap.summary,
        },
    )
    priority = PriorityForm(post if which == "priority" else None)
    committee = CommitteeForm(post if which == "committee" else None, roadmap=roadmap)
    try:
        if which == "details" and details.is_valid():
            services_roadmaps.roadmap_update(
                actor=request.user, roadmap=roadmap, **details.cleaned_data
            )
            messages.success(request, _("The roadmap is saved."))
            return redirect("indicators-roadmap-edit", country_id=roadmap.country_id)
        if which == "priority" and priority.is_valid():
            services_roadmaps.priority_add(
                actor=request.user, roadmap=roadmap, **priority.cleaned_data
            )
            messages.success(request, _("The priority is added."))
            return redirect("indicators-roadmap-edit", country_id=roadmap.country_id)
        if which == "committee" and committee.is_valid():
            services_roadmaps.committee_add(
                actor=request.user, roadmap=roadmap, **committee.cleaned_data
            )
            messages.success(request, _("The committee is added."))
            return redirect("indicators-roadmap-edit", country_id=roadmap.country_id)
        if which == "remove_priority":
            found = roadmap.priorities.filter(pk=request.POST.get("id") or 0).first()
            if found is None:
                raise Http404("No such priority")
            services_roadmaps.priority_remove(actor=request.user, priority=found)
            messages.success(request, _("The priority is removed."))
            return redirect("indicators-roadmap-edit", country_id=roadmap.country_id)
        if which == "remove_committee":
            gone = roadmap.committees.filter(pk=request.POST.get("id") or 0).first()
            if gone is None:
                raise Http404("No such committee")
            services_roadmaps.committee_remove(actor=request.user, committee=gone)
            messages.success(request, _("The committee is removed."))
            return redirect("indicators-roadmap-edit", country_id=roadmap.country_id)
    except ValidationError as exc:
        service_errors(
            {"details": details, "priority": priority, "committee": committee}[which], exc
        )
    context = {
        "roadmap": roadmap,
        "details": details,
        "priority_form": priority,
        "committee_form": committee,
        "priorities": roadmap.priorities.all(),
        "committees": roadmap.committees.select_related("parent").prefetch_related("members"),
    }
    return render(request, "indicators/roadmap_edit.html", context)


@login_required
@require_POST
def roadmap_start(request: AuthedRequest) -> HttpResponse:
    """A coordinator starts the roadmap of a country it coordinates."""
    from synergy.core.models import Country

    country = Country.objects.filter(pk=request.POST.get("country", "").upper()).first()
    if country is None:
        raise Http404("No such country")
    try:
        services_roadmaps.roadmap_create(actor=request.user, country=country)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        return redirect("indicators-roadmaps")
    return redirect("indicators-roadmap-edit", country_id=country.pk)
