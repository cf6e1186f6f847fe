"""What was agreed: organisations, contracts and versions, the terms document, the pure engine."""
