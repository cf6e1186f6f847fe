"""Inbox ingestion: workbooks dropped in `<inbox>/<reference>/` become submissions.

Whoever can write a folder could otherwise submit for any contract, so a folder is ingested
only when INBOX_FOLDERS names the organisation and user its files are submitted for; each
submission and its audit event carry that user, with the source `inbox`. Only plain files are
taken: a directory, symbolic link, FIFO, device or hard-linked file is set aside in `rejected/`
unread, and one bad entry never stops the others. Originals are deleted once ingested, since
they hold identity numbers; a rejected file leaves only its masked errors workbook (or a note).
"""
