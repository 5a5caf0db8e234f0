"""Values as files through the API, with the page's rules: a download of the values the
reader may see, an upload entered all rows or none with each bad row named (422), another
partner's figures refused, and no anonymous access."""

from __future__ import annotations

from django.core.files.uploadedfile import SimpleUploadedFile

from synergy.indicators import exchange
from synergy.indicators.models import IndicatorValue
from synergy.indicators.tests.personas import IndicatorsCase

URL = "/api/v1/indicators/exchange"


class ApiExchangeTests(IndicatorsCase):
    def setUp(self) -> None:
        super().setUp()
        self.enter_two_values()

    def test_a_download_reads_back_the_same_figures(self) -> None:
        self.client.force_login(self.nina)
        response = self.client.get(URL, {"country": "NP", "format": "dhis2-json"})
        self.assertEqual(response.status_code, 200)
        self.assertEqual(response["Content-Type"], "application/json")
        back = {row.key() for _line, row in exchange.read(response.content, "dhis2-json")}
        self.assertEqual(back, {row.key() for row in exchange.export_values(country_id="NP")})
        self.assertEqual(self.client.get(URL, {"country": "NP", "format": "pdf"}).status_code, 422)
        self.assertEqual(self.client.get(URL, {"country": "QQ"}).status_code, 404)

    def test_an_upload_enters_all_rows_or_names_the_bad_ones(self) -> None:
        csv = exchange.write(exchange.export_values(country_id="NP"), "csv")
        IndicatorValue.objects.all().delete()
        self.client.force_login(self.nina)
        broken = csv.decode().replace(",7,", ",seven,").encode()
        response = self.client.post(URL, {"file": SimpleUploadedFile("v.csv", broken)})
        self.assertEqual(response.status_code, 422)
        self.assertEqual(list(response.json()["detail"]), ["row 4: value"])
        self.assertEqual(IndicatorValue.objects.count(), 0)
        response = self.client.post(URL, {"file": SimpleUploadedFile("v.csv", csv)})
        self.assertEqual((response.status_code, response.json()), (201, {"entered": 2}))

    def test_another_partners_figures_and_strangers_are_refused(self) -> None:
        csv = exchange.write(exchange.export_values(country_id="NP"), "csv")
        IndicatorValue.objects.all().delete()
        self.client.force_login(self.charlie)
        response = self.client.post(URL, {"file": SimpleUploadedFile("v.csv", csv)})
        self.assertEqual(response.status_code, 422)
        self.assertTrue(any(key.endswith(": scope") for key in response.json()["detail"]))
        self.assertEqual(IndicatorValue.objects.count(), 0)
        # charlie's download holds no figure of partner A
        rows = exchange.read(
            self.client.get(URL, {"country": "NP", "format": "csv"}).content, "csv"
        )
        self.assertNotIn("Partner A", {row.organisation for _line, row in rows})
        self.client.logout()
        self.assertEqual(self.client.get(URL, {"country": "NP"}).status_code, 401)
