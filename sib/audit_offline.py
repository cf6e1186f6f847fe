"""An auditor's check of an exported audit log: public keys only, no database, no audit key.

The export is what `GET /api/v1/audit/events` answers (its pages carry every column the chain
hash covers; a contract's history export holds that contract's events only, so its chain has
gaps). The check recomputes the chain from row 1, with the service's own walk and words, and
holds it against checkpoints whose Ed25519 signatures it checks with the public keys given.
Seals are HMACs under the audit key and are not checked here: a row changed and every later
hash recomputed is caught at the first checkpoint after it instead.
"""

import json
from collections.abc import Iterable, Mapping, Sequence
from datetime import datetime

from sib.audit import HASHED_COLUMNS
from sib.audit_checkpoint import Checkpoint
from sib.audit_signing import PublicKeys
from sib.audit_verify import Walk

#: what each exported event must carry: the hashed columns (`change` as `change_text`, the
#: text exactly as hashed) and the two hashes
EXPORTED = (*(c for c in HASHED_COLUMNS if c != "change"), "change_text", "prev_hash", "hash")


class ExportError(ValueError):
    """An export that cannot be read as audit events."""


def events_in(text: str, source: str) -> list[dict]:
    """The events in one export file: a page ({"events": [...]}), a list of pages or of events."""
    try:
        document = json.loads(text)
    except ValueError as error:
        raise ExportError(f"{source} is not JSON: {error}") from error
    pages = document if isinstance(document, list) else [document]
    events = []
    for page in pages:
        if isinstance(page, Mapping) and "events" in page:
            events.extend(page["events"])
        elif isinstance(page, Mapping) and "seq" in page:
            events.append(page)
        else:
            raise ExportError(f"{source} holds neither pages of GET /api/v1/audit/events "
                              "nor events")  # fmt: skip
    return events


def rows_of(events: Iterable[Mapping]) -> list[dict]:
    """Exported events as the rows the chain hash covers, oldest first."""
    rows: dict[int, dict] = {}
    for position, event in enumerate(events, start=1):
        if not isinstance(event, Mapping):
            raise ExportError(f"event {position} is not a JSON object")
        missing = [name for name in EXPORTED if name not in event]
        if missing:
            lacks = ", ".join(missing)
            raise ExportError(f"event {position} (seq {event.get('seq')}) lacks {lacks}: "
                              "export the log with GET /api/v1/audit/events")  # fmt: skip
        try:
            row = {name: event[name] for name in EXPORTED}
            row["change"] = row.pop("change_text")
            row["occurred_at"] = datetime.fromisoformat(event["occurred_at"])
        except (TypeError, ValueError) as error:
            raise ExportError(f"event {position} (seq {event['seq']}): {error}") from error
        if not isinstance(row["seq"], int) or isinstance(row["seq"], bool):
            raise ExportError(f"event {position}: its seq {row['seq']!r} is not a whole number")
        if row["seq"] in rows:
            raise ExportError(f"seq {row['seq']} is in the export twice: pages overlap")
        rows[row["seq"]] = row
    return [rows[seq] for seq in sorted(rows)]


def check_export(rows: Sequence[Mapping], checkpoints: Sequence[Checkpoint]) -> dict:
    """Walk exported rows against checkpoints already found signed (see `signature_problems`).

    Returns the service's verdict ({ok, checked, first_bad_seq, problem, checkpoint_seq}, and
    `unsealed` 0) plus `anchored_seq`: the last row a checkpoint vouches for.
    """
    walk = ExportWalk(checkpoints)
    return {**walk.over(rows), "anchored_seq": walk.anchored}


def signature_problems(checkpoints: Iterable[Checkpoint], public_keys: PublicKeys) -> list[str]:
    """A problem per checkpoint whose Ed25519 signature does not hold under the keys given."""
    return [
        f"the checkpoint of {c.at} (seq {c.seq}) is refused: {problem}"
        for c in checkpoints
        if (problem := c.public_signature_problem(public_keys, "among the public keys given"))
    ]


class ExportWalk(Walk):
    """The service's walk over exported rows: the same checks and words, less seals and head."""

    def __init__(self, checkpoints: Sequence[Checkpoint]) -> None:
        super().__init__(None, checkpoints)
        #: the last row a checkpoint matched: it and every row before it are vouched for
        self.anchored = 0

    def over(self, rows: Iterable[Mapping]) -> dict:
        bad = self.through(rows)
        if bad:
            return bad
        found = self.length_problem()
        return self.verdict(*found) if found else self.verdict(None, None)

    def seal_problem(self, row: Mapping) -> str | None:
        return None  # a seal needs the audit key; the checkpoints stand in for it

    def checkpoint_problem(self, row: Mapping) -> str | None:
        problem = super().checkpoint_problem(row)
        if problem:
            # Without the seals the changed row itself cannot be told: only the span it is in.
            return (f"{problem}: a row from {self.anchored + 1} to {row['seq']} was changed "
                    "and every hash after it recomputed")  # fmt: skip
        if row["seq"] in self.pins:
            self.anchored = row["seq"]
        return None
