"""The payment engine: pure functions from terms and outcome values to amounts and an explanation.

Standard library and pyxirr only; an import-linter contract keeps it so.
"""
