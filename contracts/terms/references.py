"""Checks across a terms document: references, duplicates, dates, shares and guarantees."""

from dataclasses import dataclass

from contracts.terms.problems import Problem, child
from contracts.terms.values import parse_date


def entries(parent: dict, key: str, path: str = "$") -> list[tuple[str, dict]]:
    """The objects of the list `parent[key]`, each with its JSON path; anything else is skipped."""
    items = parent.get(key)
    if not isinstance(items, list):
        return []
    where = child(path, key)
    return [(child(where, i), item) for i, item in enumerate(items) if isinstance(item, dict)]


def text(value: object) -> str | None:
    """The value when it is a string (shape errors are reported elsewhere), else None."""
    return value if isinstance(value, str) else None


@dataclass(frozen=True)
class Names:
    """What a document defines, for resolving its references."""

    organisations: frozenset
    outcome_payers: tuple  # in party order
    guarantors: frozenset
    tranches: tuple
    metrics: dict  # code -> metric object
    periods: tuple  # labels in order

    @classmethod
    def of(cls, document: dict) -> "Names":
        parties = [party for _, party in entries(document, "parties")]

        def with_role(role):
            ids = (text(p.get("organisation")) for p in parties if p.get("role") == role)
            return tuple(dict.fromkeys(i for i in ids if i))

        return cls(
            organisations=frozenset(
                text(o.get("id")) for _, o in entries(document, "organisations")
            ),
            outcome_payers=with_role("outcome_payer"),
            guarantors=frozenset(with_role("guarantor")),
            tranches=tuple(text(t.get("name")) for _, t in entries(document, "tranches")),
            metrics={m["code"]: m for _, m in entries(document, "metrics") if text(m.get("code"))},
            periods=tuple(text(p.get("label")) for _, p in entries(document, "periods")),
        )


def reference_problems(document: dict) -> list[Problem]:
    """Every problem with how the document's parts refer to one another."""
    names = Names.of(document)
    return [
        *duplicate_problems(document),
        *party_problems(document, names),
        *tranche_problems(document),
        *date_problems(document),
        *shares_problems(document, names),
        *guarantee_problems(document, names),
    ]


UNIQUE = {
    "organisations": "id",
    "tranches": "name",
    "metrics": "code",
    "periods": "label",
    "terms": "id",
}


def duplicate_problems(document: dict):
    for key, field in UNIQUE.items():
        first: dict[str, str] = {}
        for path, item in entries(document, key):
            value = text(item.get(field))
            if value in first:
                yield Problem(
                    child(path, field), f'the {field} "{value}" is already used at {first[value]}'
                )
            elif value is not None:
                first[value] = path
    roles: dict[tuple, str] = {}
    for path, party in entries(document, "parties"):
        role = (text(party.get("organisation")), text(party.get("role")))
        if role in roles:
            yield Problem(path, f'"{role[0]}" already has the role {role[1]} at {roles[role]}')
        roles.setdefault(role, path)


def organisation_problem(path: str, org: object, names: Names) -> Problem | None:
    """A problem when `org` names no organisation of the document."""
    if isinstance(org, str) and org not in names.organisations:
        return Problem(path, f'no organisation has the id "{org}"')
    return None


def party_problems(document: dict, names: Names):
    for path, party in entries(document, "parties"):
        problem = organisation_problem(
            child(path, "organisation"), party.get("organisation"), names
        )
        if problem:
            yield problem
        tranche = text(party.get("tranche"))
        if party.get("role") == "investor" and tranche and tranche not in names.tranches:
            yield Problem(child(path, "tranche"), f'no tranche is named "{tranche}"')


def tranche_problems(document: dict):
    tranches = entries(document, "tranches")
    for path, tranche in tranches[:-1]:
        cap = tranche.get("return_cap")
        if isinstance(cap, dict) and cap.get("kind") == "uncapped":
            yield Problem(
                child(child(path, "return_cap"), "kind"),
                "only the last tranche may be uncapped, as later tranches would never be repaid",
            )


