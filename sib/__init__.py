"""The application: app factory, extensions, auth, audit log, scheduler process, CLI."""


def create_app(config_class=None):
    """Build the Flask application: the composition root, the only place features are wired."""
    from sib.app import build_app

    return build_app(config_class)
