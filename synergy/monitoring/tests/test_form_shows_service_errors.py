"""A service's refusal naming a field the page's form does not have is shown on the form."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.test import SimpleTestCase

from synergy.monitoring.forms import DeclineForm


class FormShowsServiceErrorsTests(SimpleTestCase):
    def test_an_error_on_a_field_the_form_lacks_becomes_a_form_error(self) -> None:
        form = DeclineForm(data={"version": 1, "reason": "Too far"})
        self.assertTrue(form.is_valid())
        form.add_error(
            None,
            ValidationError(
                {"household": ["The household belongs to another organisation."], "reason": ["No"]}
            ),
        )
        self.assertEqual(
            form.non_field_errors(), ["The household belongs to another organisation."]
        )
        self.assertEqual(form.errors["reason"], ["No"])
