"""Every text of the pages has its Swedish translation, and the compiled catalogue is current."""

from pathlib import Path

from babel.messages.extract import extract_from_dir
from babel.messages.mofile import read_mo
from babel.messages.pofile import read_po

SIB = Path(__file__).resolve().parents[2] / "sib"
CATALOGUE = SIB / "web" / "translations" / "sv" / "LC_MESSAGES"
METHODS = [("web/**.py", "python"), ("web/templates/**.html", "jinja2"),
           ("auth/templates/**.html", "jinja2")]  # fmt: skip
KEYWORDS = {"_": None, "gettext": None, "ngettext": (1, 2), "_l": None, "lazy_gettext": None}


def _page_texts() -> set:
    found = extract_from_dir(str(SIB), METHODS, keywords=KEYWORDS)
    return {message for _file, _line, message, _comments, _context in found}


def test_every_page_text_has_a_swedish_translation():
    with (CATALOGUE / "messages.po").open("rb") as file:
        catalogue = read_po(file)
    missing = [text for text in _page_texts()
               if not (catalogue.get(text) and catalogue.get(text).string)]  # fmt: skip
    assert missing == []


def test_the_compiled_catalogue_matches_the_translations():
    with (CATALOGUE / "messages.po").open("rb") as po, (CATALOGUE / "messages.mo").open("rb") as mo:
        written, compiled = read_po(po), read_mo(mo)
    assert _pairs(written) == _pairs(compiled)


def _pairs(catalogue) -> dict:
    def frozen(value):
        return tuple(value) if isinstance(value, list | tuple) else value

    return {frozen(m.id): frozen(m.string) for m in catalogue if m.id}
