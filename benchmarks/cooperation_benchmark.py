"""South-South matching benchmark (issue 12): 200 country profiles, 10,000 published good
practices (one to four countries each, as sharer, learner or participant) and 2,000 open needs,
then ``--runs`` rankings with explanations for needs drawn at random, as the need page and the
API ask for them (the top 30 countries, each explained). Target: under 300 ms p95.

    .venv/bin/python benchmarks/cooperation_benchmark.py                 # SQLite (temp file)
    .venv/bin/python benchmarks/cooperation_benchmark.py --postgres postgres://postgres@127.0.0.1:5432/synergy_coopbench

The PostgreSQL database is dropped and re-created. Texts are generated (seed 87) in the five
languages from the knowledge benchmark's vocabulary. It reports:
* the first ranking (it builds the in-memory index: every practice read and featurised);
* a ranking after one practice changed (only that practice is featurised again);
* warm rankings (p50, p95, max), and the need page through Django's test client.

Figures are in RESULTS at the end of this file.
"""

from __future__ import annotations

import argparse
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))

from knowledge_benchmark import LANGS, filler_words, setup, words  # noqa: E402


def load(n_profiles: int, n_practices: int, n_needs: int) -> None:
    from django.db import transaction

    from synergy.cooperation.models import (
        CountryProfile,
        IncomeGroup,
        InPlace,
        LegalTradition,
        Need,
        ProfileMeasure,
    )
    from synergy.core.models import Country
    from synergy.knowledge.models import GoodPractice, PracticeCountry, Theme
    from synergy.testing import make_user

    rng = random.Random(87)
    filler = filler_words(rng)
    author = make_user("bench-author")
    countries = list(Country.objects.order_by("iso2")[:n_profiles])
    themes = list(Theme.objects.all())
    start = time.perf_counter()
    with transaction.atomic():
        profiles = CountryProfile.objects.bulk_create(
            CountryProfile(
                country=c,
                legal_tradition=rng.choice(LegalTradition.values),
                income_group=rng.choice(IncomeGroup.values),
                minimum_age=rng.choice([14, 15, 16]),
            )
            for c in countries
        )
        ProfileMeasure.objects.bulk_create(
            ProfileMeasure(profile=p, kind=kind, since=rng.randint(1990, 2024))
            for p in profiles
            for kind in rng.sample(InPlace.values, rng.randint(0, 6))
        )
        practices = []
        for _i in range(n_practices):
            lang = rng.choice(LANGS)
            practices.append(
                GoodPractice(
                    title=words(rng, lang, rng.randint(4, 10), filler),
                    summary=words(rng, lang, rng.randint(25, 60), filler),
                    action=words(rng, lang, rng.randint(30, 120), filler),
                    background=words(rng, lang, rng.randint(30, 120), filler),
                    lessons_learned=words(rng, lang, rng.randint(30, 120), filler),
                    status="published",
                    author=author,
                    languages=[lang],
                )
            )
        GoodPractice.objects.bulk_create(practices, batch_size=1000)
        links = []
        roles = []
        for practice in practices:
            for theme in rng.sample(themes, rng.randint(1, 2)):
                links.append(GoodPractice.themes.through(goodpractice=practice, theme=theme))
            for n, country in enumerate(rng.sample(countries, rng.randint(1, 4))):
                role = "shared" if n == 0 else rng.choice(["learned", "participated"])
                roles.append(PracticeCountry(practice=practice, country=country, role=role))
        GoodPractice.themes.through.objects.bulk_create(links, batch_size=5000)
        PracticeCountry.objects.bulk_create(roles, batch_size=5000)
        Need.objects.bulk_create(
            Need(
                country=rng.choice(countries),
                title=words(rng, lang, rng.randint(5, 12), filler),
                description=words(rng, lang, rng.randint(20, 60), filler),
                theme=rng.choice(themes),
                created_by=author,
            )
            for lang in (rng.choice(LANGS) for _ in range(n_needs))
        )
    print(
        f"loaded {len(countries)} profiles, {n_practices} practices, {n_needs} needs "
        f"in {time.perf_counter() - start:.1f} s"
    )


