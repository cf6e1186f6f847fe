"""What happened and what is owed for it: submissions, the Excel template and reader, verification, payment runs, statements."""
