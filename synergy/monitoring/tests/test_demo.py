from __future__ import annotations

from django.core.management import call_command

from synergy.monitoring.models import Child, Outcome, Status


def test_it_loads_the_demo_twice_without_change(db: object) -> None:
    call_command("demo", stdout=_Null())
    counts = (Child.objects.count(), Outcome.objects.count())
    call_command("demo", stdout=_Null())
    assert (Child.objects.count(), Outcome.objects.count()) == counts
    statuses = set(Child.objects.values_list("status", flat=True))
    assert {Status.WITHDRAWN, Status.PREVENTED, Status.CLOSED, Status.REFERRED} <= statuses
    kinds = sorted(Outcome.objects.values_list("kind", flat=True))
    assert kinds == ["prevented", "prevented", "withdrawn", "withdrawn"]
    assert all(o.project.code == "DEMO-NP-CL-01" for o in Outcome.objects.select_related("project"))


class _Null:
    def write(self, *args: object) -> None:
        pass

    def flush(self) -> None:
        pass
