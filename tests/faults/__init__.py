"""Fault tests on PostgreSQL: processes killed mid-transaction, requests racing."""
