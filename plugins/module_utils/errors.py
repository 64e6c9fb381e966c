# -*- coding: utf-8 -*-
# Copyright: (c) 2026, secops.mobile_security contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The one exception type every API call raises."""


class ApiError(Exception):
    """A failed API call.

    ``status`` is the HTTP status, or None when no answer arrived.
    ``ambiguous`` is True when a write may or may not have been applied
    (the connection dropped or a 5xx came back after the request was sent),
    so the caller must look before it writes again.
    """

    def __init__(self, message, method=None, path=None, status=None, body=None, ambiguous=False):
        self.message = message
        self.method = method
        self.path = path
        self.status = status
        self.body = body
        self.ambiguous = ambiguous
        super().__init__(str(self))

    def __str__(self):
        where = " ".join(part for part in (self.method, self.path) if part)
        status = "HTTP %s" % self.status if self.status is not None else "no response"
        if where:
            return "%s failed (%s): %s" % (where, status, self.message)
        return self.message

    def to_result(self):
        return {"method": self.method, "path": self.path, "status": self.status, "body": self.body}


def server_message(body, default):
    """Pull a human message out of the shapes the two APIs use for errors."""
    if isinstance(body, dict):
        for key in ("message", "error", "detail", "error_message"):
            value = body.get(key)
            if isinstance(value, str) and value:
                return value
        nested = body.get("body")
        if isinstance(nested, dict):
            return server_message(nested, default)
    if isinstance(body, str) and body.strip():
        return body.strip()[:500]
    return default


class UserError(ValueError):
    """Input the user can fix: the message names the option (or file, line) and the value, never a secret.

    Modules report it as a plain failure; any other exception is a bug and fails with its traceback.
    It is a ValueError so parsers that try one form after another can still catch ValueError.
    """
