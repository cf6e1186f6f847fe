"""Outcome workbooks: the template, the file guard, the reader, validation and annotation (pure)."""
