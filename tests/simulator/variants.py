"""Every choice the simulator makes where the API guide is silent, as a switch.

The first value of each switch is the default: the form the field notes
(summarised in ``docs/api-notes.md``) point to. The others are the plausible
alternatives, among them 1.0.0's own reading of the guide, so the test suite
can prove the collection works whichever one the live service really uses.
``docs/api-notes.md`` has a row for each.
"""

import datetime
import re

VARIANTS = {
    # meta.next of a list page. The live service's links are relative to the app mount.
    "paging_links": ("app-relative", "gateway-absolute", "full-url", "query-only", "none"),
    # Alert records: "recorded" mixes every shape seen in recorded samples; "guide" is one tidy shape
    # (upper-case severities, ISO times, string ids, real bools); "verbatim" returns what a test posted.
    "alert_shape": ("recorded", "guide", "verbatim"),
    # backend_last_updated__gte/__lte on v3/alert: used by production connectors, not in the guide.
    "alert_time_filter": ("honoured", "ignored"),
    # ?email= (call 9) and ?user_email= (call 10): undocumented, may be case-sensitive.
    "email_match": ("case-sensitive", "case-insensitive"),
    # The answer to an expired or unknown token.
    "expired_token": ("logout-401", "plain-401", "logout-403", "logout-200"),
    # A device with no MDM: "mdm": null (the SOAR sample) or an empty object.
    "device_mdm": ("null", "object"),
    # Device records with or without their groups (the SOAR sample may lack them).
    "device_groups": ("present", "absent"),
    # Filter names of the device list: Tastypie's (risk__in, status__in, time__gte/__lte; the guide's
    # single-underscore names silently ignored) or the guide's (risk_in, status_in, time_gte/time_lte).
    "device_filters": ("tastypie", "doc"),
    # Call 5's status window: applied; its bounds skipped (``status`` then filters on the current status only);
    # or its status skipped (every device that had any status in the window).
    "status_window": ("honoured", "ignored", "status-ignored"),
    # What call 5 ("devices that had a specific status during time interval") answers for a window: "entered",
    # the devices with a status-history row into the status whose time is inside [time_gte, time_lte) (the
    # guide's bounds filter a field named ``time``, as a history row has); "in-status", the devices in the status
    # at any time in the window. Nothing public shows either; docs/api-notes.md, "Call 5 - two readings".
    "status_reading": ("entered", "in-status"),
    # groups__in: the devices assigned to the groups named, or also those of every group below them.
    "group_filter": ("exact", "subtree"),
    # A device's last_connection: RFC 2822 (the SOAR sample), or each recorded form by device id (RFC 2822,
    # ISO 8601, epoch ms as a number and as a string, MM/DD/YYYY HH:MM:SS; "No data" or null when never).
    "last_connection": ("rfc2822", "mixed"),
    # Whether a resend (call 6) leaves an entry in the audit trail (call 19). The guide calls the trail the
    # dashboard's and lists no API action in it; no public sample shows a resend there: "absent" by default.
    # "recorded": one entry per resend, module "Devices", event_details naming the resend, and
    # event_details_params with the device id (a guess at the shape, used only where a test asks for it).
    "resend_audit": ("absent", "recorded"),
}
DEFAULTS = {name: values[0] for name, values in VARIANTS.items()}

# Sets that together use every value of every switch at least once; the fidelity tests run under each.
PROFILES = {
    "evidence": dict(DEFAULTS),
    "guide-1.0": dict(paging_links="gateway-absolute", alert_shape="guide", alert_time_filter="ignored",
                      email_match="case-insensitive", expired_token="plain-401", device_mdm="object",
                      device_groups="present", device_filters="doc", status_reading="in-status"),
    "full-url": dict(DEFAULTS, paging_links="full-url", expired_token="logout-403", device_groups="absent",
                     status_window="ignored", last_connection="mixed"),
    "query-only": dict(DEFAULTS, paging_links="query-only", alert_time_filter="ignored", expired_token="logout-200",
                       device_mdm="object", status_window="status-ignored", resend_audit="recorded",
                       status_reading="in-status"),
    "no-links": dict(DEFAULTS, paging_links="none", alert_shape="guide", email_match="case-insensitive",
                     device_groups="absent", device_filters="doc", group_filter="subtree"),
}


def checked(settings):
    """The variant settings, refused with the switch and value named when unknown."""
    result = {}
    for name, value in (settings or {}).items():
        if name not in VARIANTS:
            raise ValueError("unknown variant %r (known: %s)" % (name, ", ".join(sorted(VARIANTS))))
        if value not in VARIANTS[name]:
            raise ValueError("variant %s: %r is not one of %s" % (name, value, ", ".join(VARIANTS[name])))
        result[name] = value
    return result


def parse_cli(items):
    """``["paging_links=none", ...]`` from ``--variant`` flags."""
    settings = {}
    for item in items or ():
        name, value = item.split("=", 1) if "=" in item else (item, "")
        settings[name.strip().replace("-", "_")] = value.strip()
    return checked(settings)


# ---- alerts: one canonical record, rendered in the chosen shape ------------------------------------------

