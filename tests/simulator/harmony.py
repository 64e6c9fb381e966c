"""Routes of the Harmony Mobile external API (appendix calls 0-19).

Each handler returns ``(status, body, wrote)``; ``wrote`` feeds the write
counter that tests and benchmarks read from ``/_sim/stats``.
"""

import re
import time
from urllib.parse import urlencode

from .store import StoreError
from .variants import parse_time_ms, render_alert

API_RE = re.compile(r"^/app/(sbm|hm)/external_api/(v[0-9]+)/(.*?)/?$", re.IGNORECASE)


def _int(value, field):
    try:
        return int(str(value).strip())
    except (TypeError, ValueError):
        raise StoreError(400, "Invalid value %r for %s" % (value, field))


def _int_list(value, field):
    return [_int(v, field) for v in str(value).split(",") if v.strip() != ""]


def paged(sim, path, query, fetch):
    """Tastypie-style paging: limit/offset in, meta/objects out, capped page size."""
    limit = _int(query.get("limit", 20), "limit")
    offset = _int(query.get("offset", 0), "offset")
    if limit <= 0 or limit > sim.max_page_size:
        limit = sim.max_page_size
    if offset < 0:
        raise StoreError(400, "offset must not be negative")
    total, objects = fetch(offset, limit)

    style = sim.variants["paging_links"]

    def link(new_offset):
        q = "?" + urlencode(dict(query, limit=limit, offset=new_offset))
        if style == "query-only":
            return q
        if style == "app-relative":
            # Tastypie behind a gateway that strips the app mount (/app/SBM).
            return re.sub(r"^/app/[^/]+", "", path) + q
        if style == "full-url":
            return sim.base_url + path + q
        return path + q

    meta = {"limit": limit, "offset": offset, "total_count": total}
    if style != "none":
        meta["next"] = link(offset + limit) if offset + limit < total else None
        meta["previous"] = link(max(offset - limit, 0)) if offset > 0 else None
    return {"meta": meta, "objects": objects}


RISK_CODES = {"none": 0, "no risk": 0, "low": 1, "medium": 2, "high": 3}
STATUS_CODES = {"processing": -1, "user_notified": 0, "user notified": 0, "provisioned": 0, "active": 1,
                "inactive": 4}
# Device fields a Tastypie resource knows but does not let a client filter on.
UNFILTERABLE_DEVICE_FIELDS = ("name", "number", "model", "os_type", "os_version", "client_version", "device_type",
                              "last_connection", "mail_sent", "internal_id")


def _codes(value, field, words):
    """Codes from a comma list of codes or names (the Tastypie spellings take either, any case)."""
    found = []
    for item in str(value).split(","):
        text = item.strip()
        if not text:
            continue
        code = words.get(text.lower())
        found.append(code if code is not None else _int(text, field))
    return found


def _history_window(where, params, status, gte, lte, window="honoured", reading="entered"):
    """Call 5's window as SQL. ``reading``: ``entered`` takes a history row whose start (its ``time``) is in
    [gte, lte); ``in-status`` a row that overlaps the window. ``window=status-ignored``: rows of any status."""
    if reading == "entered":
        rows = "start_ms >= ? AND start_ms < ?"
        bounds = [gte, lte]
    else:
        rows = "start_ms < ? AND (end_ms IS NULL OR end_ms > ?)"
        bounds = [lte, gte]
    if window == "status-ignored":
        where.append("d.id IN (SELECT device_id FROM status_history WHERE %s)" % rows)
        params.extend(bounds)
        return
    where.append("d.id IN (SELECT device_id FROM status_history WHERE status = ? AND %s)" % rows)
    params.extend([status] + bounds)


def _subtree_ids(db, ids):
    """The groups and every group below them (group_filter=subtree)."""
    found, frontier = set(ids), list(ids)
    while frontier:
        children = [row[0] for row in db.execute(
            "SELECT id FROM groups WHERE parent_id IN (%s)" % ",".join("?" * len(frontier)), frontier)]
        frontier = [c for c in children if c not in found]
        found.update(frontier)
    return sorted(found)


