"""No sheet is left out silently: hidden, doubled and misnamed data sheets are problems, other
sheets are listed as ignored (both readers)."""

GOOD = ["SAFE", "2027", "", "57,5", ""]


def sheet_problems(parsed) -> list[tuple]:
    return [(e.sheet, e.row, e.message) for e in parsed.errors]


def test_a_hidden_values_sheet_is_a_problem(make_workbook, parse):
    def hide(book):
        book["Values"].sheet_state = "hidden"
        book.create_sheet("Front")

    parsed = parse(make_workbook([GOOD], edit=hide))

    assert sheet_problems(parsed) == [
        ("Values", None, "Sheet Values: the sheet is hidden, so what you see is not what would "
         "be submitted; unhide it (right-click a sheet tab, Unhide) or delete it, and upload "
         "the file again."),
    ]  # fmt: skip
    assert parsed.values == ()


def test_a_second_values_sheet_is_a_problem_and_the_first_is_still_read(make_workbook, parse):
    def double(book):
        book.copy_worksheet(book["Values"]).title = "Värden"

    parsed = parse(make_workbook([GOOD], edit=double))

    assert [(e.sheet, e.reason[:40]) for e in parsed.errors] == [
        ("Värden", "this is a second Values sheet besides Va"),
    ]
    assert len(parsed.values) == 1


def test_a_data_sheet_under_an_unknown_name_is_a_problem(make_workbook, parse):
    def rename(book):
        book["Participants"].title = "Deltagare 2027"

    rows = [["811218-9876", "EMP6", "2027", "2027-03-01", "Alby"]]
    parsed = parse(make_workbook([GOOD], rows, edit=rename))

    assert [e.sheet for e in parsed.errors] == ["Deltagare 2027"]
    assert "not named Participants (Deltagare), so it would not be read" in parsed.errors[0].message


def test_other_sheets_are_listed_as_ignored_with_identity_numbers_masked(make_workbook, parse):
    def add(book):
        book.create_sheet("Instructions")["A1"] = "the template's own sheet: not listed"
        book.create_sheet("Notes")["A1"] = "checked"
        book.create_sheet("Ringd 811218-9876")
        book.create_sheet("Old").sheet_state = "hidden"

    parsed = parse(make_workbook([GOOD], edit=add))

    assert parsed.errors == ()
    assert parsed.ignored_sheets == ("Notes", "Ringd ###", "Old")


def test_an_extra_column_header_loses_its_identity_number(make_workbook, parse):
    parsed = parse(make_workbook([GOOD + ["x"]],
                                 values_header=["Metric", "Period", "Area", "Value", "Comment",
                                                "Asked 811218-9876"]))  # fmt: skip

    assert parsed.extra_columns == (("Values", "Asked ***"),)


def test_a_placeholder_from_the_errors_copy_is_no_participant_id(make_workbook, parse):
    rows = [["*** (rad/row 2)", "EMP6", "2027", "2027-03-01", "Alby"]]

    parsed = parse(make_workbook(None, rows))

    assert [(e.sheet, e.row, e.column) for e in parsed.errors] == [
        ("Participants", 2, "Participant id"),
    ]
    assert "make your corrections in your own original file" in parsed.errors[0].reason
