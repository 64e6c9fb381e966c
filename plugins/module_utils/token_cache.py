# -*- coding: utf-8 -*-
# Copyright: (c) 2026, secops.mobile_security contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Opt-in file cache of Infinity Portal tokens, shared by the tasks of a run.

Each task is a new process, so without it every task would log in again.
Entries are keyed by a hash of gateway, client id and access key: a changed
key never reuses a token minted for the old one, one tenant never gets
another's token, and no credential is written to disk. The file is created
0600 and replaced atomically under a lock, so parallel forks (one per
tenant) keep each other's entries.
"""

import hashlib
import json
import os
import time

from ansible_collections.secops.mobile_security.plugins.module_utils.files import locked, write_private

DEFAULT_PATH = os.path.join("~", ".cache", "secops.mobile_security", "hm_tokens.json")


def cache_key(gateway_url, client_id, access_key):
    material = "\n".join((gateway_url.rstrip("/"), client_id or "", access_key or ""))
    return hashlib.sha256(material.encode("utf-8")).hexdigest()


class TokenCache:
    def __init__(self, path=None, clock=time.time):
        self.path = os.path.expanduser(path or DEFAULT_PATH)
        self.clock = clock

    def _load(self):
        try:
            with open(self.path) as handle:
                data = json.load(handle)
        except (IOError, OSError, ValueError):
            return {}
        return data if isinstance(data, dict) else {}

    def get(self, key):
        """A cached (token, expires_at) still valid now, or None."""
        entry = self._load().get(key)
        if not isinstance(entry, dict):
            return None
        token, expires_at = entry.get("token"), entry.get("expires_at")
        if not isinstance(token, str) or not isinstance(expires_at, (int, float)):
            return None
        if expires_at <= self.clock():
            return None
        return token, expires_at

    def put(self, key, token, expires_at):
        with locked(self.path):
            data = self._load()
            now = self.clock()
            data = {k: v for k, v in data.items()
                    if isinstance(v, dict) and isinstance(v.get("expires_at"), (int, float)) and v["expires_at"] > now}
            data[key] = {"token": token, "expires_at": expires_at}
            self._write(data)

    def drop(self, key):
        with locked(self.path):
            data = self._load()
            if data.pop(key, None) is not None:
                self._write(data)

    def _write(self, data):
        write_private(self.path, json.dumps(data))
