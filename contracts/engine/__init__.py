"""The payment engine: pure functions that turn a terms document and outcome values into amounts and an explanation. Standard library and pyxirr only."""
