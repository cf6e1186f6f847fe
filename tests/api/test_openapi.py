"""The OpenAPI document is valid OpenAPI 3 and says what the API answers (issue 11)."""

import pytest
from openapi_spec_validator import validate

METHODS = ("get", "put", "post", "delete", "patch")


@pytest.fixture(scope="module")
def document(app):
    response = app.test_client().get("/api/v1/openapi.json")
    assert response.status_code == 200
    return response.get_json()


def _operations(document):
    for path, item in document["paths"].items():
        for method, operation in item.items():
            if method in METHODS:
                yield path, method, operation


def test_the_document_is_valid_openapi_3(document):
    assert document["openapi"].startswith("3.")
    validate(document)  # raises on the first violation


def test_every_response_has_a_description(document):
    missing = [
        (path, method, code)
        for path, method, operation in _operations(document)
        for code, response in operation["responses"].items()
        if "$ref" not in response and not response.get("description")
    ]
    assert missing == []


def test_errors_are_problem_documents_with_their_real_members(document):
    problem = document["components"]["schemas"]["Problem"]
    assert set(problem["properties"]) == {"type", "title", "status", "detail", "instance", "errors"}
    assert problem.get("additionalProperties", True) is not False
    field = document["components"]["schemas"]["FieldProblem"]
    assert {"path", "message"} <= set(field["properties"])
    assert sorted(field["required"]) == ["message", "path"]
    assert field.get("additionalProperties", True) is not False
    for name in ("UNAUTHORIZED", "NOT_FOUND", "UNPROCESSABLE_ENTITY", "DEFAULT_ERROR"):
        content = document["components"]["responses"][name]["content"]
        assert list(content) == ["application/problem+json"]


def test_every_operation_lists_the_errors_it_can_answer(document):
    for path, method, operation in _operations(document):
        codes = set(operation["responses"])
        assert {"400", "401", "403", "404", "422", "503"} <= codes, (method, path)
        if "requestBody" in operation:
            assert {"409", "413", "415"} <= codes, (method, path)


@pytest.mark.parametrize("who", ["investors", "payers"])
def test_statements_document_json_and_excel(document, who):
    content = document["paths"][f"/api/v1/{who}/{{slug}}/statements"]["get"]["responses"]["200"]
    assert set(content["content"]) == {
        "application/json",
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    }


def test_terms_and_outcome_values_bodies_are_described(document):
    contracts = document["paths"]["/api/v1/contracts"]["post"]["requestBody"]
    simulate = document["paths"]["/api/v1/contracts/{reference}/simulate"]["post"]["requestBody"]
    schemas = document["components"]["schemas"]
    assert contracts["content"]["application/json"]["schema"]["$ref"].endswith("/TermsDocument")
    assert {"format", "reference", "currency", "periods", "terms"} <= set(
        schemas["TermsDocument"]["properties"]
    )
    assert simulate["content"]["application/json"]["schema"]["$ref"].endswith("/OutcomeValues")
    assert set(schemas["OutcomeValues"]["properties"]) == {
        "values", "participants", "drawdowns", "through",
    }  # fmt: skip


def test_pagination_header_is_a_json_string(document, client, auth_headers):
    header = document["components"]["headers"]["PAGINATION"]
    assert header["schema"] == {"type": "string"}
    response = client.get("/api/v1/contracts", headers=auth_headers("admin"))
    assert response.status_code == 200
    assert response.headers["X-Pagination"].startswith("{")


def test_swagger_ui_is_served_from_the_package(client):
    page = client.get("/api/v1/docs")
    assert page.status_code == 200
    bundle = client.get("/api/v1/docs/assets/swagger-ui-bundle.js")
    assert bundle.status_code == 200
    bundle.close()


def test_some_requests_and_responses_carry_examples(document):
    schemas = document["components"]["schemas"]
    assert schemas["OutcomeValues"]["example"]["through"] == "2028"
    assert schemas["RunRequest"]["properties"]["period"]["example"] == "2027"
    unprocessable = document["components"]["responses"]["UNPROCESSABLE_ENTITY"]
    assert unprocessable["content"]["application/problem+json"]["example"]["status"] == 422
    assert document["components"]["headers"]["PAGINATION"]["example"].startswith('{"total"')
