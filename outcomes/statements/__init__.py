"""Investor and payer statements, as JSON and as Excel workbooks."""
