"""Which organisation and user each inbox folder submits for (the INBOX_FOLDERS file)."""

import json
from pathlib import Path

from sqlalchemy import select

from contracts.access import standing_of
from contracts.models import Contract, Organisation
from outcomes.inbox.files import FolderRefusedError
from sib import policy
from sib.access import actor_for
from sib.actor import Actor
from sib.auth.models import User
from sib.extensions import db


def load_folders(path: Path) -> dict:
    """The folder configuration, reference -> {"organisation", "user"}; {} when there is none."""
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        return {}
    document = json.loads(text)
    if not isinstance(document, dict):
        raise ValueError(f"{path}: expected a JSON object of reference -> organisation and user")
    return document


def uploader_for(contract: Contract, entry: object) -> Actor:
    """The actor a folder's files are submitted as; FolderRefusedError unless it may upload."""
    if entry is None:
        raise FolderRefusedError("no organisation and user configured for it in INBOX_FOLDERS")
    if not isinstance(entry, dict) or not all(
        isinstance(entry.get(key), str) for key in ("organisation", "user")
    ):
        raise FolderRefusedError('configure it as {"organisation": "<slug>", "user": "<email>"}')
    organisation = db.session.scalar(
        select(Organisation).where(Organisation.slug == entry["organisation"])
    )
    user = db.session.scalar(select(User).where(User.email == entry["user"]))
    if organisation is None or user is None or not user.active:
        raise FolderRefusedError(f"no organisation {entry['organisation']!r} with an active user "
                            f"{entry['user']!r}")  # fmt: skip
    if user.organisation_id != organisation.id:
        raise FolderRefusedError(f"{user.email} is not of organisation {organisation.slug}")
    actor = actor_for(user)
    standing = standing_of(organisation.id, contract)
    if policy.decide(actor, "submission.upload", standing) != policy.ALLOW:
        raise FolderRefusedError(
            f"{user.email} may not upload outcome data for {contract.reference}"
        )
    return actor
