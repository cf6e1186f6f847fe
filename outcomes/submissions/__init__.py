"""Outcome submissions: uploaded workbooks, their figures, verification, figures in force."""
