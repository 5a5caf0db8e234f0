"""Vocabularies more than one app records, defined once so that their codes match across apps:
a CLMS outcome is counted against a project target by sex; a project and a good practice meet
on the form of exploitation and the people they work with (the knowledge base's finer
taxonomies name the shared code each entry falls under)."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class Sex(models.TextChoices):
    FEMALE = "F", _("Female")
    MALE = "M", _("Male")


class ExploitationForm(models.TextChoices):
    """The three forms SDG target 8.7 names."""

    CHILD_LABOUR = "child_labour", _("Child labour")
    FORCED_LABOUR = "forced_labour", _("Forced labour")
    TRAFFICKING = "trafficking", _("Trafficking")


class TargetGroup(models.TextChoices):
    """The people an intervention works with or for."""

    CHILDREN_IN_CL = "children_in_child_labour", _("Children in child labour")
    CHILDREN_AT_RISK = "children_at_risk", _("Children at risk")
    HAZARDOUS_WORK = "children_hazardous_work", _("Children in hazardous work")
    YOUNG_WORKERS = "young_workers", _("Young workers of working age")
    FAMILIES = "families", _("Families and households")
    VICTIMS = "victims_of_trafficking", _("Victims of trafficking")
    FORCED_LABOUR = "people_in_forced_labour", _("People in forced labour")
    MIGRANTS = "migrant_workers", _("Migrant workers")
    COMMUNITIES = "communities", _("Communities")
    TEACHERS = "teachers", _("Teachers")
    LABOUR_INSPECTORS = "labour_inspectors", _("Labour inspectors")
    WORKERS_ORGANISATIONS = "workers_organisations", _("Trade unions")
    EMPLOYERS = "employers", _("Employers and their organisations")
    INSTITUTIONS = "institutions", _("Institutions and officials")
