"""The translation catalogues are complete, consistent, compiled, and used by the pages.

A new string in the code without a translation fails here: run ``make messages``, translate
the new entries in synergy/locale/*/LC_MESSAGES/django.po (or in the app's own catalogue,
synergy/<app>/locale/, for an app that keeps one) and commit the .po and .mo files.
"""

from __future__ import annotations

import gettext
import os
import re
import shutil
import subprocess
import sys
import tempfile
import textwrap
from collections.abc import Callable
from functools import cache
from pathlib import Path

import polib  # type: ignore[import-untyped, unused-ignore]
import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import translation

from synergy.testing import BaseTestCase

SYNERGY_DIR = Path(__file__).resolve().parents[2]
LOCALE_DIR = SYNERGY_DIR / "locale"
# The same options as `make messages`.
IGNORE_PATTERNS = ["*/tests/*", "node_modules/*"]

LANGUAGES = [code for code, _name in settings.LANGUAGES if code != settings.LANGUAGE_CODE]
# The project catalogue, plus one per app that keeps its own (synergy/<app>/locale): Django
# merges them at run time, and makemessages sends each app's messages to its own catalogue.
PO_FILES = sorted(LOCALE_DIR.glob("*/LC_MESSAGES/*.po")) + sorted(
    SYNERGY_DIR.glob("*/locale/*/LC_MESSAGES/*.po")
)


def language_of(path: Path) -> str:
    return path.parent.parent.name


def catalogue_id(path: Path) -> str:
    return str(path.relative_to(SYNERGY_DIR).parent.parent)


# %(name)s, %s, %d, %.1f…; "%%" is a literal percent sign, not a placeholder.
PERCENT_PLACEHOLDER = re.compile(
    r"%(?:\((?P<name>[^)]*)\))?[#0\- +]*(?:\d+|\*)?(?:\.(?:\d+|\*))?(?P<type>[diouxXeEfFgGcrsa%])"
)
# str.format fields: {name}, {0}, {name!r}, {name:>10}; "{{" and "}}" are literal braces.
BRACE_PLACEHOLDER = re.compile(r"(?<!\{)\{(?P<name>[A-Za-z_][\w.]*|\d*)(?:![rsa])?(?::[^{}]*)?\}")


def entry_key(entry: polib.POEntry | polib.MOEntry) -> tuple[str, str]:
    return (entry.msgctxt or "", entry.msgid)


def label(entry: polib.POEntry) -> str:
    return f"{entry.msgctxt + ' | ' if entry.msgctxt else ''}{entry.msgid!r}"


def percent_placeholders(text: str) -> list[str]:
    found = []
    for match in PERCENT_PLACEHOLDER.finditer(text):
        if match["type"] == "%":
            continue
        found.append(f"%({match['name']})" if match["name"] is not None else "%" + match["type"])
    return sorted(found)


def brace_placeholders(text: str) -> list[str]:
    text = text.replace("{{", "").replace("}}", "")
    return sorted({m["name"] for m in BRACE_PLACEHOLDER.finditer(text)})


def translations_of(entry: polib.POEntry) -> list[str]:
    if entry.msgid_plural:
        return [entry.msgstr_plural[k] for k in sorted(entry.msgstr_plural)]
    return [entry.msgstr]


@cache
def pofile(path: Path) -> polib.POFile:
    return polib.pofile(str(path))


@cache
def extracted_msgids() -> frozenset[tuple[str, str]]:
    """Every msgid that `makemessages` extracts from the code now.

    Runs Django's makemessages on a copy of the source tree, in a subprocess, so that the real
    catalogues and the working tree (makemessages writes temporary files next to templates) are
    never touched, even while someone else edits them.
    """
    work = Path(tempfile.mkdtemp(prefix="synergy-messages-"))
    try:
        tree = work / "synergy"
        shutil.copytree(
            SYNERGY_DIR, tree, ignore=shutil.ignore_patterns("locale", "__pycache__", "*.pyc")
        )
        locale = tree / "locale"
        locale.mkdir()
        script = textwrap.dedent(
            """
            import sys
            import django
            django.setup()
            from django.core.management import call_command
            from django.test.utils import override_settings
            with override_settings(LOCALE_PATHS=[sys.argv[1]]):
                call_command(
                    "makemessages", locale=["en"], keep_pot=True,
                    ignore_patterns=sys.argv[2:], verbosity=0,
                )
            """
        )
        env = {**os.environ, "DJANGO_SETTINGS_MODULE": "synergy.settings"}
        result = subprocess.run(
            [sys.executable, "-c", script, str(locale), *IGNORE_PATTERNS],
            cwd=tree,
            env=env,
            capture_output=True,
            text=True,
            timeout=300,
        )
        assert result.returncode == 0, f"makemessages failed:\n{result.stdout}\n{result.stderr}"
        pot = polib.pofile(str(locale / "django.pot"))
        return frozenset(entry_key(e) for e in pot if not e.obsolete)
    finally:
        shutil.rmtree(work, ignore_errors=True)


