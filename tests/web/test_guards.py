"""The pages keep the API's rule (sib/policy.py) without a browser: sign-in first, another
organisation's object answers 404, a role that may never act 403, every form needs its CSRF
token, and no page shows an identity number or a whole pseudonym."""

import json
import re
from datetime import date
from pathlib import Path

import pytest
from flask import current_app, g

from sib.actor import Actor
from sib.extensions import db
from tests.outcomes.submissions.workbooks import PERSON_A, filled
from tests.web.conftest import EMAILS, PASSWORD, REFERENCE

C = f"/c/{REFERENCE}"
DEMO = Path(__file__).resolve().parents[2] / "examples" / "demo-terms.json"
LONG_HEX = re.compile(r"\b[0-9a-f]{64}\b")


@pytest.fixture
def elsewhere(demo):
    """A second contract, ELSE-2027, where neither Botkyrka nor the Mälar fund is a party."""
    from contracts import service

    terms = json.loads(DEMO.read_text(encoding="utf-8").replace('"botkyrka"', '"solna"')
                       .replace('"malar_fund"', '"other_fund"'))  # fmt: skip
    terms["reference"] = "ELSE-2027"
    for organisation in terms["organisations"]:
        if organisation["id"] == "solna":
            organisation.update(name="Solna stad", org_number="212000-0209")
        if organisation["id"] == "other_fund":
            organisation["name"] = "Other Fund"
    contract = service.import_contract(terms, Actor.system("test"))
    db.session.commit()
    return contract


def _upload(contract, values=(), participants=()):
    from outcomes.submissions import service
    from outcomes.submissions.settings import settings_from
    from outcomes.workbook.template import template_bytes

    template = template_bytes(service.catalogue_for(contract.versions[-1]))
    data = filled(template, values, participants)
    submission, _ = service.ingest_file(contract, "f.xlsx", data, Actor.system("test"),
                                        settings=settings_from(current_app.config))  # fmt: skip
    db.session.commit()
    return submission


def test_a_signed_out_visitor_is_sent_to_sign_in(client, demo):
    answer = client.get(C)
    assert answer.status_code == 302
    assert answer.headers["Location"].startswith("/login?next=")


@pytest.mark.parametrize("path", ["/c/ELSE-2027", "/c/ELSE-2027/upload",
                                  "/c/ELSE-2027/template.xlsx", "/c/ELSE-2027/runs",
                                  "/c/ELSE-2027/payers/solna", "/c/NO-SUCH/upload"])  # fmt: skip
def test_another_organisations_contract_does_not_exist(sign_in, elsewhere, path):
    officer = sign_in("finance")
    answer, missing = officer.get(path), officer.get("/c/NO-SUCH")
    assert answer.status_code == 404
    assert _main(answer) == _main(missing)  # as if it did not exist


def _main(answer) -> str:
    html = answer.get_data(as_text=True)
    return html[html.index("<main") : html.index("</main>")]


@pytest.mark.parametrize(("who", "path"), [
    ("investor", f"{C}/investors/sodertorn_impact"),
    ("investor", f"{C}/investors/sodertorn_impact.xlsx"),
    ("finance", f"{C}/payers/nacka"),
])  # fmt: skip
def test_another_organisations_statement_does_not_exist(sign_in, who, path):
    assert sign_in(who).get(path).status_code == 404


def test_another_contracts_submission_does_not_exist_here(sign_in, elsewhere):
    foreign = _upload(elsewhere, [("SAFE", "2027", None, 50, None)])
    officer = sign_in("finance")
    assert officer.get(f"{C}/submissions/{foreign.id}").status_code == 404
    assert officer.get(f"{C}/submissions/{foreign.id}/errors.xlsx").status_code == 404


@pytest.mark.parametrize(("who", "path"), [
    ("investor",  f"{C}/upload"),
    ("investor",  f"{C}/runs"),
    ("evaluator", f"{C}/runs"),
    ("finance",   f"{C}/verify"),
    ("finance",   f"{C}/history"),
    ("finance",   f"{C}/upload"),  # an outcome payer's officer: the provider reports outcomes
    ("finance",   "/admin/users"),
    ("auditor",   f"{C}/upload"),
])  # fmt: skip
def test_a_role_that_may_never_act_is_refused(sign_in, who, path):
    assert sign_in(who).get(path).status_code == 403


