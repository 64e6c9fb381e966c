# -*- coding: utf-8 -*-
# Copyright: (c) 2026, secops.mobile_security contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Client of the Harmony Mobile external API (Infinity Portal), calls 0-19 of the guide (call 10 excepted:
see docs/api-notes.md, "Delete by e-mail").

Every module goes through this class: it owns the token, the paths and the
paging; modules only say what they want.
"""

import base64
import binascii
import datetime
import json
import re
import threading
import time

from urllib.parse import quote

from ansible_collections.secops.mobile_security.plugins.module_utils.errors import ApiError, UserError, server_message
from ansible_collections.secops.mobile_security.plugins.module_utils import paging
from ansible_collections.secops.mobile_security.plugins.module_utils.devices import email_key, record_id
from ansible_collections.secops.mobile_security.plugins.module_utils.token_cache import cache_key

AUTH_PATH = "/auth/external"
# Public integrations that talk to the live service use upper-case SBM; the
# guide mixes sbm, SBM and HM. See docs/api-notes.md.
API_ROOT = "/app/SBM/external_api"

# The filters of device_status the client may send: the guide's (calls 2-5) and the Tastypie spelling of the
# status window's bounds. Nothing else is sent; tenant.Selection decides which to send and checks every
# record returned, so a filter the service ignores can never widen a selection.
DEVICE_FILTERS = frozenset(("mdm__uuid", "groups__in", "risk_in", "status_in", "status", "time_gte", "time_lte",
                            "time__gte", "time__lte"))
# The time window on alerts is not in the guide; production connectors use it, and the caller also
# filters on its side (alerts.window_matcher) in case a server ignores it.
DOCUMENTED_LOG_FILTERS = {"alert": frozenset(("id__gt", "id__lt", "backend_last_updated__gte",
                                              "backend_last_updated__lte")),
                          "audit": frozenset(("id__gt", "time__gt"))}

_PATH_ID = re.compile(r"^[A-Za-z0-9_-]{1,64}$")
# Infinity Portal tokens live 30 minutes (a public token for this API has exp - iat = 1800; docs/api-notes.md).
# Assumed only when neither the answer nor the token says otherwise, and never more.
DEFAULT_TOKEN_TTL = 1800.0


def known_filters(filters, allowed, call):
    """The filters with a value; anything outside ``allowed`` is a bug of the caller, never sent (the tenant
    layer decides which filters go out; docs/api-notes.md, "Device filters")."""
    filters = dict((k, v) for k, v in (filters or {}).items() if v not in (None, ""))
    unknown = set(filters) - allowed
    if unknown:
        raise ValueError("%s: the client does not send the filter(s) %s" % (call, ", ".join(sorted(unknown))))
    return filters


def path_id(value, field):
    """An id that is safe to put in a URL path: no '/', '..', '?' or '%' can get through."""
    text = str(value).strip() if value is not None else ""
    if not _PATH_ID.match(text):
        raise UserError("%s: %r is not a valid id (letters, digits, '-' and '_' only)" % (field, value))
    return quote(text, safe="")


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
        text = expires.strip().replace("Z", "+00:00")
        for fmt in ("%Y-%m-%dT%H:%M:%S.%f%z", "%Y-%m-%dT%H:%M:%S%z"):
            try:
                found.append(datetime.datetime.strptime(text, fmt).timestamp())
                break
            except ValueError:
                continue
    claimed = jwt_expiry(token, now)
    if claimed is not None:
        found.append(claimed)
    return min(found) if found else now + DEFAULT_TOKEN_TTL


def refresh_margin(ttl):
    """Refresh a little before expiry: 60 s, or a fifth of a short TTL."""
    return min(60.0, max(ttl, 0) / 5.0)


class HarmonyMobileClient:
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

    def paginate(self, path, params=None, max_items=None, page_map=None):
        # Pages are read as many at a time as the client's concurrency (its pace's ceiling).
        return paging.iterate(lambda p, q: self.request("GET", p, params=q), path, params,
                              page_size=self.page_size, base_url=self.transport.base_url, max_items=max_items,
                              concurrency=self.concurrency, page_map=page_map)

    # ---- groups (calls 14-18) ---------------------------------------------
    def list_groups(self):
        return list(self.paginate(API_ROOT + "/v1/groups/"))

    def groups_named(self, name):
        # Filtered again here: a server that ignored ?name= must not make every group match.
        return [g for g in self.paginate(API_ROOT + "/v1/groups/", {"name": name}) if g.get("name") == name]

    def add_group(self, name, parent_id=None):
        body = {"name": name}
        if parent_id is not None:
            body["parent_id"] = parent_id
        in_doubt = False
        for _attempt in range(self.transport.retry_policy.retries + 1):
            try:
                return self.request("POST", API_ROOT + "/v1/groups/", json_body=body, idempotent=False)
            except ApiError as err:
                # Group names are unique: if it is there now, an earlier POST of ours made it. A 400
                # after a POST in doubt is the server refusing the name that POST already created.
                if not (err.ambiguous or (in_doubt and err.status == 400)):
                    raise
                if err.ambiguous and err.status is None:
                    self.in_doubt_writes += 1
                in_doubt = True
                found = self.groups_named(name)
                if found:
                    return found[0]
                if not err.ambiguous:
                    raise
        raise ApiError("could not confirm that group %r was created" % name, "POST", API_ROOT + "/v1/groups/")

    def edit_group(self, group_id, name=None, parent_id=None):
        body = {}
        if name is not None:
            body["name"] = name
        if parent_id is not None:
            body["parent_id"] = parent_id
        return self.request("PATCH", "%s/v1/groups/%s/" % (API_ROOT, path_id(group_id, "group id")), json_body=body)

    def delete_group(self, group_id):
        """Call 18; False when it was already gone."""
        return self._delete("%s/v1/groups/%s/" % (API_ROOT, path_id(group_id, "group id")))

    def _delete(self, path, params=None):
        """DELETE; True if deleted, False on 404 (already gone, as after a retried DELETE)."""
        try:
            self.request("DELETE", path, params=params)
        except ApiError as err:
            if err.status == 404:
                return False
            raise
        return True

    # ---- devices (calls 1-5, 10-12) -------------------------------------
    def get_device(self, device_id):
        try:
            return self.request("GET", "%s/v1/device_status/%s/" % (API_ROOT, path_id(device_id, "device_id")),
                                params={"format": "json"})
        except ApiError as err:
            if err.status == 404:
                return None
            raise

    def list_devices(self, filters=None, max_items=None, page_map=None):
        filters = known_filters(filters, DEVICE_FILTERS, "device_status")
        filters["format"] = "json"
        return self.paginate(API_ROOT + "/v1/device_status/", filters, max_items=max_items, page_map=page_map)

    def device_count(self, filters=None, read_all=True):
        """How many devices match, from one small page's ``total_count``; without one, by reading them all,
        or None with ``read_all=False``."""
        filters = known_filters(filters, DEVICE_FILTERS, "device_status")
        objects, meta = paging.split_page(self.request("GET", API_ROOT + "/v1/device_status/",
                                                       params=dict(filters, format="json", limit=1, offset=0)))
        total = paging.as_int(meta.get("total_count"))
        if total is not None or not read_all:
            return total
        return len(list(self.list_devices(filters))) if objects else 0

    def registration_details(self, device_id=None, email=None, mdm_uuid=None):
        """Call 8 (by id) or call 9 (by id, email and/or MDM id); None when no device matches."""
        try:
            if device_id is not None and email is None and mdm_uuid is None:
                return self.request("GET", "%s/v1/device_status/%s/get_registration_details" % (
                    API_ROOT, path_id(device_id, "device_id")))
            params = {}
            if mdm_uuid is not None:
                params["mi_id"] = mdm_uuid
            if device_id is not None:
                params["device_id"] = device_id
            if email is not None:
                params["email"] = email
            return self.request("GET", API_ROOT + "/v1/device_status/get_registration_details", params=params)
        except ApiError as err:
            if err.status == 404:
                return None
            raise

    def add_device(self, name, email, number=None, groups=None, send_reg_email=None, send_reg_sms=None,
                   known_ids=()):
        """Call 12. Returns the new device id.

        ``known_ids`` are the ids this email already had; after an ambiguous
        failure they tell our new device apart from the old ones.
        """
        body = {"name": name, "email": email}
        if number:
            body["number"] = number
        if groups:
            body["groups"] = list(groups)
        if send_reg_email is not None:
            body["send_reg_email"] = bool(send_reg_email)
        if send_reg_sms is not None:
            body["send_reg_sms"] = bool(send_reg_sms)
        known = set(str(i) for i in known_ids)
        for _attempt in range(self.transport.retry_policy.retries + 1):
            try:
                answer = self.request("POST", API_ROOT + "/v2/device/", json_body=body, idempotent=False)
            except ApiError as err:
                if not err.ambiguous:
                    raise
                if err.status is None:
                    self.in_doubt_writes += 1
                created = self._new_device_id(email, name, known)
                if created is not None:
                    return created
                continue
            device_id = _device_id_from(answer)
            if device_id is None:
                raise ApiError("add device answer carried no device_id: %r" % (answer,), "POST", API_ROOT + "/v2/device/")
            return device_id
        raise ApiError("could not confirm that device %s was added" % email, "POST", API_ROOT + "/v2/device/")

    def _new_device_id(self, email, name, known):
        """After an add in doubt: the id of the device it created, or None (not created). Call 9's answer is a
        hint, taken only when that device has this e-mail (any case) and name; its match may be case-sensitive,
        or a service may ignore the filter and answer another device. Otherwise the device list decides."""
        wanted = email_key(email)

        def ours(device):
            return email_key(device.get("email")) == wanted and device.get("name") == name

        details = self.registration_details(email=email)
        candidate = str(details.get("id")) if isinstance(details, dict) and details.get("id") is not None else None
        if candidate is not None and candidate not in known:
            device = self.get_device(candidate)
            if isinstance(device, dict) and ours(device):
                return candidate
        for device in self.list_devices():
            device_id = record_id(device)
            if ours(device) and device_id not in known:
                return device_id
        return None

    def delete_device(self, device_id):
        """Call 11; False when it was already gone."""
        return self._delete("%s/v1/device/%s/" % (API_ROOT, path_id(device_id, "device_id")))

    def resend_invitation(self, device_id, send_reg_email=True, send_reg_sms=False):
        """Call 6."""
        return self.request("POST", "%s/v1/device_status/%s/resend" % (API_ROOT, path_id(device_id, "device_id")),
                            json_body={"send_reg_email": bool(send_reg_email), "send_reg_sms": bool(send_reg_sms)},
                            idempotent=False)

    def mark_email_sent(self, device_id):
        """Call 7."""
        return self.request("POST", "%s/v1/device_status/%s/mark_email_sent/" % (
            API_ROOT, path_id(device_id, "device_id")), idempotent=True)

    # ---- alerts and audits (calls 13, 19) ---------------------------------
    def newest_log_id(self, kind):
        """The highest alert or audit id, from the first and the last one-item page (not the whole history)."""
        path = "%s/v3/%s/" % (API_ROOT, kind)
        objects, meta = paging.split_page(self.request("GET", path, params={"limit": 1, "offset": 0}))
        total = paging.as_int(meta.get("total_count"))
        if total is None:
            objects = list(self.paginate(path))
        elif total > 1:
            objects = objects + paging.split_page(self.request("GET", path, params={"limit": 1, "offset": total - 1}))[0]
        ids = [i for i in (paging.as_int(o.get("id")) for o in objects if isinstance(o, dict)) if i is not None]
        return max(ids) if ids else None

    def log_entries(self, kind, filters=None, max_items=None):
        filters = known_filters(filters, DOCUMENTED_LOG_FILTERS[kind], kind)
        return self.paginate("%s/v3/%s/" % (API_ROOT, kind), filters, max_items=max_items)


def _device_id_from(answer):
    if isinstance(answer, dict):
        for key in ("device_id", "id", "internal_id"):
            if answer.get(key) not in (None, ""):
                return str(answer[key])
        data = answer.get("data")
        if isinstance(data, dict):
            return _device_id_from(data)
    return None
