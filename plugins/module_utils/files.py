# -*- coding: utf-8 -*-
# Copyright: (c) 2026, secops.mobile_security contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Private state files (token cache, EDA cursor): written whole or not at all, readable only by their owner."""

import contextlib
import os
import tempfile

try:
    import fcntl
except ImportError:  # not POSIX: no lock, as before (parallel writers may drop each other's entries)
    fcntl = None


def write_private(path, text):
    """Replace ``path`` with ``text`` atomically, mode 0600 from the start (a reader never sees half a file,
    and the secret is never world-readable, not even for a moment); its directory is made 0700 if missing."""
    directory = os.path.dirname(os.path.abspath(path))
    if not os.path.isdir(directory):
        os.makedirs(directory, 0o700)
    handle, temp_path = tempfile.mkstemp(dir=directory, prefix="." + os.path.basename(path) + ".")
    try:
        os.fchmod(handle, 0o600)
        with os.fdopen(handle, "w") as out:
            out.write(text)
        os.replace(temp_path, path)
    except Exception:
        if os.path.exists(temp_path):
            os.unlink(temp_path)
        raise


@contextlib.contextmanager
def locked(path):
    """Hold an exclusive lock on ``path``.lock while reading and rewriting ``path``: parallel forks that each
    add their own entry (one per tenant in a token cache) must not drop each other's."""
    directory = os.path.dirname(os.path.abspath(path))
    if not os.path.isdir(directory):
        os.makedirs(directory, 0o700)
    if fcntl is None:
        yield
        return
    handle = os.open(path + ".lock", os.O_RDWR | os.O_CREAT, 0o600)
    try:
        fcntl.flock(handle, fcntl.LOCK_EX)
        yield
    finally:
        os.close(handle)
