"""Clean stops for `dti run` (issue 14): SIGTERM and SIGINT at any point of a run end it cleanly.

`stop_on_signals` turns them into a `KeyboardInterrupt` outside Dagster's execution and records them while
Dagster's own handlers are installed; the caller then marks the run failed, frees its slots and the run lock,
and raises `RunStopped` (exit code 130 for Ctrl+C, 143 for SIGTERM). `signals_held` keeps that cleanup from
being cut short by a second signal.
"""
from __future__ import annotations

import signal
import socket
import threading
from collections.abc import Iterator
from contextlib import contextmanager

STOP_SIGNALS = (signal.SIGINT, signal.SIGTERM)
SIGNAL_NAMES = {signal.SIGINT: "Ctrl+C (SIGINT)", signal.SIGTERM: "SIGTERM"}


class Stops:
    """SIGTERM/SIGINT seen during a run: by our own handler outside Dagster's execution, by the signal wakeup
    fd while Dagster's handlers (which only record the signal) are installed."""

    def __init__(self):
        self.signum: int | None = None
        self._reader: socket.socket | None = None

    def drain(self) -> int | None:
        if self._reader is not None:
            try:
                while data := self._reader.recv(64):
                    for byte in data:
                        if byte in STOP_SIGNALS and self.signum is None:
                            self.signum = byte
            except (BlockingIOError, InterruptedError, OSError):
                pass
        return self.signum

    def requested(self) -> bool:
        return self.drain() is not None

    @property
    def name(self) -> str:
        return SIGNAL_NAMES.get(self.signum, f"tín hiệu {self.signum}")


class _StopSignal(KeyboardInterrupt):
    """Raised by our handler; a KeyboardInterrupt, so that Dagster treats it as an interrupt of the run."""


@contextmanager
def stop_on_signals() -> Iterator[Stops]:
    """SIGTERM and SIGINT raise `_StopSignal` in the main thread (outside Dagster's execution, where Dagster's
    own handlers record them instead), and every stop signal is also written to a wakeup fd that `Stops`
    reads. Restores the previous handlers and wakeup fd on exit. Elsewhere than the main thread: nothing."""
    stops = Stops()
    if threading.current_thread() is not threading.main_thread():
        yield stops
        return

    def handler(signum, _frame):
        if stops.signum is None:
            stops.signum = signum
        raise _StopSignal(signum)

    reader, writer = socket.socketpair()
    reader.setblocking(False)
    writer.setblocking(False)
    previous = {s: signal.getsignal(s) for s in STOP_SIGNALS}
    old_fd = signal.set_wakeup_fd(writer.fileno(), warn_on_full_buffer=False)
    stops._reader = reader
    try:
        for s in STOP_SIGNALS:
            signal.signal(s, handler)
        yield stops
    finally:
        with signals_held():
            for s, h in previous.items():
                signal.signal(s, h if h is not None else signal.SIG_DFL)
            stops.drain()
            signal.set_wakeup_fd(old_fd)
            stops._reader = None
            reader.close()
            writer.close()


@contextmanager
def signals_held() -> Iterator[None]:
    """SIGTERM and SIGINT wait (blocked, not lost) while the cleanup in this block runs."""
    if threading.current_thread() is not threading.main_thread() or not hasattr(signal, "pthread_sigmask"):
        yield
        return
    old = signal.pthread_sigmask(signal.SIG_BLOCK, STOP_SIGNALS)
    try:
        yield
    finally:
        signal.pthread_sigmask(signal.SIG_SETMASK, old)
