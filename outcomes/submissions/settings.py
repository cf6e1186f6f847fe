"""What an ingest needs from the configuration: the pseudonym key and the workbook limits."""

from collections.abc import Mapping
from dataclasses import dataclass

from outcomes.workbook.limits import Limits

#: configuration key -> Limits field; keys missing from the configuration keep the default
LIMIT_KEYS = {
    "MAX_UPLOAD_BYTES": "max_upload_bytes",
    "MAX_ROWS_PER_SHEET": "max_rows_per_sheet",
    "MAX_UNCOMPRESSED_BYTES": "max_uncompressed_bytes",
    "MAX_ZIP_ENTRIES": "max_entries",
    "MAX_COMPRESSION_RATIO": "max_compression_ratio",
    "FAST_READER_MAX_BYTES": "fast_reader_max_bytes",
    "MAX_COLUMNS_PER_SHEET": "max_columns",
    "FAST_READER_MAX_CELLS": "fast_reader_max_cells",
    "ERRORS_COPY_MAX_BYTES": "marked_copy_max_bytes",
    "ERRORS_COPY_MAX_CELLS": "marked_copy_max_cells",
}


@dataclass(frozen=True)
class IngestSettings:
    """The secret that pseudonymises participant identifiers, and the limits on a file."""

    pseudonym_key: bytes
    limits: Limits

    def __repr__(self) -> str:
        # The key is a secret: never in a log line or a traceback.
        return f"IngestSettings(pseudonym_key=<hidden>, limits={self.limits!r})"


def settings_from(config: Mapping) -> IngestSettings:
    """Read the ingest settings from a Flask configuration."""
    limits = {field: int(config[key]) for key, field in LIMIT_KEYS.items() if key in config}
    return IngestSettings(
        pseudonym_key=str(config["PSEUDONYM_KEY"]).encode("utf-8"), limits=Limits(**limits)
    )
