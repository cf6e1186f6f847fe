"""Renders the engine's answer as plain-text tables for people reading a terminal."""


def _table(headers: list[str], rows: list[list[str]]) -> str:
    widths = [
        max(len(str(cell)) for cell in column) for column in zip(headers, *rows, strict=False)
    ]

    # Text left, amounts right: an amount column is every column after the first.
    def line(cells):
        return "  ".join(
            str(cell).ljust(width) if i == 0 else str(cell).rjust(width)
            for i, (cell, width) in enumerate(zip(cells, widths, strict=True))
        )

    rule = "  ".join("-" * width for width in widths)
    return "\n".join([line(headers), rule, *(line(row) for row in rows)])


def _period_section(period: dict) -> str:
    parts = [f"Period {period['period']}: {period['amount']}"]
    terms = period["terms"]
    parts.append(
        _table(
            ["term", "measure", "amount"],
            [[t["term"], t["measure"] or "-", t["amount"]] for t in terms],
        )
    )
    parts.append("\n".join(f"  {t['term']}: {t['explanation']}" for t in terms))
    payers = [
        [org, owed, period["held_back"].get(org, "")] for org, owed in period["payers"].items()
    ]
    parts.append(_table(["payer", "owes", "held back"], payers))
    investors = [[inv, d["principal"], d["return"]] for inv, d in period["investors"].items()]
    if "provider" in period:
        investors.append(["provider", period["provider"], ""])
    if investors:
        parts.append(_table(["paid to", "principal", "return"], investors))
    return "\n\n".join(parts)


def answer_table(answer: dict) -> str:
    """The answer as one readable table per period, then payer and investor totals."""
    sections = [f"{answer['contract']} ({answer['currency']}), digest {answer['digest']}"]
    sections.extend(_period_section(period) for period in answer["periods"])
    if answer.get("guarantees"):
        sections.append(
            _table(
                ["guarantor", "investor", "amount"],
                [[g["by"], g["investor"], g["amount"]] for g in answer["guarantees"]],
            )
        )
    totals = answer["totals"]
    sections.append(f"Totals: {totals['amount']}")
    sections.append(_table(["payer", "owes"], [[k, v] for k, v in totals["payers"].items()]))
    if totals.get("investors"):
        sections.append(
            _table(
                ["investor", "principal", "return", "IRR"],
                [
                    [inv, d["principal"], d["return"], d.get("irr") or "-"]
                    for inv, d in totals["investors"].items()
                ],
            )
        )
    return "\n\n".join(sections) + "\n"
