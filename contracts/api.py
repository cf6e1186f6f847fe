"""The contracts API: create, list, read as of a day, amend, export terms, simulate."""

import json

from flask import Response, request, url_for
from flask.views import MethodView
from flask_smorest import Blueprint

from contracts import amendments, service
from contracts.access import check_may_create, visible_contract, visible_contracts_query
from contracts.engine.public import InputError, dumps_answer, settle
from contracts.models import AmendmentProposal
from contracts.schemas import (
    AmendmentProposalSchema,
    AmendmentSchema,
    AnswerSchema,
    AsOfSchema,
    ContractSchema,
    ContractSummarySchema,
    VersionSchema,
)
from sib import openapi
from sib.access import current_actor, guard
from sib.extensions import db
from sib.problems import ServiceError

blp = Blueprint(
    "contracts", __name__, url_prefix="/api/v1/contracts", description="Contracts and their terms"
)

#: documentation of the bodies no marshmallow schema describes (the engine validates them)
TERMS_BODY = openapi.TERMS_BODY
TERMS_DOC = openapi.json_response_doc({"$ref": "#/components/schemas/TermsDocument"})
ANSWER_DOC = openapi.json_response_doc(
    {"type": "object", "description": "The engine's answer (docs/terms.md)"}
)


def contract_view(contract, version) -> dict:
    """The contract as it reads in a given version."""
    return {
        "reference": contract.reference,
        "title": contract.title,
        "currency": contract.currency,
        "status": contract.status,
        "version": version,
        "parties": version.parties,
        "metrics": version.metrics,
        "periods": version.periods,
        "terms": version.terms,
    }


def json_body() -> tuple[object, str]:
    """The request's JSON body and its exact text, or a 400 problem."""
    text = request.get_data(as_text=True)
    try:
        return json.loads(text), text
    except ValueError as error:
        raise ServiceError(
            "The request body is not valid JSON.", [("$", str(error))], status=400
        ) from error


@blp.route("")
class Contracts(MethodView):
    @guard("contract.list")
    @blp.response(200, ContractSummarySchema(many=True))
    @blp.paginate()
    def get(self, pagination_parameters):
        """List the contracts you may see."""
        query = visible_contracts_query(current_actor())
        pagination_parameters.item_count = db.session.scalar(
            db.select(db.func.count()).select_from(query.order_by(None).subquery())
        )
        return db.session.scalars(
            query.limit(pagination_parameters.page_size).offset(pagination_parameters.first_item)
        ).all()

    @guard("contract.create")
    @blp.doc(requestBody=TERMS_BODY)
    @blp.response(201, ContractSchema)
    def post(self):
        """Create a contract from a terms document."""
        document, text = json_body()
        check_may_create(document)
        contract = service.import_contract(document, current_actor(), text=text)
        db.session.commit()
        location = url_for("contracts.Contract", reference=contract.reference)
        return contract_view(contract, contract.versions[-1]), 201, {"Location": location}


@blp.route("/<reference>")
class Contract(MethodView):
    @guard("contract.read")
    @blp.arguments(AsOfSchema, location="query")
    @blp.response(200, ContractSchema)
    def get(self, args, reference):
        """Read a contract as in force today, or on `as_of`."""
        contract = visible_contract(reference)
        return contract_view(contract, service.version_in_force(contract, args.get("as_of")))


@blp.route("/<reference>/versions")
class Versions(MethodView):
    @guard("contract.read")
    @blp.response(200, VersionSchema(many=True))
    def get(self, reference):
        """List every version of a contract's terms, oldest first."""
        return visible_contract(reference).versions

    @guard("contract.amend")
    @blp.arguments(AmendmentSchema)
    @blp.response(201, VersionSchema)
    def post(self, args, reference):
        """An admin's direct amendment: a new version at once. Parties propose (`/amendments`)."""
        contract = visible_contract(reference)
        version = service.amend_contract(
            contract, args["terms"], args["effective_from"], args["reason"], current_actor()
        )
        db.session.commit()
        location = url_for("contracts.VersionTerms", reference=reference, number=version.number)
        return version, 201, {"Location": location}


