"""Stopping what the commands start (the control plane's components, the local stack): each runs
in a session of its own, so its whole process group is signalled, never a stray child left."""

import contextlib
import os
import signal
import subprocess


def stop_group(process: subprocess.Popen, first: signal.Signals, timeout: float) -> None:
    """`first` to the process's group, then SIGKILL if it has not exited within `timeout` s."""
    with contextlib.suppress(ProcessLookupError):  # the whole group is gone already
        os.killpg(process.pid, first)
    try:
        process.wait(timeout=timeout)
    except subprocess.TimeoutExpired:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGKILL)
        process.wait()
