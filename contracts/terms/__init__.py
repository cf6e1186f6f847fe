"""The terms document (sib-terms/1): loading, validation with JSON paths, and export."""