def run(runs: int) -> None:
    from django.test import Client
    from django.urls import reverse
    from django.utils import timezone

    from synergy.cooperation import matching
    from synergy.cooperation.models import Need
    from synergy.core.models import Membership, Organisation, Role, User
    from synergy.knowledge.models import GoodPractice

    rng = random.Random(2026)
    needs = list(Need.objects.select_related("theme").order_by("pk"))

    def rank(need: Need) -> list[matching.Match]:
        return matching.rank(
            learner=need.country_id,
            text=f"{need.title}\n{need.description}",
            theme=need.theme.slug if need.theme else "",
            top=30,
        )

    t0 = time.perf_counter()
    first = rank(needs[0])
    cold = time.perf_counter() - t0
    print(f"first ranking (builds the index): {cold * 1000:.0f} ms, {len(first)} countries")

    practice = GoodPractice.objects.order_by("pk").first()
    assert practice is not None
    # As the knowledge services save an edit: new text, new updated_at.
    GoodPractice.objects.filter(pk=practice.pk).update(
        title=practice.title + " revised", updated_at=timezone.now()
    )
    t0 = time.perf_counter()
    rank(needs[1])
    print(f"ranking after one practice changed: {(time.perf_counter() - t0) * 1000:.0f} ms")

    times = []
    sizes = []
    for _ in range(runs):
        need = rng.choice(needs)
        t0 = time.perf_counter()
        found = rank(need)
        times.append((time.perf_counter() - t0) * 1000)
        sizes.append(len(found))
    times.sort()
    p95 = times[int(len(times) * 0.95) - 1]
    print(
        f"rankings x{runs} (top 30 explained, median {statistics.median(sizes):.0f} countries): "
        f"p50 {statistics.median(times):.1f} ms, p95 {p95:.1f} ms, max {times[-1]:.1f} ms"
    )

    admin = User.objects.filter(username="bench-admin").first()
    if admin is None:
        admin = User.objects.create_user(username="bench-admin", password="bench-password-87")
        unit = Organisation.objects.create(name="Bench unit", kind="government")
        Membership.objects.create(user=admin, organisation=unit, role=Role.SYSTEM_ADMIN)
    client = Client()
    client.force_login(admin)
    pages = []
    for _ in range(max(runs // 4, 10)):
        need = rng.choice(needs)
        t0 = time.perf_counter()
        response = client.get(reverse("cooperation-need", args=[need.pk]))
        pages.append((time.perf_counter() - t0) * 1000)
        assert response.status_code == 200, response.status_code
    pages.sort()
    print(
        f"need page x{len(pages)}: p50 {statistics.median(pages):.0f} ms, "
        f"p95 {pages[int(len(pages) * 0.95) - 1]:.0f} ms"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--postgres", help="PostgreSQL URL of a throw-away database")
    parser.add_argument("--profiles", type=int, default=200)
    parser.add_argument("--practices", type=int, default=10_000)
    parser.add_argument("--needs", type=int, default=2_000)
    parser.add_argument("--runs", type=int, default=200)
    args = parser.parse_args()

    tmp = tempfile.TemporaryDirectory()
    if args.postgres:
        import psycopg

        base, _sep, name = args.postgres.rpartition("/")
        with psycopg.connect(f"{base}/postgres", autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}"')
            conn.execute(f'CREATE DATABASE "{name}"')
        setup(args.postgres)
    else:
        setup(f"sqlite:///{tmp.name}/bench.sqlite3")

    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    load(args.profiles, args.practices, args.needs)
    run(args.runs)
    tmp.cleanup()


if __name__ == "__main__":
    main()

RESULTS = """
2026-12-04, 2 cores, SQLite 3.40 and PostgreSQL 15 on the same machine, 200 profiles, 10,000
published practices, 2,000 needs, 200 rankings (top 30, explained) and 50 need pages:

| backend | first ranking (index built) | after one practice changed | ranking p50 / p95 / max | need page p50 / p95 |
|---|---|---|---|---|
| SQLite | 5.7 s | 0.64 s | 24.9 / 27.7 / 145 ms | 74 / 99 ms |
| PostgreSQL | 7.1 s | 0.77 s | 46.5 / 58.1 / 63 ms | 90 / 109 ms |

Target met: a ranked list with explanations under 300 ms p95. The first ranking in a process
pays for reading and featurising every practice (about 0.6 ms each); later rebuilds featurise
only the practices changed since. An earlier run in which every rebuild read every practice's
text again took 3.8 s (SQLite) and 4.1 s (PostgreSQL) after one edit.
"""
