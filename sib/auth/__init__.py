"""Users, roles, API tokens and session login."""
