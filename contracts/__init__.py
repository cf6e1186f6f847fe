"""What was agreed: organisations, contracts and their versions, the terms document, and the pure payment engine."""
