"""The public site offers every election's files: ``/downloads`` (with its JSON and CSV
twins), the files themselves made by the exporter, links from the election pages, ETags."""

from __future__ import annotations

import io
import json
import warnings
import zipfile

import pytest
from openpyxl import load_workbook

from saylau.exports import cdf
from saylau.exports.excel import sheet_name
from saylau.web.app import create_app

from .conftest import ALL

with warnings.catch_warnings():
    warnings.simplefilter("ignore")
    from fastapi.testclient import TestClient


@pytest.fixture(scope="module")
def client(source):
    with TestClient(create_app(source)) as test_client:
        yield test_client


def test_the_downloads_page_lists_every_election_in_every_format(client):
    page = client.get("/downloads.json").json()
    assert page["page"] == "downloads"
    codes = {e["code"] for e in page["elections"]}
    assert set(ALL) <= codes
    demo = next(e for e in page["elections"] if e["code"] == "demo-2025")
    assert [f["format"] for f in demo["files"]] == ["cdf", "datapackage", "csv", "parquet", "xlsx"]
    assert demo["synthetic"] is True
    html = client.get("/downloads?lang=ru")
    assert html.status_code == 200
    assert "Открытые данные" in html.text and 'href="/downloads/demo-2025/cdf"' in html.text
    assert 'href="/downloads/demo-2025/xlsx?lang=ru"' in html.text
    csv_twin = client.get("/downloads.csv")
    assert csv_twin.status_code == 200 and "/downloads/every-rule-2025/parquet" in csv_twin.text
    assert 'href="/downloads"' in client.get("/").text  # in the navigation


def test_election_pages_link_their_files(client):
    page = client.get("/election/demo-2025?lang=kk").text
    assert 'href="/downloads/demo-2025/datapackage"' in page
    assert "Ашық деректер:" in page
    assert 'href="/downloads/kz-2021-rural-akim/cdf"' in client.get("/").text


def test_the_cdf_file_validates_and_carries_an_etag(client):
    response = client.get("/downloads/every-rule-2025/cdf")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("application/json")
    assert 'filename="every-rule-2025.cdf.json"' in response.headers["content-disposition"]
    assert cdf.validate(response.json()) == []
    tag = response.headers["etag"]
    again = client.get("/downloads/every-rule-2025/cdf", headers={"If-None-Match": tag})
    assert again.status_code == 304 and again.content == b""


def test_folder_formats_come_as_zip_archives(client):
    response = client.get("/downloads/demo-2025/datapackage")
    assert response.headers["content-type"] == "application/zip"
    archive = zipfile.ZipFile(io.BytesIO(response.content))
    names = set(archive.namelist())
    assert {"demo-2025/datapackage.json", "demo-2025/results.csv", "demo-2025/README.md"} <= names
    descriptor = json.loads(archive.read("demo-2025/datapackage.json"))
    assert descriptor["saylau"]["context"]["audit_head"]["seq"] > 0
    parquet = zipfile.ZipFile(
        io.BytesIO(client.get("/downloads/kz-2021-rural-akim/parquet").content)
    )
    assert "kz-2021-rural-akim/figures.parquet" in parquet.namelist()


def test_the_workbook_is_in_the_visitors_language(client):
    for lang in ("kk", "ru"):
        response = client.get(f"/downloads/demo-2025/xlsx?lang={lang}")
        book = load_workbook(io.BytesIO(response.content), read_only=True)
        assert book.sheetnames[0] == sheet_name("od.sheet.about", lang)


def test_an_unknown_election_or_format(client):
    response = client.get("/downloads/nowhere/cdf?lang=ru")
    assert response.status_code == 404 and "Выборов «nowhere» нет." in response.text
    assert client.get("/downloads/demo-2025/pdf").status_code == 422
