"""Every currency validation accepts is rounded by the engine to its ISO 4217 minor unit.

The exponents below are written from ISO 4217 (list one, current codes with a minor unit), not
read from the production table: a currency the engine rounded with the wrong exponent, or a
code validation accepted that the engine did not know, fails here.
"""

import copy

import pytest

from contracts.engine.public import answer_document, settle
from contracts.terms.load import TermsError, load_terms
from tests.terms.documents import MINIMAL

ISO_4217 = {
    0: "BIF CLP DJF GNF ISK JPY KMF KRW PYG RWF UGX UYI VND VUV XAF XOF XPF",
    2: "AED AFN ALL AMD AOA ARS AUD AWG AZN BAM BBD BDT BGN BMD BND BOB BOV BRL BSD BTN BWP BYN "
       "BZD CAD CDF CHE CHF CHW CNY COP COU CRC CUP CVE CZK DKK DOP DZD EGP ERN ETB EUR FJD FKP "
       "GBP GEL GHS GIP GMD GTQ GYD HKD HNL HTG HUF IDR ILS INR IRR JMD KES KGS KHR KPW KYD KZT "
       "LAK LBP LKR LRD LSL MAD MDL MGA MKD MMK MNT MOP MRU MUR MVR MWK MXN MXV MYR MZN NAD NGN "
       "NIO NOK NPR NZD PAB PEN PGK PHP PKR PLN QAR RON RSD RUB SAR SBD SCR SDG SEK SGD SHP SLE "
       "SOS SRD SSP STN SVC SYP SZL THB TJS TMT TOP TRY TTD TWD TZS UAH USD USN UYU UZS VED VES "
       "WST XCD XCG YER ZAR ZMW ZWG",
    3: "BHD IQD JOD KWD LYD OMR TND",
    4: "CLF UYW",
}  # fmt: skip
EXPONENT = {code: exponent for exponent, codes in ISO_4217.items() for code in codes.split()}
#: what a price of 0.123456789 for 10 000 units comes to, per exponent, rounded half up
EXPECTED = {0: "1235", 2: "1234.57", 3: "1234.568", 4: "1234.5679"}


def document(currency: str) -> dict:
    terms = copy.deepcopy(MINIMAL)
    terms["currency"] = currency
    terms["terms"][0]["price"] = "0.123456789"
    return terms


@pytest.mark.parametrize("currency", sorted(EXPONENT))
def test_the_engine_rounds_each_accepted_currency_to_its_iso_minor_unit(currency):
    contract = load_terms(document(currency))  # validation accepts it...
    answer = answer_document(settle(contract, {"values": {"2027": {"JOBS": "10000"}}}))
    # ...and the engine writes every amount with exactly its minor unit's decimals.
    assert answer["periods"][0]["terms"][0]["amount"] == EXPECTED[EXPONENT[currency]]
    assert answer["periods"][0]["payers"]["city"] == EXPECTED[EXPONENT[currency]]


@pytest.mark.parametrize("currency", ["XAU", "XDR", "XTS", "XXX", "SKR", "sek"])
def test_a_code_without_a_minor_unit_is_refused_by_validation(currency):
    with pytest.raises(TermsError):
        load_terms(document(currency))
