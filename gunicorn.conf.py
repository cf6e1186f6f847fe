"""Gunicorn settings for production: `gunicorn -c gunicorn.conf.py 'sib:create_app()'`.

Every value can be overridden from the environment (or on the command line, which wins).
See docs/operations.md for the reasoning and the measured limits.
"""

import multiprocessing
import os

# Behind a reverse proxy on the same machine; the proxy terminates TLS and buffers uploads.
bind = os.environ.get("SIB_BIND", "127.0.0.1:8000")
# Sync workers: one request each, so a slow request never delays another in its process.
# The proxy buffers the request body before it reaches a worker, so slow clients hold none.
worker_class = "sync"
workers = int(os.environ.get("WEB_CONCURRENCY", 2 * multiprocessing.cpu_count() + 1))

# A sync worker busy with a request sends no heartbeat, and gunicorn kills a worker that has
# been silent for `timeout` seconds, whatever it is doing. The default (30 s) kills every
# upload of more than about 300 000 participant rows mid-parse (the client gets a bare 500).
# So the timeout is the longest request we accept: an upload of MAX_UPLOAD_BYTES (64 MB,
# about 1.8 million rows; a million rows ingest in 104-114 s on an idle 2-core machine, so
# about 200 s, and 600 s leaves three times that). Keep the proxy's read timeout as long.
timeout = int(os.environ.get("SIB_WORKER_TIMEOUT", 600))
# On a restart or reload, workers finish the requests they hold (an upload too) before exiting.
graceful_timeout = int(os.environ.get("SIB_GRACEFUL_TIMEOUT", timeout))
keepalive = 5

# The app writes one JSON line per request itself (sib.requests); gunicorn's access log would
# repeat it without the user, organisation and request id.
accesslog = None
errorlog = "-"
loglevel = os.environ.get("SIB_GUNICORN_LOG_LEVEL", "info")
# Trust X-Forwarded-For/-Proto only from the local proxy.
forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1")
# Each worker opens its own database pool after the fork: connections are never shared.
preload_app = False