def device_filters(query, style="tastypie", window="honoured", group_filter="exact", db=None, reading="entered"):
    """SQL for the device list's filters as the service reads them under ``device_filters``.

    ``doc``: the guide's spellings (risk_in, status_in, time_gte/time_lte with status). ``tastypie``: the
    guide's single-underscore names are unknown and silently skipped; risk__in, status__in, time__gte and
    time__lte work with codes or names; a known field that cannot be filtered answers 400.
    """
    where, params = [], []
    if "mdm__uuid" in query:
        where.append("d.mdm_uuid = ?")
        params.append(query["mdm__uuid"])
    if query.get("groups__in"):
        ids = _int_list(query["groups__in"], "groups__in")
        if group_filter == "subtree":
            ids = _subtree_ids(db, ids)
        where.append("d.id IN (SELECT device_id FROM device_groups WHERE group_id IN (%s))" % ",".join("?" * len(ids)))
        params.extend(ids)
    if query.get("groups__exact"):
        ids = _int_list(query["groups__exact"], "groups__exact")
        for group_id in ids:
            where.append("d.id IN (SELECT device_id FROM device_groups WHERE group_id = ?)")
            params.append(group_id)
    if style == "doc":
        for param, column in (("risk_in", "risk"), ("status_in", "status")):
            if query.get(param):
                values = _int_list(query[param], param)
                where.append("d.%s IN (%s)" % (column, ",".join("?" * len(values))))
                params.extend(values)
        if window == "ignored" and query.get("status") not in (None, ""):
            where.append("d.status = ?")
            params.append(_int(query["status"], "status"))
        elif "status" in query and ("time_gte" in query or "time_lte" in query):
            _history_window(where, params, _int(query["status"], "status"), _int(query.get("time_gte", 0), "time_gte"),
                            _int(query.get("time_lte", 2 ** 62), "time_lte"), window, reading)
        return where, params
    for name in query:
        field = name.split("__", 1)[0]
        if field in UNFILTERABLE_DEVICE_FIELDS:
            raise StoreError(400, "The '%s' field does not allow filtering." % field, key="error")
    for param, column, words in (("risk__in", "risk", RISK_CODES), ("status__in", "status", STATUS_CODES)):
        if query.get(param):
            values = _codes(query[param], param, words)
            where.append("d.%s IN (%s)" % (column, ",".join("?" * len(values))))
            params.extend(values)
    if window != "ignored" and "status" in query and ("time__gte" in query or "time__lte" in query):
        status = _codes(query["status"], "status", STATUS_CODES)[0]
        _history_window(where, params, status, _int(query.get("time__gte", 0), "time__gte"),
                        _int(query.get("time__lte", 2 ** 62), "time__lte"), window, reading)
    elif query.get("status") not in (None, ""):
        # Without a window, ``status`` is an exact filter on the current status, as on any Tastypie field.
        where.append("d.status = ?")
        params.append(_codes(query["status"], "status", STATUS_CODES)[0])
    return where, params


def handle(sim, method, path, query, body):
    match = API_RE.match(path)
    if not match:
        raise StoreError(404, "Not found: %s" % path)
    version, rest = match.group(2).lower(), match.group(3)
    parts = [p for p in rest.split("/") if p]
    store = sim.store
    route = (version,) + tuple(parts[:1])

    if route == ("v1", "groups"):
        return _groups(sim, method, path, query, body, parts[1:])

    if route == ("v1", "device_status"):
        return _device_status(sim, method, path, query, body, parts[1:])

    if route == ("v1", "device"):
        if method != "DELETE":
            raise StoreError(405, "Method not allowed")
        if len(parts) == 2:
            store.delete_device(_int(parts[1], "device_id"))
            return 204, None, True
        if len(parts) == 1 and query.get("user_email"):
            deleted = store.delete_devices_by_email(query["user_email"], sim.email_case_sensitive())
            return 200, {"deleted": deleted}, True
        raise StoreError(400, "user_email is required")

    if route == ("v2", "device") and len(parts) == 1:
        if method != "POST":
            raise StoreError(405, "Method not allowed")
        return _add_device(store, body)

    if route in (("v3", "alert"), ("v3", "audit")) and len(parts) == 1:
        if method != "GET":
            raise StoreError(405, "Method not allowed")
        return 200, _log(sim, path, query, "alerts" if parts[0] == "alert" else "audits"), False

    raise StoreError(404, "Not found: %s" % path)


def _groups(sim, method, path, query, body, rest):
    store = sim.store
    if not rest:
        if method == "GET":
            groups = store.list_groups(query.get("name"))
            return 200, paged(sim, path, query, lambda o, l: (len(groups), groups[o:o + l])), False
        if method == "POST":
            body = body or {}
            return 201, store.add_group(body.get("name"), body.get("parent_id")), True
        raise StoreError(405, "Method not allowed")
    group_id = _int(rest[0], "group id")
    if method == "GET":
        return 200, store.get_group(group_id), False
    if method == "PATCH":
        body = body or {}
        return 200, store.edit_group(group_id, body.get("name"), body.get("parent_id")), True
    if method == "DELETE":
        store.delete_group(group_id)
        return 204, None, True
    raise StoreError(405, "Method not allowed")


