"""Swedish organisation numbers: the `NNNNNN-NNNN` form and its Luhn check digit."""

import re

from stdnum import luhn

ORG_NUMBER = re.compile(r"[0-9]{6}-[0-9]{4}")


def org_number_problem(value: str) -> str | None:
    """Return why `value` is not a Swedish organisation number, or None when it is one."""
    if not ORG_NUMBER.fullmatch(value):
        return f'"{value}" is not written as a Swedish organisation number "NNNNNN-NNNN"'
    digits = value.replace("-", "")
    if luhn.checksum(digits) != 0:
        expected = luhn.calc_check_digit(digits[:9])
        return (
            f'"{value}" is not a valid organisation number: its check digit should be '
            f"{expected}, not {digits[-1]}; check for a typing mistake"
        )
    return None
