"""The exchange page: a coordinator downloads the country's values in every format and
imports a file; a bad row stops the whole file and is named on the page; a partner cannot
import another partner's figures; a long organisation name DHIS2 cannot hold is named."""

from __future__ import annotations

import json

from django.core.files.uploadedfile import SimpleUploadedFile
from lxml import etree

from synergy.core.models import Organisation
from synergy.indicators import exchange
from synergy.indicators.models import IndicatorValue
from synergy.indicators.tests.personas import IndicatorsCase

URL = "/indicators/exchange/"


class ExchangePageTests(IndicatorsCase):
    def setUp(self) -> None:
        super().setUp()
        self.enter_two_values()

    def test_the_page_offers_every_format(self) -> None:
        self.client.force_login(self.nina)
        response = self.client.get(URL + "?country=NP")
        self.assertEqual(response.status_code, 200)
        for fmt in ("csv", "xlsx", "dhis2-json", "adx", "dhis2-metadata"):
            self.assertContains(response, f'value="{fmt}"')

    def test_each_download_is_a_file_of_the_countrys_values(self) -> None:
        self.client.force_login(self.nina)
        response = self.client.get(URL, {"country": "NP", "format": "adx"})
        self.assertEqual(response.status_code, 200)
        self.assertIn("attachment", response["Content-Disposition"])
        root = etree.fromstring(response.content)
        self.assertEqual(len(root.findall(".//{urn:ihe:qrph:adx:2015}dataValue")), 2)
        metadata = json.loads(
            self.client.get(URL, {"country": "NP", "format": "dhis2-metadata"}).content
        )
        self.assertEqual(
            sorted(e["code"] for e in metadata["dataElements"]),
            ["np-bridge-schools", "np-bridge-schools.TARGET.sex"],
        )

    def test_an_import_enters_every_row_or_names_the_bad_ones(self) -> None:
        csv = exchange.write(exchange.export_values(country_id="NP"), "csv")
        IndicatorValue.objects.all().delete()
        self.client.force_login(self.nina)
        broken = csv.decode().replace(",7,", ",seven,").encode()
        response = self.client.post(URL, {"file": SimpleUploadedFile("values.csv", broken)})
        self.assertEqual(response.status_code, 400)
        self.assertContains(response, "Row 4", status_code=400)
        self.assertContains(response, "<code>value</code>", status_code=400)
        self.assertEqual(IndicatorValue.objects.count(), 0)
        response = self.client.post(URL, {"file": SimpleUploadedFile("values.csv", csv)})
        self.assertEqual(response.status_code, 302)
        self.assertEqual(IndicatorValue.objects.filter(status="draft").count(), 2)

    def test_a_partner_cannot_import_another_partners_figures(self) -> None:
        csv = exchange.write(exchange.export_values(country_id="NP"), "csv")
        IndicatorValue.objects.all().delete()
        self.client.force_login(self.charlie)
        response = self.client.post(URL, {"file": SimpleUploadedFile("values.csv", csv)})
        self.assertEqual(response.status_code, 400)
        self.assertContains(response, "<code>scope</code>", status_code=400)
        self.assertEqual(IndicatorValue.objects.count(), 0)

    def test_a_figure_dhis2_cannot_hold_is_named(self) -> None:
        Organisation.objects.filter(pk=self.partner_a.pk).update(name="P" * 60)
        self.client.force_login(self.nina)
        response = self.client.get(URL, {"country": "NP", "format": "dhis2-json"})
        self.assertContains(response, "longer than 50 characters", status_code=400)

    def test_no_file_and_no_sign_in(self) -> None:
        self.client.force_login(self.nina)
        self.assertEqual(self.client.post(URL, {}).status_code, 400)
        self.client.logout()
        self.assertEqual(self.client.get(URL).status_code, 302)
