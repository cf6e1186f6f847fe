"""Operating the service: request logs, health and readiness, database outages, backups."""
