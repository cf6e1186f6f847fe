"""What happened and what is owed: submissions, the Excel workbooks, payment runs, statements."""