def date_problems(document: dict):
    starts_on, ends_on = parse_date(document.get("starts_on")), parse_date(document.get("ends_on"))
    if starts_on and ends_on and ends_on < starts_on:
        yield Problem("$.ends_on", "the contract cannot end before it starts")
    terminated_on = parse_date(document.get("terminated_on"))
    if terminated_on and starts_on and ends_on and not starts_on <= terminated_on <= ends_on:
        yield Problem(
            "$.terminated_on",
            f"the termination date must fall within the contract, {starts_on} to {ends_on}",
        )
    yield from period_date_problems(document, starts_on, ends_on)


def period_date_problems(document: dict, contract_starts_on, contract_ends_on):
    previous_start = previous_payment = None
    for path, period in entries(document, "periods"):
        starts_on, ends_on = parse_date(period.get("starts_on")), parse_date(period.get("ends_on"))
        deadline = parse_date(period.get("deadline"))
        if starts_on and previous_start and starts_on < previous_start:
            yield Problem(
                child(path, "starts_on"),
                "periods must be listed in order: this one "
                "starts before the period listed before it",
            )
        if starts_on and contract_starts_on and starts_on < contract_starts_on:
            yield Problem(
                child(path, "starts_on"),
                f"the period starts before the contract does ({contract_starts_on})",
            )
        if ends_on and contract_ends_on and ends_on > contract_ends_on:
            yield Problem(
                child(path, "ends_on"),
                f"the period ends after the contract does ({contract_ends_on})",
            )
        payment = deadline if "deadline" in period else ends_on
        if payment and previous_payment and payment < previous_payment:
            field = "deadline" if "deadline" in period else "ends_on"
            yield Problem(
                child(path, field),
                f"this period's payment date {payment} is before the previous "
                f"period's {previous_payment}; payment dates must not go back",
            )
        previous_start = starts_on or previous_start
        previous_payment = payment or previous_payment


def shares_problems(document: dict, names: Names):
    yield from payer_problems(document.get("payer_shares"), "$.payer_shares", names)
    lacking = []
    for path, term in entries(document, "terms"):
        yield from payer_problems(term.get("payer_shares"), child(path, "payer_shares"), names)
        applies = term_periods(term, names)
        by_period = term.get("payer_shares_by_period")
        by_period = by_period if isinstance(by_period, dict) else {}
        for label, shares in by_period.items():
            where = child(child(path, "payer_shares_by_period"), label)
            # Reading: shares for a period the term skips are harmless, so they are allowed.
            if label not in names.periods:
                yield Problem(where, f'no period is labelled "{label}"')
            yield from payer_problems(shares, where, names)
        if "payer_shares" not in term and not set(applies) <= set(by_period):
            lacking.append(f'"{term.get("id")}"')
    if lacking and names.outcome_payers and "payer_shares" not in document:
        yield Problem(
            "$.payer_shares",
            f"is required, as the terms {', '.join(lacking)} have no payer shares of "
            "their own for every period they apply in",
        )


def term_periods(term: dict, names: Names) -> tuple:
    """The labels of the periods a term applies in (all, when it lists none)."""
    listed = term.get("periods")
    if isinstance(listed, list):
        return tuple(label for label in listed if isinstance(label, str))
    return names.periods


def payer_problems(shares: object, path: str, names: Names):
    if not isinstance(shares, dict):
        return
    for org in shares:
        where = child(path, org)
        problem = organisation_problem(where, org, names)
        if problem:
            yield problem
        elif org not in names.outcome_payers:
            yield Problem(
                where,
                f'"{org}" is not an outcome payer of this contract, so it '
                "cannot take a share of the payments",
            )


def guarantee_problems(document: dict, names: Names):
    for path, guarantee in entries(document, "guarantees"):
        by = guarantee.get("by")
        problem = organisation_problem(child(path, "by"), by, names)
        if problem:
            yield problem
        elif isinstance(by, str) and not (by in names.guarantors or by in names.outcome_payers):
            yield Problem(
                child(path, "by"),
                f'"{by}" must be a guarantor party or an outcome '
                "payer of this contract to give a guarantee",
            )
        tranche = text(guarantee.get("tranche"))
        if tranche and tranche not in names.tranches:
            yield Problem(child(path, "tranche"), f'no tranche is named "{tranche}"')
