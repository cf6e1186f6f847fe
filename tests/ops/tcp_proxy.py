"""A TCP forwarder on 127.0.0.1 that a test can "restart": drop every connection, refuse new ones.

It stands between the app and PostgreSQL so that a test sees what a database restart does to
the app (connections cut mid-query, then refused, then accepted again) without restarting the
PostgreSQL server other tests share.
"""

import contextlib
import socket
import threading
import time


class TcpProxy:
    """Forward 127.0.0.1:<port> to a target address until stopped; `restart` simulates a reboot."""

    def __init__(self, target: tuple[str, int]):
        self.target = target
        self._lock = threading.Lock()
        self._sockets: set[socket.socket] = set()
        self._listener = self._listen(0)
        self.port = self._listener.getsockname()[1]
        self._stopped = False
        self._serve()

    def _listen(self, port: int) -> socket.socket:
        listener = socket.socket()
        listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        listener.bind(("127.0.0.1", port))
        listener.listen(64)
        return listener

    def _serve(self) -> None:
        threading.Thread(target=self._accept, args=(self._listener,), daemon=True).start()

    def _accept(self, listener: socket.socket) -> None:
        while True:
            try:
                client, _ = listener.accept()
            except OSError:
                return  # the listener was closed: the "server" is down
            try:
                upstream = socket.create_connection(self.target, timeout=5)
            except OSError:
                client.close()
                continue
            with self._lock:
                self._sockets.update((client, upstream))
            for a, b in ((client, upstream), (upstream, client)):
                threading.Thread(target=self._pump, args=(a, b), daemon=True).start()

    def _pump(self, source: socket.socket, sink: socket.socket) -> None:
        with contextlib.suppress(OSError):
            while data := source.recv(65536):
                sink.sendall(data)
        for end in (source, sink):
            with contextlib.suppress(OSError):
                end.shutdown(socket.SHUT_RDWR)

    def _drop_all(self) -> None:
        with self._lock:
            doomed, self._sockets = self._sockets, set()
        for end in doomed:
            with contextlib.suppress(OSError):
                end.shutdown(socket.SHUT_RDWR)
            end.close()

    def _close_listener(self) -> None:
        # close() alone leaves a thread blocked in accept() holding the port: shut it first.
        with contextlib.suppress(OSError):
            self._listener.shutdown(socket.SHUT_RDWR)
        self._listener.close()

    def restart(self, down_seconds: float) -> None:
        """Cut every connection and refuse new ones for `down_seconds`, then accept again."""
        self._close_listener()
        self._drop_all()
        time.sleep(down_seconds)
        self._listener = self._listen(self.port)
        self._serve()

    def stop(self) -> None:
        self._close_listener()
        self._drop_all()
