"""Files are refused before any XML is parsed, each with a sentence saying what to do instead."""

import time
import tracemalloc

import pytest

from outcomes.workbook.guard import check_file
from outcomes.workbook.limits import (
    DamagedWorkbookError,
    EncryptedWorkbookError,
    FileTooLargeError,
    Limits,
    NotXlsxError,
    ZipBombError,
)

MB = 1024 * 1024


@pytest.fixture(scope="module")
def zip_bomb(corpus):
    # 300 MB of spaces deflate to about 300 kB: a ratio near 1000.
    return corpus.bomb(300 * MB)


@pytest.mark.parametrize(
    ("data",                     "refusal",              "says"),
    [
        ("empty",                  NotXlsxError,           "The file is empty"),
        ("old_excel",       NotXlsxError,           "old Excel 97-2003 (.xls)"),
        ("encrypted_excel", EncryptedWorkbookError, "protected with a password"),
        ("csv_text",        NotXlsxError,           "CSV text file"),
        ("opendocument",    NotXlsxError,           "OpenDocument spreadsheet (.ods)"),
        ("word_document",   NotXlsxError,           "Word document"),
        ("pdf",             NotXlsxError,           "PDF document"),
        ("web_page",               NotXlsxError,           "web page"),
        ("png_image",              NotXlsxError,           "not an Excel workbook"),
        ("plain_zip",       NotXlsxError,           "zip archive but not an Excel"),
    ],
)  # fmt: skip
def test_files_that_are_not_xlsx_are_refused_with_what_to_do(corpus, data, refusal, says):
    with pytest.raises(refusal) as caught:
        check_file(getattr(corpus, data)(), Limits())
    assert says in caught.value.message
    assert caught.value.status == 415


def test_every_refusal_carries_an_http_status():
    assert (FileTooLargeError.status, ZipBombError.status, NotXlsxError.status) == (413, 413, 415)
    assert DamagedWorkbookError.status == 422


def test_a_truncated_workbook_is_damaged(make_workbook):
    data = make_workbook([["SAFE", "2027", "", "57", ""]])
    with pytest.raises(DamagedWorkbookError, match="damaged or cut short"):
        check_file(data[: len(data) // 2], Limits())


def test_an_upload_over_the_size_limit_is_too_large(make_workbook):
    data = make_workbook([["SAFE", "2027", "", "57", ""]])
    with pytest.raises(FileTooLargeError, match="uploads are limited to") as caught:
        check_file(data, Limits(max_upload_bytes=1000))
    assert caught.value.status == 413


def test_a_zip_bomb_is_refused_in_milliseconds_without_growing_memory(zip_bomb):
    tracemalloc.start()
    started = time.perf_counter()
    with pytest.raises(ZipBombError, match="expands"):
        check_file(zip_bomb, Limits())
    seconds = time.perf_counter() - started
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    assert seconds < 0.05
    assert peak < 1 * MB


def test_an_archive_declaring_more_than_the_uncompressed_limit_is_refused(corpus, make_workbook):
    data = corpus.with_declared_size(make_workbook([]), "xl/workbook.xml", 2**31)
    with pytest.raises(ZipBombError, match="would expand to 2048.0 MB"):
        check_file(data, Limits(max_compression_ratio=10**9))


def test_an_archive_with_too_many_parts_is_refused(corpus):
    with pytest.raises(ZipBombError, match="holds 1101 parts"):
        check_file(corpus.many_entries(1100), Limits())


def test_an_archive_with_encrypted_parts_is_refused(corpus, make_workbook):
    with pytest.raises(EncryptedWorkbookError, match="encrypted"):
        check_file(corpus.with_encrypted_flag(make_workbook([])), Limits())


def test_a_sound_workbook_passes_and_reports_its_size(make_workbook):
    summary = check_file(make_workbook([["SAFE", "2027", "", "57", ""]]), Limits())
    assert summary.entries > 5
    assert not summary.has_macros
