"""The scheduler process: a database lease, recorded job runs, an injectable clock."""