LEVELS = ("none", "low", "medium", "high", "critical")
_LEVEL_WORDS = {"none": "none", "no risk": "none", "info": "none", "low": "low", "medium": "medium",
                "high": "high", "critical": "critical", "0": "none", "1": "low", "2": "medium", "3": "high",
                "4": "critical"}
_NO_DATA = ("", "no data", "null", "none", "n/a")


def parse_time_ms(value):
    """Epoch ms from the time forms alerts use; None for no data."""
    if value is None or isinstance(value, bool):
        return None
    if isinstance(value, (int, float)):
        return int(value if value > 1e11 else value * 1000)
    text = str(value).strip()
    if text.lower() in _NO_DATA:
        return None
    text = re.sub(r"Z$", "+0000", text.replace(" ", "T", 1) if re.match(r"^\d{4}-", text) else text)
    text = re.sub(r"([+-]\d{2}):(\d{2})$", r"\1\2", text)
    for fmt in ("%m/%d/%Y %H:%M:%S", "%Y-%m-%dT%H:%M:%S.%f%z", "%Y-%m-%dT%H:%M:%S%z", "%Y-%m-%dT%H:%M:%S"):
        try:
            moment = datetime.datetime.strptime(text, fmt)
        except ValueError:
            continue
        if moment.tzinfo is None:
            moment = moment.replace(tzinfo=datetime.timezone.utc)
        return int(moment.timestamp() * 1000)
    raise ValueError("not a time: %r" % (value,))


def canonical_alert(data, now_ms):
    """What the service knows about an alert, whatever form a test posted it in."""
    data = dict(data)
    raw = dict(data)
    severity = data.pop("severity", None)
    level = _LEVEL_WORDS.get(str(severity).strip().lower()) if severity is not None else None
    rooted = data.pop("device_rooted", False)
    if isinstance(rooted, str):
        rooted = rooted.strip().lower() == "true"
    updated = data.pop("backend_last_updated", now_ms) if "backend_last_updated" in data else now_ms
    event = data.pop("event_timestamp", now_ms) if "event_timestamp" in data else now_ms
    device_id = data.pop("device_id", None)
    return {
        "fields": data,
        "raw": raw,
        # A word outside the known vocabularies is kept as it came.
        "level": level or (str(severity) if severity is not None else None),
        "event_ms": parse_time_ms(event),
        "updated_ms": parse_time_ms(updated),
        "device_id": str(device_id) if device_id is not None else None,
        "rooted": bool(rooted),
    }


def _mdy(ms):
    return datetime.datetime.fromtimestamp(ms / 1000, datetime.timezone.utc).strftime("%m/%d/%Y %H:%M:%S")


def _iso_z(ms):
    return datetime.datetime.fromtimestamp(ms / 1000, datetime.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


def _iso_offset(ms):
    moment = datetime.datetime.fromtimestamp(ms / 1000, datetime.timezone.utc)
    return moment.strftime("%Y-%m-%dT%H:%M:%S.") + "%03d+00:00" % (ms % 1000)


def _rfc2822(ms):
    return datetime.datetime.fromtimestamp(ms / 1000, datetime.timezone.utc).strftime("%a, %d %b %Y %H:%M:%S +0000")


def render_last_connection(device_id, ms, form):
    """A device's last connection as the service would send it under ``form`` (the variant)."""
    if form == "mixed":
        if not ms:
            return "No data" if device_id % 2 else None
        return (_rfc2822, _iso_z, int, lambda v: str(int(v)), _mdy)[device_id % 5](ms)
    return _rfc2822(ms) if ms else None


def render_alert(alert_id, canonical, shape):
    """The alert as the service would send it under ``shape``; every recorded form appears across ids."""
    if shape == "verbatim":
        return dict(canonical["raw"], id=alert_id)
    body = dict(canonical["fields"], id=alert_id)
    level, event_ms, updated_ms = canonical["level"], canonical["event_ms"], canonical["updated_ms"]
    if shape == "guide":
        body.update(severity=level.upper() if level in LEVELS else level,
                    event_timestamp=_iso_z(event_ms) if event_ms is not None else None,
                    backend_last_updated=_iso_z(updated_ms) if updated_ms is not None else None,
                    device_id=canonical["device_id"], device_rooted=canonical["rooted"])
        return body
    # "recorded": upper-case and title-case words; four time forms and both ways of saying "no time";
    # ids as strings and numbers; rooted as a bool and as a string.
    if level in LEVELS:
        level = level.upper() if alert_id % 2 else level.title()
    time_forms = (_mdy, _iso_z, _iso_offset, _mdy)
    event_text = time_forms[alert_id % 4](event_ms) if event_ms is not None and alert_id % 7 else (
        "No data" if alert_id % 2 else None)
    updated_text = time_forms[(alert_id + 1) % 4](updated_ms) if updated_ms is not None else (
        "No data" if alert_id % 2 else None)
    device_id = canonical["device_id"]
    if device_id is not None and device_id.isdigit() and alert_id % 2:
        device_id = int(device_id)
    rooted = canonical["rooted"]
    body.update(severity=level, event_timestamp=event_text, backend_last_updated=updated_text, device_id=device_id,
                device_rooted=rooted if alert_id % 3 == 0 else str(rooted))
    return body