@blp.route("/<reference>/amendments")
class Amendments(MethodView):
    @guard("amendment.read")
    @blp.response(200, AmendmentProposalSchema(many=True))
    @blp.paginate()
    def get(self, pagination_parameters, reference):
        """List a contract's proposed amendments, newest first, with each party's answer."""
        contract = visible_contract(reference)
        query = db.select(AmendmentProposal).where(AmendmentProposal.contract_id == contract.id)
        pagination_parameters.item_count = db.session.scalar(
            db.select(db.func.count()).select_from(query.subquery())
        )
        return db.session.scalars(
            query.order_by(AmendmentProposal.id.desc())
            .limit(pagination_parameters.page_size)
            .offset(pagination_parameters.first_item)
        ).all()

    @guard("amendment.propose")
    @blp.arguments(AmendmentSchema)
    @blp.response(201, AmendmentProposalSchema)
    def post(self, args, reference):
        """Propose new terms; in force once every party whose money they change accepts."""
        contract = visible_contract(reference)
        proposal = amendments.propose_amendment(
            contract, args["terms"], args["effective_from"], args["reason"], current_actor()
        )
        db.session.commit()
        location = url_for("contracts.Amendment", reference=reference, amendment_id=proposal.id)
        return proposal, 201, {"Location": location}


@blp.route("/<reference>/amendments/<int:amendment_id>")
class Amendment(MethodView):
    @guard("amendment.read")
    @blp.response(200, AmendmentProposalSchema)
    def get(self, reference, amendment_id):
        """Read one proposed amendment: its changes, who must accept it, and their answers."""
        return amendments.proposal_of(visible_contract(reference), amendment_id)


def _answer(reference: str, amendment_id: int, accept: bool, comment: str):
    proposal = amendments.proposal_of(visible_contract(reference), amendment_id, for_update=True)
    actor = current_actor()
    amendments.answer_amendment(proposal, actor.organisation_id, accept, comment, actor)
    db.session.commit()
    return proposal


@blp.route("/<reference>/amendments/<int:amendment_id>/accept")
class AcceptAmendment(MethodView):
    @guard("amendment.answer")
    @blp.arguments(AnswerSchema)
    @blp.response(200, AmendmentProposalSchema)
    def post(self, args, reference, amendment_id):
        """Accept an amendment for your organisation; the last acceptance brings it into force."""
        return _answer(reference, amendment_id, True, args["comment"])


@blp.route("/<reference>/amendments/<int:amendment_id>/reject")
class RejectAmendment(MethodView):
    @guard("amendment.answer")
    @blp.arguments(AnswerSchema)
    @blp.response(200, AmendmentProposalSchema)
    def post(self, args, reference, amendment_id):
        """Reject an amendment for your organisation, saying why; it then never takes effect."""
        if not args["comment"].strip():
            raise ServiceError(
                "Say why your organisation rejects the amendment.", [("$.comment", "required")]
            )
        return _answer(reference, amendment_id, False, args["comment"])


@blp.route("/<reference>/terms")
class CurrentTerms(MethodView):
    @guard("contract.read")
    @blp.arguments(AsOfSchema, location="query")
    @blp.response(200, description="The terms document exactly as imported")
    @blp.doc(**TERMS_DOC)
    def get(self, args, reference):
        """Export the terms document in force today, or on `as_of`."""
        contract = visible_contract(reference)
        return _terms_response(service.version_in_force(contract, args.get("as_of")))


@blp.route("/<reference>/versions/<int:number>/terms")
class VersionTerms(MethodView):
    @guard("contract.read")
    @blp.response(200, description="The terms document exactly as imported")
    @blp.doc(**TERMS_DOC)
    def get(self, reference, number):
        """Export the terms document of one version."""
        contract = visible_contract(reference)
        return _terms_response(service.version_by_number(contract, number))


def _terms_response(version) -> Response:
    return Response(version.document, mimetype="application/json")


@blp.route("/<reference>/simulate")
class Simulate(MethodView):
    @guard("contract.simulate")
    @blp.arguments(AsOfSchema, location="query")
    @blp.doc(requestBody=openapi.OUTCOME_VALUES_BODY, **ANSWER_DOC)
    @blp.response(200, description="The engine's answer; nothing is stored")
    def post(self, args, reference):
        """Run the payment engine on posted outcome values; nothing is stored."""
        contract = visible_contract(reference)
        version = service.version_in_force(contract, args.get("as_of"))
        values, _ = json_body()
        try:
            answer = settle(version.agreed, values)
        except InputError as error:
            raise ServiceError(
                f"The outcome values have {len(error.problems)} problem(s).",
                [(p.path, p.message) for p in error.problems],
            ) from error
        return Response(dumps_answer(answer), mimetype="application/json")
