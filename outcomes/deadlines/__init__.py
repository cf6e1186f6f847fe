"""Reporting deadlines: which periods are ready to settle and which are overdue."""
