"""The template's instructions, in Swedish and English, as lines of text (pure)."""

from __future__ import annotations

from outcomes.workbook.catalogue import Catalogue

SWEDISH = (
    ("Så fyller du i mallen", True),
    ("Fliken Values: en rad per mått, period och område med ett samlat värde.", False),
    ("  Mått: måttets kod ur listan. Måttnamn och Enhet fylls i av sig själva.", False),
    (
        "  Period: periodens namn ur listan. Område: ur listan, eller tomt om måttet saknar "
        "områden.",
        False,
    ),
    (
        "  Värde: ett tal, t.ex. 12 eller 57,5 (decimalkomma eller punkt). Procent skrivs 57,5 "
        "eller 57,5 %. Antal skrivs som heltal.",
        False,
    ),
    ("  Kommentar: fritt, högst 1000 tecken.", False),
    ("Fliken Participants: en rad per deltagare som nått ett utfall.", False),
    (
        "  Deltagar-id: personnummer (10 eller 12 siffror, med eller utan bindestreck) eller "
        "annat id. Numret ersätts direkt med en nyckelhashad pseudonym och sparas aldrig.",
        False,
    ),
    (
        "  Datum uppnått: ett Excel-datum eller text som 2027-03-01. Datumet måste ligga inom "
        "perioden.",
        False,
    ),
    (
        "Rubrikerna får stå i valfri ordning, på svenska eller engelska. Tomma rader hoppas över. "
        "Dolda rader, sammanfogade celler och formler utan sparat värde underkänns.",
        False,
    ),
    ("Exempel (Values): SAFE | 2027 | | 57,5 | Enkät hösten 2027", False),
    ("Exempel (Participants): 19121212-1212 | EMP6 | 2027 | 2027-10-02 | Alby", False),
)
ENGLISH = (
    ("How to fill in the template", True),
    ("Values sheet: one row per metric, period and area with one aggregate figure.", False),
    ("  Metric: the metric code from the list. Metric name and Unit fill themselves in.", False),
    (
        "  Period: the period from the list. Area: from the list, or empty when the metric has no "
        "areas.",
        False,
    ),
    (
        "  Value: a number such as 12 or 57.5 (decimal comma or point). Percentages as 57.5 or "
        "57.5 %. Counts are whole numbers.",
        False,
    ),
    ("  Comment: free text, at most 1000 characters.", False),
    ("Participants sheet: one row per participant achieving an outcome.", False),
    (
        "  Participant id: a Swedish personal identity number (10 or 12 digits, with or without "
        "a dash) or another id. It is replaced at once by a keyed pseudonym and never stored.",
        False,
    ),
    ("  Date achieved: an Excel date or text such as 2027-03-01, within the period.", False),
    (
        "Headers may come in any order, in Swedish or English. Empty rows are skipped. Hidden "
        "rows, merged cells and formulas without a saved result are refused.",
        False,
    ),
    ("Example (Values): SAFE | 2027 | | 57.5 | Survey autumn 2027", False),
    ("Example (Participants): 19121212-1212 | EMP6 | 2027 | 2027-10-02 | Alby", False),
)


def instruction_lines(catalogue: Catalogue) -> list[tuple[str, bool]]:
    """Return (text, bold) lines: the contract, both languages, then what it accepts."""
    lines = [(f"{catalogue.reference}: {catalogue.title}", True), ("", False)]
    lines += [*SWEDISH, ("", False), *ENGLISH, ("", False)]
    lines.append(("Mått / Metrics", True))
    for metric in catalogue.metrics:
        level = "per deltagare / per participant" if metric.participant_level else "värde / value"
        areas = f"; områden / areas: {', '.join(metric.areas)}" if metric.areas else ""
        lines.append((f"{metric.code}: {metric.name} ({metric.unit}; {level}{areas})", False))
    lines += [("", False), ("Perioder / Periods", True)]
    for period in catalogue.periods:
        lines.append((f"{period.label}: {period.starts_on} – {period.ends_on}", False))
    return lines
