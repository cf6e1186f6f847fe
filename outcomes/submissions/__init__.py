"""Outcome submissions: uploaded workbooks, their stored figures, verification and figures in force."""
