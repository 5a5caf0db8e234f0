"""The dimensions every country shares: sex and age group as the CLMS and the surveys count
them, the SDG 8.7 forms of exploitation, the broad economic sectors, and the country's areas.
Data only: migration 0002 loads it, and ``services.ensure_builtin_dimensions`` restores it."""

from __future__ import annotations

from django.utils.translation import gettext_noop

# (code, name, is an area dimension, [[item code, item label], ...])
BUILTIN: list[tuple[str, str, bool, list[list[str]]]] = [
    (
        "sex",
        gettext_noop("Sex"),
        False,
        [["F", gettext_noop("Female")], ["M", gettext_noop("Male")]],
    ),
    (
        "age_group",
        gettext_noop("Age group"),
        False,
        [["5-11", "5-11"], ["12-14", "12-14"], ["15-17", "15-17"]],
    ),
    (
        "exploitation_form",
        gettext_noop("Form of exploitation"),
        False,
        [
            ["child_labour", gettext_noop("Child labour")],
            ["forced_labour", gettext_noop("Forced labour")],
            ["trafficking", gettext_noop("Trafficking")],
        ],
    ),
    (
        "sector",
        gettext_noop("Sector"),
        False,
        [
            ["agriculture", gettext_noop("Agriculture")],
            ["industry", gettext_noop("Industry")],
            ["services", gettext_noop("Services")],
        ],
    ),
    ("area", gettext_noop("Area"), True, []),
]
