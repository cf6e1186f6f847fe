"""gunicorn.conf.py: a worker busy with a long upload is not killed as if it were hung."""

import runpy

from config import BASE_DIR


def settings(monkeypatch, **env) -> dict:
    for name in ("SIB_WORKER_TIMEOUT", "SIB_GRACEFUL_TIMEOUT", "WEB_CONCURRENCY", "SIB_BIND"):
        monkeypatch.delenv(name, raising=False)
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    return runpy.run_path(str(BASE_DIR / "gunicorn.conf.py"))


def test_the_worker_timeout_outlasts_the_longest_upload(monkeypatch):
    conf = settings(monkeypatch)
    # gunicorn's default of 30 s killed uploads of about 300 000 rows (issue 12); 600 s covers
    # the largest file accepted (64 MB) with room to spare.
    assert (conf["worker_class"], conf["timeout"], conf["graceful_timeout"]) == ("sync", 600, 600)


def test_the_settings_come_from_the_environment(monkeypatch):
    conf = settings(monkeypatch, SIB_WORKER_TIMEOUT="900", WEB_CONCURRENCY="3",
                    SIB_BIND="0.0.0.0:9000")  # fmt: skip
    assert (conf["timeout"], conf["graceful_timeout"], conf["workers"], conf["bind"]) == (
        900,
        900,
        3,
        "0.0.0.0:9000",
    )


def test_the_app_writes_the_access_log_itself(monkeypatch):
    conf = settings(monkeypatch)
    assert conf["accesslog"] is None
    assert conf["preload_app"] is False