def _device_status(sim, method, path, query, body, rest):
    store = sim.store
    if not rest:
        if method != "GET":
            raise StoreError(405, "Method not allowed")
        where, params = device_filters(query, sim.variants["device_filters"], sim.variants["status_window"],
                                       sim.variants["group_filter"], sim.store.db, sim.variants["status_reading"])
        return 200, paged(sim, path, query, lambda o, l: store.query_devices(where, params, o, l, sim.variants)), False
    if rest[0] == "get_registration_details":
        with store.lock:
            row = None
            if query.get("device_id"):
                row = store.device_row(_int(query["device_id"], "device_id"))
            elif query.get("email"):
                row = store.db.execute("SELECT * FROM devices WHERE %s ORDER BY id" % store.email_clause(
                    sim.email_case_sensitive()), (query["email"],)).fetchone()
            elif query.get("mi_id"):
                row = store.db.execute("SELECT * FROM devices WHERE mdm_uuid=? ORDER BY id", (query["mi_id"],)).fetchone()
            else:
                raise StoreError(400, "One of mi_id, device_id or email is required")
            if not row:
                raise StoreError(404, "Device not found")
            return 200, store.registration_details(row), False
    device_id = _int(rest[0], "device_id")
    action = rest[1] if len(rest) > 1 else None
    if action is None and method == "GET":
        return 200, store.get_device(device_id, sim.variants), False
    if action == "resend" and method == "POST":
        device = store.get_device(device_id)
        if device["status"] != "0":
            # The guide documents only 200 and 500 for this call.
            raise StoreError(500, "Email can only be sent to devices in User Notified status")
        body = body if isinstance(body, dict) else {}
        # The guide: the body is optional; without it the service sends the e-mail.
        send_email = bool(body.get("send_reg_email", True))
        send_sms = bool(body.get("send_reg_sms", False))
        store.mark_email_sent(device_id)
        sent = store.record_resend(device_id, send_email, send_sms)
        if sim.variants["resend_audit"] == "recorded":
            when = time.strftime("%Y-%m-%d %H:%M:%S", time.gmtime(sent["at_ms"] / 1000))
            store.add_audit(when, "Devices", {
                "category": "Devices", "module": "Devices", "severity": "Low", "admin_user": "External API",
                "event_details": "Registration invitation resent to device %s" % device_id,
                "event_details_params": {"device_id": str(device_id), "email": sent["email"],
                                         "send_reg_email": send_email, "send_reg_sms": send_sms},
                "time": when})
        return 200, {"status": "success"}, True
    if action == "mark_email_sent" and method == "POST":
        store.mark_email_sent(device_id)
        return 200, {"status": "success"}, True
    if action == "get_registration_details" and method == "GET":
        with store.lock:
            row = store.device_row(device_id)
            if not row:
                raise StoreError(404, "Device not found")
            return 200, store.registration_details(row), False
    raise StoreError(404, "Not found: %s" % path)


EMAIL_RE = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")


def _add_device(store, body):
    if not isinstance(body, dict):
        raise StoreError(400, "A JSON object is required")
    name, email = body.get("name"), body.get("email")
    if not isinstance(name, str) or not name.strip():
        raise StoreError(400, "name is required")
    if not isinstance(email, str) or not EMAIL_RE.match(email):
        raise StoreError(400, "email is not a valid email address")
    groups = body.get("groups") or None
    if groups is not None and (not isinstance(groups, list) or not all(isinstance(g, str) for g in groups)):
        raise StoreError(400, "groups must be a list of group names")
    device_id = store.add_device(name, email, body.get("number") or None, groups,
                                 bool(body.get("send_reg_email")), bool(body.get("send_reg_sms")))
    return 201, {"device_id": str(device_id), "status": "success"}, True


def _log(sim, path, query, table):
    where, params = [], []
    if table == "alerts" and sim.variants["alert_time_filter"] == "honoured":
        for param, op in (("backend_last_updated__gte", ">="), ("backend_last_updated__lte", "<=")):
            if query.get(param) not in (None, ""):
                try:
                    bound = parse_time_ms(query[param])
                except ValueError:
                    raise StoreError(400, "Invalid value %r for %s" % (query[param], param))
                # Whole seconds, as the service stores them.
                where.append("updated_ms IS NOT NULL AND updated_ms / 1000 %s ?" % op)
                params.append(bound // 1000)
    for param, op in (("id__gt", ">"), ("id__lt", "<"), ("id__gte", ">="), ("id__lte", "<=")):
        if query.get(param) not in (None, ""):
            where.append("id %s ?" % op)
            params.append(_int(query[param], param))
    if table == "audits":
        if query.get("time__gt"):
            value = query["time__gt"].strip()
            try:
                time.strptime(value, "%Y-%m-%d %H:%M:%S")
            except ValueError:
                raise StoreError(400, "time__gt must look like 2021-07-01 08:08:00")
            where.append("time > ?")
            params.append(value)
        if query.get("module"):
            where.append("module = ?")
            params.append(query["module"])
    if table == "alerts":
        shape = sim.variants["alert_shape"]

        def fetch(offset, limit):
            total, rows = sim.store.query_log(table, where, params, offset, limit)
            return total, [render_alert(alert_id, canonical, shape) for alert_id, canonical in rows]

        return paged(sim, path, query, fetch)
    return paged(sim, path, query, lambda o, l: sim.store.query_log(table, where, params, o, l))