def test_there_is_a_catalogue_for_every_language() -> None:
    assert LANGUAGES, "settings.LANGUAGES lists no language besides the default"
    for code in LANGUAGES:
        po = LOCALE_DIR / code / "LC_MESSAGES" / "django.po"
        assert po.exists(), f"{po} is missing: run `make messages` and translate it"
        assert po.with_suffix(".mo").exists(), f"{po.with_suffix('.mo')} is missing"


@cache
def active_entries(language: str) -> frozenset[tuple[str, str]]:
    """Messages translated into ``language`` in any of the catalogues."""
    return frozenset(
        entry_key(e)
        for path in PO_FILES
        if language_of(path) == language
        for e in pofile(path).translated_entries()
        if not e.obsolete
    )


@pytest.mark.parametrize("language", LANGUAGES)
def test_catalogues_cover_every_message_in_the_code(language: str) -> None:
    missing = sorted(extracted_msgids() - active_entries(language))
    assert missing == [], (
        f"{len(missing)} message(s) have no {language} translation yet: run `make messages` "
        "and translate them:\n"
        + "\n".join(f"  {ctx + ' | ' if ctx else ''}{msgid!r}" for ctx, msgid in missing[:40])
    )


@pytest.mark.parametrize("path", PO_FILES, ids=catalogue_id)
class TestCatalogue:
    def test_header_declares_language_charset_and_plural_forms(self, path: Path) -> None:
        po = pofile(path)
        language = language_of(path)
        assert not po.metadata_is_fuzzy, "the header is marked fuzzy: msgfmt would skip it"
        assert po.metadata.get("Language") == language
        assert "charset=UTF-8" in po.metadata.get("Content-Type", "")
        nplurals, plural = self.plural_forms(po)
        if language == "ar":
            # zero, one, two, few (3–10), many (11–99), other.
            assert nplurals == 6
            expected = {0: 0, 1: 1, 2: 2, 3: 3, 10: 3, 11: 4, 99: 4, 100: 5, 102: 5, 103: 3}
            assert {n: plural(n) for n in expected} == expected
        for n in range(0, 1201):
            assert 0 <= plural(n) < nplurals, f"plural({n}) is out of range"

    def test_every_entry_is_translated_and_none_is_fuzzy(self, path: Path) -> None:
        po = pofile(path)
        assert [label(e) for e in po.untranslated_entries()] == []
        assert [label(e) for e in po.fuzzy_entries()] == []
        nplurals, _plural = self.plural_forms(po)
        for entry in po:
            if entry.obsolete:
                continue
            forms = translations_of(entry)
            assert all(form.strip() for form in forms), f"empty translation of {label(entry)}"
            if entry.msgid_plural:
                assert len(forms) == nplurals, f"{label(entry)} needs {nplurals} plural forms"

    def test_placeholders_match(self, path: Path) -> None:
        problems = []
        for entry in pofile(path):
            if entry.obsolete:
                continue
            sources = [entry.msgid, entry.msgid_plural] if entry.msgid_plural else [entry.msgid]
            python_format = "python-format" in entry.flags
            wanted_percent = {p for s in sources for p in percent_placeholders(s)}
            wanted_brace = {p for s in sources for p in brace_placeholders(s)}
            forms = translations_of(entry)
            for form in forms:
                found_brace = set(brace_placeholders(form))
                if found_brace != wanted_brace:
                    problems.append(f"{label(entry)}: {{…}} {found_brace} ≠ {wanted_brace}")
                if not python_format:
                    continue
                found_percent = set(percent_placeholders(form))
                # A plural form may drop the number ("منظمتان" is "two organisations") but
                # never use a name the source lacks; the singular form must keep all of them.
                complete = not entry.msgid_plural
                if found_percent - wanted_percent or (complete and found_percent != wanted_percent):
                    problems.append(f"{label(entry)}: % {found_percent} ≠ {wanted_percent}")
            if entry.msgid_plural and python_format:
                used = {p for form in forms for p in percent_placeholders(form)}
                named = {p for p in wanted_percent if p.startswith("%(") and p != "%(counter)"}
                if not named <= used:
                    problems.append(f"{label(entry)}: no form uses {named - used}")
        assert problems == []

    def test_compiled_catalogue_is_up_to_date(self, path: Path) -> None:
        mo_path = path.with_suffix(".mo")
        assert mo_path.exists(), f"{mo_path} is missing: run `make messages`"
        po = pofile(path)
        mo = polib.mofile(str(mo_path))
        expected = {
            entry_key(e): translations_of(e) for e in po.translated_entries() if not e.obsolete
        }
        compiled = {entry_key(e): translations_of(e) for e in mo if e.msgid}
        stale = sorted(
            k for k in expected.keys() | compiled.keys() if expected.get(k) != compiled.get(k)
        )
        assert stale == [], f"{mo_path.name} differs from the .po: run compilemessages"
        assert mo.metadata.get("Plural-Forms") == po.metadata.get("Plural-Forms")

    def test_obsolete_entries_hide_no_current_message(self, path: Path) -> None:
        active = active_entries(language_of(path))
        hidden = [
            label(e)
            for e in pofile(path).obsolete_entries()
            if entry_key(e) in extracted_msgids() and entry_key(e) not in active
        ]
        assert hidden == [], "obsolete (#~) entries for messages the code still uses"

    @staticmethod
    def plural_forms(po: polib.POFile) -> tuple[int, Callable[[int], int]]:
        header = po.metadata.get("Plural-Forms", "")
        match = re.fullmatch(r"\s*nplurals=(\d+);\s*plural=(.+?);?\s*", header)
        assert match, f"bad Plural-Forms header: {header!r}"
        return int(match[1]), gettext.c2py(match[2])


