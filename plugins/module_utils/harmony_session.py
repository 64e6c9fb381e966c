# -*- coding: utf-8 -*-
# Copyright: (c) 2026, secops.mobile_security contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The token session of the Harmony Mobile external API (Infinity Portal): authentication (call 0), the token's
lifetime and refresh, re-authentication when a token is rejected in any form, paging, and the uniform verbs.

Endpoint calls live in ``harmony_client.py``; what a device, group or log entry is lives in its resource file.
"""

import base64
import binascii
import json
import threading
import time

from ansible_collections.secops.mobile_security.plugins.module_utils.errors import ApiError, server_message
from ansible_collections.secops.mobile_security.plugins.module_utils import paging, times
from ansible_collections.secops.mobile_security.plugins.module_utils.token_cache import cache_key

AUTH_PATH = "/auth/external"
# Every call of the external API lives under this mount. Public integrations that talk to the live service
# use upper-case SBM; the guide mixes sbm, SBM and HM (docs/api-notes.md).
API_ROOT = "/app/SBM/external_api"
# Infinity Portal tokens live 30 minutes (a public token for this API has exp - iat = 1800; docs/api-notes.md).
# Assumed only when neither the answer nor the token says otherwise, and never more.
DEFAULT_TOKEN_TTL = 1800.0


_AUTH_WORDS = ("authenticat", "token", "login", "log in", "unauthori", "session expired")


def is_logout_body(body):
    """True for an answer that says the token is no longer good, whatever its HTTP status.

    Seen from production connectors: ``{"success": false, "message": "Authentication required",
    "forceLogout": true}``. A ``success: false`` body counts only when its message is about
    authentication, so an ordinary refusal is not mistaken for an expired token.
    """
    if not isinstance(body, dict):
        return False
    if body.get("forceLogout") is True or str(body.get("forceLogout")).lower() == "true":
        return True
    if body.get("success") is False:
        message = str(body.get("message") or body.get("error") or "").lower()
        return any(word in message for word in _AUTH_WORDS)
    return False


def token_rejected(status, body):
    """A failed call that a fresh token may cure: any 401, or a logout body under 403 or another status."""
    return status == 401 or (status is not None and is_logout_body(body))


def _number(value):
    return value if isinstance(value, (int, float)) and not isinstance(value, bool) else None


def token_claims(token):
    """The claims of a JWT-shaped token (the Infinity Portal's carry exp, iat, tenantId, clientId, appId),
    unverified: for its lifetime and for showing which tenant it is for; {} for any other token."""
    parts = token.split(".") if isinstance(token, str) else ()
    if len(parts) != 3:
        return {}
    try:
        payload = base64.urlsafe_b64decode((parts[1] + "=" * (-len(parts[1]) % 4)).encode("ascii"))
        claims = json.loads(payload.decode("utf-8"))
    except (ValueError, TypeError, UnicodeError, binascii.Error):
        return {}
    return claims if isinstance(claims, dict) else {}


def jwt_expiry(token, now):
    """When a JWT says it expires: ``now`` + (exp - iat) when it carries both (our clock, not the issuer's),
    else its ``exp``; None for a token that is not a JWT or says neither."""
    claims = token_claims(token)
    exp, iat = _number(claims.get("exp")), _number(claims.get("iat"))
    if exp is not None and iat is not None and exp > iat:
        return now + float(exp - iat)
    return float(exp) if exp is not None else None


def token_expiry(data, now, token=None):
    """When a token from /auth/external stops working: the earliest of what the answer says (expiresIn,
    expires) and what the token says (a JWT's claims); 30 minutes when nothing says."""
    found = []
    expires_in = _number(data.get("expiresIn"))
    if expires_in is not None and expires_in > 0:
        found.append(now + float(expires_in))
    expires = data.get("expires")
    if isinstance(expires, str):
        moment = times.parse(expires)
        if moment is not None:
            found.append(moment.timestamp())
    claimed = jwt_expiry(token, now)
    if claimed is not None:
        found.append(claimed)
    return min(found) if found else now + DEFAULT_TOKEN_TTL


def known_filters(filters, allowed, path):
    """The filters with a value; anything outside ``allowed`` (the resource's filter table) is a bug of the
    caller, never sent (docs/api-notes.md, "Device filters")."""
    filters = {k: v for k, v in (filters or {}).items() if v not in (None, "")}
    unknown = set(filters) - allowed
    if unknown:
        raise ValueError("%s: the client does not send the filter(s) %s" % (path, ", ".join(sorted(unknown))))
    return filters


def refresh_margin(ttl):
    """Refresh a little before expiry: 60 s, or a fifth of a short TTL."""
    return min(60.0, max(ttl, 0) / 5.0)


class TokenSession:
    """Authenticated calls to one gateway: the token (call 0: login, cache, refresh, one more login when it is
    rejected), paging, and the uniform verbs with one rule for a missing object (404: None, or False for a
    delete). What the calls are is the client's (harmony_client.HarmonyMobileClient)."""

    def __init__(self, transport, client_id, access_key, token_cache=None, clock=time.time, page_size=100,
                 concurrency=1, timeout=30.0):
        self.transport = transport
        # Set once by the client factory (module_utils/clients.py) and read here, by paged reads and by bulk
        # runners: the most requests in flight, and the seconds an answer may take.
        self.concurrency = max(1, int(concurrency))
        self.timeout = float(timeout)
        self.client_id = client_id
        self._access_key = access_key
        self.token_cache = token_cache
        self.clock = clock
        self.page_size = page_size
        self._token = None
        self._token_refresh_at = 0.0
        self._token_expires_at = 0.0
        self._token_issued = {}  # token -> when this client logged in for it (tokens from the cache: unknown)
        # Writes that got no answer at all (dropped, timed out): the service may still apply them later,
        # so callers verify afterwards. A 5xx answer means the service is done with the request.
        self.in_doubt_writes = 0
        # Bulk work shares one client between threads; only one of them logs in.
        self._token_lock = threading.Lock()
        self._cache_key = cache_key(transport.base_url, client_id, access_key) if token_cache else None

    @property
    def tenant_id(self):
        """The tenantId claim of the current token, if it is a JWT that carries one."""
        value = token_claims(self._token).get("tenantId")
        return str(value) if value not in (None, "") else None

    # ---- authentication (call 0) ----------------------------------------
    def ensure_token(self):
        """Log in now (or take the cached token), before any concurrent work starts."""
        self._current_token()

    def _current_token(self):
        with self._token_lock:
            return self._current_token_locked()

    def _current_token_locked(self):
        now = self.clock()
        if self._token and now < self._token_refresh_at:
            return self._token
        if self.token_cache:
            cached = self.token_cache.get(self._cache_key)
            if cached and now < cached[1] - refresh_margin(cached[1] - now):
                self._token, self._token_refresh_at = cached[0], cached[1] - refresh_margin(cached[1] - now)
                self._token_expires_at = cached[1]
                return self._token
        return self._login()

    def _login(self):
        if not self.client_id or not self._access_key:
            raise ApiError("client_id and access_key are required (or HM_CLIENT_ID / HM_ACCESS_KEY)")
        now = self.clock()
        try:
            _status, body = self.transport.send("POST", AUTH_PATH, json_body={
                "clientId": self.client_id, "accessKey": self._access_key}, idempotent=True)
        except ApiError as err:
            if err.status in (400, 401, 403):
                raise ApiError("authentication failed for client_id %s: the gateway rejected the client id or "
                               "access key" % self.client_id, "POST", AUTH_PATH, err.status)
            raise
        data = body.get("data") if isinstance(body, dict) and isinstance(body.get("data"), dict) else body
        token = data.get("token") if isinstance(data, dict) else None
        if not isinstance(token, str) or not token or (isinstance(body, dict) and body.get("success") is False):
            raise ApiError("authentication answer carried no token", "POST", AUTH_PATH, _status)
        expires_at = token_expiry(data, now, token)
        self._token = token
        self._token_refresh_at = expires_at - refresh_margin(expires_at - now)
        self._token_expires_at = expires_at
        self._token_issued[token] = now
        if self.token_cache:
            self.token_cache.put(self._cache_key, token, expires_at)
        return token

    def _forget_token(self, rejected):
        with self._token_lock:
            if self._token != rejected:
                return  # another thread already replaced it
            self._token = None
            self._token_refresh_at = 0.0
            self._token_expires_at = 0.0
            if self.token_cache:
                self.token_cache.drop(self._cache_key)

    def request(self, method, path, params=None, json_body=None, idempotent=None):
        """An authenticated call; an expired token (in any form) gets a fresh token and one more try.

        The token goes into the request when it actually leaves: on a rate-limited tenant a request can wait
        on the pace for longer than a token has left, and the freshest token is taken then. A token that had
        been issued before this call began and is rejected is one that ran out while the call waited: that
        costs no try. One issued during the call that is rejected does, and the second such ends the call."""
        began = self.clock()
        fresh_rejections = 0
        for _attempt in range(4):
            token = self._current_token()
            used = []

            def authorization(fallback=token):
                # No lock: a thread logging in holds it while it waits for a place in the pace, which this
                # thread holds now. The two attributes are read in one go; a stale pair only means the fallback.
                current, expires_at = self._token, self._token_expires_at
                if not current or self.clock() >= expires_at:
                    current = fallback
                used.append(current)
                return {"Authorization": "Bearer " + current}

            try:
                body = self.transport.send(method, path, params=params, json_body=json_body,
                                           headers=authorization, idempotent=idempotent)[1]
                rejected = is_logout_body(body)
            except ApiError as err:
                if not token_rejected(err.status, err.body):
                    raise
                rejected, body = err, err.body
            if not rejected:
                return body
            sent = used[-1] if used else token
            if self._token_issued.get(sent, began) >= began:
                fresh_rejections += 1
            if fresh_rejections >= 2:
                if isinstance(rejected, ApiError):
                    raise ApiError("the gateway rejected a token it had just issued (%s); check that this API "
                                   "client may use this service" % server_message(body, "HTTP %s" % rejected.status),
                                   method, path.split("?", 1)[0], rejected.status, body)
                # Some gateways say "log in again" in a 200 answer; that is never a success.
                raise ApiError("the gateway asked for a new login right after one (%s)" % server_message(
                    body, "forceLogout"), method, path.split("?", 1)[0], 200, body)
            self._forget_token(sent)
        raise ApiError("the gateway kept rejecting tokens that ran out while the request waited on the rate limit",
                       method, path.split("?", 1)[0])

    def paginate(self, path, params=None, max_items=None, page_map=None, sequential=False):
        # Pages are read as many at a time as the client's concurrency (its pace's ceiling); ``sequential``
        # reads one after another, so that a reader that stops early stops the reading.
        return paging.iterate(lambda p, q: self.request("GET", p, params=q), path, params,
                              page_size=self.page_size, base_url=self.transport.base_url, max_items=max_items,
                              concurrency=1 if sequential else self.concurrency, page_map=page_map)

    def list(self, path, filters=None, allowed=frozenset(), params=None, **reading):
        """Every object of a paged list. ``filters``: only those of the resource's filter table (``allowed``),
        a caller's bug otherwise; ``params``: what the call always carries (``format``); ``reading``: paginate's
        options."""
        query = dict(known_filters(filters, allowed, path), **(params or {}))
        return self.paginate(path, query, **reading)

    def get(self, path, params=None):
        """GET; None when the object is not there."""
        return self._unless_missing("GET", path, params)[1]

    def delete(self, path):
        """DELETE; True if deleted, False when it was already gone (as after a retried DELETE). Only the client's
        ``delete_device`` and ``delete_group`` call it, and only ``guards.DeleteGate`` calls them."""
        return self._unless_missing("DELETE", path)[0]

    def _unless_missing(self, method, path, params=None):
        """(True, the answer), or (False, None) when the service says the object is not there (404): the one
        rule for a missing object."""
        try:
            return True, self.request(method, path, params=params)
        except ApiError as err:
            if err.status == 404:
                return False, None
            raise