def test_every_page_has_an_access_rule(app):
    open_endpoints = {"web.static", "web.language"}
    for rule in app.url_map.iter_rules():
        if rule.endpoint.startswith("web") and rule.endpoint not in open_endpoints:
            assert hasattr(app.view_functions[rule.endpoint], "sib_action"), rule.endpoint


def test_a_form_without_its_csrf_token_is_refused(app, sign_in, monkeypatch):
    officer = sign_in("provider")
    monkeypatch.setitem(app.config, "WTF_CSRF_ENABLED", True)
    answer = officer.post(f"{C}/upload", data={"file": (b"x", "f.xlsx")},
                          content_type="multipart/form-data")  # fmt: skip
    assert answer.status_code == 400
    from outcomes.submissions.models import Submission

    assert db.session.scalar(db.select(db.func.count(Submission.id))) == 0


def test_a_form_with_its_csrf_token_is_accepted(app, demo, monkeypatch):
    monkeypatch.setitem(app.config, "WTF_CSRF_ENABLED", True)
    client = app.test_client()
    token = re.search(r'name="csrf_token" value="([^"]+)"', client.get("/login").get_data(True))
    answer = client.post("/login", data={"email": EMAILS["admin"], "password": PASSWORD,
                                         "csrf_token": token.group(1)})  # fmt: skip
    assert answer.status_code == 302
    # flask-wtf keeps the token it made in g, which the requests of one test share.
    g.pop("csrf_token", None)
    page = client.get("/admin/users/1").get_data(as_text=True)
    token = re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)
    issued = client.post("/admin/users/1/tokens", data={"name": "export", "days": "7",
                                                         "csrf_token": token})  # fmt: skip
    assert issued.status_code == 201
    plain = re.search(r"sib_[0-9a-f]{12}_[\w-]+", issued.get_data(as_text=True)).group(0)
    assert plain not in client.get("/admin/users/1").get_data(as_text=True)  # shown once


def test_no_page_shows_an_identity_number_or_a_whole_pseudonym(sign_in, demo):
    submission = _upload(demo, [("SAFE", "2027", None, 56, None)],
                         [(PERSON_A, "EMP6", "2027", date(2027, 6, 1), "Alby")])  # fmt: skip
    pages = {"evaluator": [f"{C}/verify/{submission.id}", f"{C}/verify"],
             "provider": [f"{C}/submissions/{submission.id}", f"{C}/upload", C],
             "auditor": [f"{C}/history"]}  # fmt: skip
    digits = PERSON_A.replace("-", "")
    for who, paths in pages.items():
        client = sign_in(who)
        for path in paths:
            html = client.get(path).get_data(as_text=True)
            assert digits not in html, path
            assert digits[2:8] + "-" not in html, path
            assert not LONG_HEX.search(html), path


def test_amounts_and_dates_are_written_the_swedish_way(sign_in):
    html = sign_in("finance").get(C).get_data(as_text=True)
    text = html.replace("\xa0", " ").replace("\u202f", " ")
    assert "150 000 kr per enhet" in text
    assert "1 jan. 2027" in text
    english = sign_in("finance", lang="en").get(C).get_data(as_text=True)
    assert "SEK150,000 per unit" in english.replace("\xa0", "")


def test_a_dispute_without_a_comment_is_refused_with_the_reason(sign_in, demo):
    submission = _upload(demo, [("SAFE", "2027", None, 56, None)])
    answer = sign_in("evaluator", lang="en").post(
        f"{C}/verify/{submission.id}", data={"decision": "dispute", "comment": ""}
    )
    assert answer.status_code == 422
    assert "Say why" in answer.get_data(as_text=True)


def test_a_statement_day_that_is_no_date_answers_400_saying_how_to_write_it(sign_in):
    page = sign_in("investor", lang="en").get(f"{C}/investors/malar_fund?as_of=1-4-2029")
    assert page.status_code == 400
    assert "YYYY-MM-DD" in page.get_data(as_text=True)