def test_arabic_plurals_reach_the_pages() -> None:
    with translation.override("ar"):
        forms = [
            translation.ngettext("%(counter)s organisation", "%(counter)s organisations", n)
            % {"counter": n}
            for n in (1, 2, 5, 11, 100)
        ]
    assert len(set(forms)) >= 4, forms
    assert forms[2] == "5 منظمات"


class LanguageRenderingTests(BaseTestCase):
    def test_arabic_from_the_language_cookie_is_right_to_left(self) -> None:
        self.client.force_login(self.alice)
        self.client.cookies[settings.LANGUAGE_COOKIE_NAME] = "ar"
        response = self.client.get(reverse("core-home"))
        self.assertContains(response, '<html lang="ar" dir="rtl">')
        self.assertContains(response, "vendor/bootstrap/css/bootstrap.rtl.min.css")
        self.assertNotContains(response, "vendor/bootstrap/css/bootstrap.min.css")
        self.assertContains(response, "لوحة المعلومات")

    def test_arabic_from_accept_language_is_right_to_left(self) -> None:
        self.client.force_login(self.bob)
        response = self.client.get(
            reverse("core-organisation-list"), headers={"accept-language": "ar,en;q=0.5"}
        )
        self.assertContains(response, '<html lang="ar" dir="rtl">')
        self.assertContains(response, "bootstrap.rtl.min.css")
        self.assertContains(response, "المنظمات")

    def test_french_navigation(self) -> None:
        self.client.force_login(self.alice)
        response = self.client.get(reverse("core-home"), headers={"accept-language": "fr"})
        self.assertContains(response, '<html lang="fr" dir="ltr">')
        self.assertContains(response, "vendor/bootstrap/css/bootstrap.min.css")
        for text in ("Tableau de bord", "Organisations", "Partenariats", "Se déconnecter"):
            self.assertContains(response, text)
        self.assertContains(response, 'aria-label="Menu principal"')
        self.assertNotContains(response, ">Dashboard<")

    def test_english_stays_the_default(self) -> None:
        self.client.force_login(self.alice)
        response = self.client.get(reverse("core-home"), headers={"accept-language": "de"})
        self.assertContains(response, '<html lang="en" dir="ltr">')
        self.assertContains(response, "Dashboard")
