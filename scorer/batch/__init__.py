"""Batch scoring of whole departments and cities: discover inputs, score them in
parallel into a resumable store, analyse the batch as a whole and write reports."""

import signal


def ignore_interrupts() -> None:
    """Worker initializer: Ctrl-C is the parent's to handle (it stops the batch and keeps
    what finished); workers ignore it, so they neither print tracebacks nor die mid-file.
    Kept in this light module so a starting worker runs it before any heavy import."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
