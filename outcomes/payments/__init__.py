"""Payment runs: drawdowns, settling a period with the engine, approvals and settlement."""
