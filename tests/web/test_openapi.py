"""The OpenAPI document: valid, every JSON twin documented, examples true of the running app,
and the API fuzzed within its schema (schemathesis)."""

from __future__ import annotations

import re
from typing import Any

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings

from saylau.web.app import create_app


@pytest.fixture(scope="module")
def app(module_service):
    return create_app(module_service)


@pytest.fixture(scope="module")
def openapi(client) -> dict[str, Any]:
    return client.get("/openapi.json").json()


def test_openapi_document_is_valid(app) -> None:
    schemathesis.openapi.from_asgi("/openapi.json", app).validate()


def test_every_page_has_a_documented_json_twin(openapi) -> None:
    paths = set(openapi["paths"])
    for page in (
        "/index",
        "/region/{code}",
        "/parties",
        "/party/{code}",
        "/tables",
        "/tables/{key}",
        "/check",
        "/sources",
        "/figure/{id}",
        "/search",
        "/about",
        "/elections",
        "/election/{code}",
        "/election/{code}/region/{region}",
        "/election/{code}/district/{district}",
        "/election/{code}/okrug/{okrug}",
        "/election/{code}/station/{station}",
    ):
        assert page + ".json" in paths, page
        get = openapi["paths"][page + ".json"]["get"]
        schema = get["responses"]["200"]["content"]["application/json"]["schema"]
        assert "$ref" in schema, page
        assert "404" in get["responses"] and "422" in get["responses"], page
    assert not any(set(ops) - {"get"} for ops in openapi["paths"].values())
    assert not any(path.startswith("/workspace") for path in paths)  # not a public API


def _subset(example: Any, actual: Any, where: str = "") -> None:
    if isinstance(example, dict):
        assert isinstance(actual, dict), where
        for key, value in example.items():
            assert key in actual, f"{where}.{key}"
            _subset(value, actual[key], f"{where}.{key}")
    elif isinstance(example, list):
        assert isinstance(actual, list) and len(actual) >= len(example), where
        for index, value in enumerate(example):
            if isinstance(value, dict) and "code" in value:
                match = [
                    a for a in actual if isinstance(a, dict) and a.get("code") == value["code"]
                ]
                assert match, f"{where}[code={value['code']}]"
                _subset(value, match[0], f"{where}[{index}]")
            else:
                _subset(value, actual[index], f"{where}[{index}]")
    else:
        assert example == actual, f"{where}: {example!r} != {actual!r}"


def test_documented_examples_hold_on_the_running_app(client, openapi) -> None:
    components = openapi["components"]["schemas"]
    checked = 0
    for path, operations in openapi["paths"].items():
        if not path.endswith(".json"):
            continue
        get = operations["get"]
        url = path
        for parameter in get.get("parameters", []):
            if parameter["in"] == "path":
                example = parameter["schema"]["examples"][0]
                url = url.replace("{" + parameter["name"] + "}", example)
        query = {
            p["name"]: p["schema"]["examples"][0]
            for p in get.get("parameters", [])
            if p["in"] == "query" and p.get("schema", {}).get("examples")
        }
        response = client.get(url, params=query)
        assert response.status_code == 200, url
        ref = get["responses"]["200"]["content"]["application/json"]["schema"]["$ref"]
        examples = components[ref.rsplit("/", 1)[-1]].get("examples", [])
        for example in examples:
            _subset(example, response.json(), url)
            checked += 1
    assert checked >= 9
    # The error model's example names a real rule message.
    error = components["ErrorPage"]["examples"][0]
    actual = client.get("/index.json?lang=fr").json()
    assert actual["status"] == error["status"] == 422
    assert actual["problems"][0]["parameter"] == error["problems"][0]["parameter"]
    assert re.search("kk.*ru.*en", actual["problems"][0]["rule"])


def test_api_conforms_to_its_schema(app) -> None:
    """Requests generated from the schema (valid and invalid) get documented answers."""
    api = schemathesis.openapi.from_asgi("/openapi.json", app)
    operations = [result.ok() for result in api.get_all_operations()]
    assert len(operations) >= 20
    for operation in operations:

        @settings(
            max_examples=6, deadline=None, suppress_health_check=list(HealthCheck), database=None
        )
        @given(case=operation.as_strategy())
        def check(case) -> None:
            case.call_and_validate()

        check()
