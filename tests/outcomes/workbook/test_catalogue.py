"""The catalogue says what a contract's workbook may name, built from its terms document."""

import datetime

from outcomes.workbook.catalogue import catalogue_from_terms


def test_metrics_periods_and_areas_come_from_the_terms(catalogue):
    assert [m.code for m in catalogue.metrics] == ["EMP6", "VISIT", "SAFE", "CALLS", "COST"]
    assert catalogue.periods[0].starts_on == datetime.date(2027, 1, 1)
    assert catalogue.areas == ("Alby", "Fittja")


def test_areas_come_from_each_metrics_x_areas(catalogue):
    assert catalogue.metric("EMP6").areas == ("Alby", "Fittja")
    assert catalogue.metric("SAFE").areas == ()


def test_a_metric_without_areas_accepts_only_an_empty_area(catalogue):
    assert catalogue.metric("SAFE").accepts_area("")
    assert not catalogue.metric("SAFE").accepts_area("Alby")
    assert catalogue.metric("EMP6").accepts_area("Alby")
    assert not catalogue.metric("EMP6").accepts_area("")


def test_a_metric_with_a_repeatable_term_is_not_once_only(catalogue):
    assert catalogue.metric("EMP6").once_only
    assert not catalogue.metric("VISIT").once_only


def test_lookups_ignore_case_and_spaces(catalogue):
    assert catalogue.metric(" emp6 ").code == "EMP6"
    assert catalogue.period("2027").label == "2027"
    assert catalogue.area("alby") == "Alby"
    assert catalogue.area("") == ""
    assert catalogue.metric("nope") is None


def test_a_contract_without_areas_has_none():
    terms = {"metrics": [{"code": "X", "unit": "count"}], "periods": []}
    assert catalogue_from_terms(terms).areas == ()
