"""Counts and indicators of the CLMS: withdrawn and prevented against targets, the USDOL/ILAB
common indicators, and the shares of identified children supported and no longer in child
labour at follow-up. Aggregates only: no function here returns personal data except
``children_behind``, which returns the children behind one figure filtered by the user's scope
(selectors.children_for) - an analyst gets none.

Definitions implemented (from the USDOL/ILAB common indicators and the CLMRS practice):

Withdrawn / prevented
    Outcome rows (one per project and child - a database constraint; a child merged into
    another record is not counted) whose ``relapsed_on`` is empty, i.e. children *currently*
    counted, against ProjectTarget numbers per project, implementing organisation, kind and
    sex. Age groups 5-11, 12-14, 15-17 use the completed age on the day the outcome was
    achieved (``achieved_on``) from the date of birth (estimated dates included); other ages
    and unknown dates of birth go to "other".

Reporting period
    USDOL technical progress reports are half-yearly; a ``Period`` is any date range, by
    default the calendar half-year (1 Jan-30 Jun, 1 Jul-31 Dec) that contains the day asked.

Participant (USDOL)
    A child, in the scope, with at least one referral ACCEPTED or COMPLETED by the provider
    for an education, vocational training or livelihood service, referred on or before the
    end of the period. (The reference: "participant = receives project education, training or
    livelihood services".)

E1  Children in or at high risk of child labour provided education or vocational training:
    distinct children with an accepted/completed referral for formal, non-formal education or
    vocational training that was referred during the period or has a service delivery
    overlapping it; broken down by service type (a child may count under several types, once
    in the total).
L1  Households receiving livelihood services: distinct households of children with an
    accepted/completed livelihood referral referred during the period or with a delivery
    overlapping it.
POC1-3  Among participants with at least one visit in the period (data collected), the share
    with at least one visit in the period classified as child labour (POC1: label CL or HAZ),
    as hazardous child labour (POC2: label HAZ) or recording another worst form (POC3). One
    visit in the six-month period saying "yes" is enough: the reference's "past six months OR
    past week" rule applied to visits, each of which records the past week.
POC4  Among participants with attendance recorded in the period, the share whose mean
    attendance over the period's visits is at least 75 % of school days (attendance is
    recorded as a share of school days, so holidays are excluded).
POH1-4  Household level, at two points as the reference asks (intake and end): for each
    household of a participant, at INTAKE its children's identification visits, at END each
    child's latest visit within the 12 months before the end of the period. A household
    counts for POH1/2/3 when any child is in CL / HAZ / another worst form at that point, and
    for POH4 when every child with attendance recorded attends at least 75 %.

Support and follow-up shares
    Supported: share of the identified children (in scope, not merged) with at least one
    accepted or completed referral (any service). No longer in child labour at follow-up:
    among children found in child labour at some visit and visited again afterwards
    (follow-up or verification), the share whose latest such visit is not child labour.


The package's modules: ``periods`` (scopes, reporting periods, shared constants), ``targets``
(withdrawn and prevented against targets), ``usdol`` (the USDOL/ILAB common indicators),
``shares`` (support and follow-up shares) and ``children_behind`` (the records behind one
figure, for the users who may see them).
"""

from synergy.monitoring.indicators.children_behind import (
    age_group_of,
    children_behind,
    may_list_children,
)
from synergy.monitoring.indicators.periods import (
    AGE_GROUP_KEYS,
    AGE_GROUPS,
    SEXES,
    Figure,
    Period,
    Scope,
)
from synergy.monitoring.indicators.shares import support_shares
from synergy.monitoring.indicators.targets import (
    TargetRow,
    outcome_counts,
    outcome_totals,
    target_table,
    with_age_group,
)
from synergy.monitoring.indicators.usdol import UsdolResult, participants, usdol_indicators

__all__ = [
    "AGE_GROUPS",
    "AGE_GROUP_KEYS",
    "SEXES",
    "Figure",
    "Period",
    "Scope",
    "TargetRow",
    "UsdolResult",
    "age_group_of",
    "children_behind",
    "may_list_children",
    "outcome_counts",
    "with_age_group",
    "outcome_totals",
    "participants",
    "support_shares",
    "target_table",
    "usdol_indicators",
]
