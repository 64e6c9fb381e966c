# -*- coding: utf-8 -*-
# Copyright: (c) 2026, secops.mobile_security contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Devices: the resource's filter table, its record matcher (:class:`Selection`, :class:`StatusWindow`), its
normaliser, the identity rule and drift between asked and found (what a user gives: ``device_input``).

The API's names of the device list's filters appear here and nowhere else (``FILTERS``); the client sends
nothing outside ``FILTER_NAMES``. A filter is only an optimisation: every record the service returns is
checked by :meth:`Selection.matches`, so a service that ignores, misreads or partly applies a filter can never
widen what a task acts on (docs/api-notes.md, "Device filters").
"""

from ansible_collections.secops.mobile_security.plugins.module_utils import codes, times
from ansible_collections.secops.mobile_security.plugins.module_utils.errors import UserError

GROUPS_MATCH = ("any", "all")

# The device list's filters (calls 2-5) as the API names them. Only spellings that can narrow the list no
# further than the selection are sent: the guide's risk_in/status_in with the guide's codes are honoured or
# ignored, both safe; Tastypie's double-underscore spellings are not sent, since whether they take codes or
# names is unknown and the wrong vocabulary would silently return too few. Groups go as one groups__in of
# every id (a superset of an ``all`` match); e-mail is never sent (the match may be case-sensitive).
FILTERS = {"risk": "risk_in", "status": "status_in", "groups": "groups__in", "mdm_uuid": "mdm__uuid"}
# Tastypie's spelling of the current-status filter, for call 5's reads narrowed to devices in a status now: sent only
# once an answer has shown that it returns every device of a status it was checked on (Tenant), never on trust.
CHECKED_FILTERS = {"status": "status__in"}
# Call 5's status window: the status, and both spellings of each bound with the same value, so a service
# reads the one it knows and either reading means the same window (neither can return too few).
WINDOW_FILTERS = {"status": "status", "from": ("time_gte", "time__gte"), "to": ("time_lte", "time__lte")}
FILTER_NAMES = frozenset(list(FILTERS.values()) + list(CHECKED_FILTERS.values()) + [WINDOW_FILTERS["status"]]
                         + list(WINDOW_FILTERS["from"]) + list(WINDOW_FILTERS["to"]))
# A window long before any device existed, and a status code the guide does not have: a service that returns
# devices for either ignored the window's bounds or its status.
_BEFORE_ANY_DEVICE = (times.parse("1970-01-01T00:00:00Z"), times.parse("1970-01-01T00:00:01Z"))
_NO_SUCH_STATUS = 99


class Selection:
    """Which devices a task means, checked and in codes; ``matches`` is the client-side check of every record.

    Built from options by :meth:`Tenant.selection`; each filter is None when not given.
    """

    def __init__(self, risk=None, status=None, group_sets=None, mdm_uuid=None, email=None):
        self.risk = risk
        self.status = status
        # One set of group ids per named group (the group, and its sub-groups unless subgroups=false); a
        # device matches when it is in any set (groups_match=any: one set of all ids) or in each of them.
        self.group_sets = group_sets
        self.mdm_uuid = mdm_uuid
        self.email = email

    def with_status(self, status):
        """The same selection, also checking on every record that its current status is ``status``."""
        return Selection(self.risk, {status} if self.status is None else self.status & {status},
                         self.group_sets, self.mdm_uuid, self.email)

    def with_group(self, group_id):
        """The same selection, also checking on every record that it is assigned to the group ``group_id``."""
        return Selection(self.risk, self.status, list(self.group_sets or []) + [frozenset((group_id,))],
                         self.mdm_uuid, self.email)

    def failed_checks(self, device):
        """The names of the filters a normalised device does not pass (empty: it is selected)."""
        failed = []
        if self.risk is not None and device.get("risk_code") not in self.risk:
            failed.append("risk")
        if self.status is not None and device.get("status_code") not in self.status:
            failed.append("status")
        if self.group_sets is not None:
            ids = set(device.get("group_ids") or ())
            if not all(ids & group_set for group_set in self.group_sets):
                failed.append("groups")
        if self.mdm_uuid is not None and str(device.get("mdm_uuid") or "").lower() != self.mdm_uuid.lower():
            failed.append("mdm_uuid")
        if self.email is not None and email_key(device.get("email")) != email_key(self.email):
            failed.append("email")
        return failed

    def matches(self, device):
        return not self.failed_checks(device)

    def outside_query(self, device):
        """The server-side filters of :meth:`query` a device the service returned does not pass: each one the
        service ignored or misread (an ``all`` match is checked only here, so failing it is not the service's)."""
        failed = [name for name in self.failed_checks(device) if name in ("risk", "status", "mdm_uuid")]
        if self.group_sets is not None and not set(device.get("group_ids") or ()) & set().union(*self.group_sets):
            failed.append("groups")
        return failed

    def query(self):
        """The server-side filters (``FILTERS``): an MDM id is sent, and an empty answer is checked against the
        whole list (see :meth:`Tenant.devices`)."""
        query = {}
        if self.risk is not None:
            query[FILTERS["risk"]] = ",".join(str(code) for code in sorted(self.risk))
        if self.status is not None:
            query[FILTERS["status"]] = ",".join(str(code) for code in sorted(self.status))
        if self.group_sets is not None:
            query[FILTERS["groups"]] = ",".join(str(i) for i in sorted(set().union(*self.group_sets)))
        if self.mdm_uuid is not None:
            query[FILTERS["mdm_uuid"]] = self.mdm_uuid
        return query


def group_query(group_id):
    """The filter that asks for one group's devices (membership, probes); its answer is never trusted alone."""
    return {FILTERS["groups"]: str(group_id)}


# Call 5's two readings (docs/api-notes.md, "Call 5 - two readings"): a device is returned for a window when it
# changed into the status inside it (``entered``: a status-history row's time), or when it was in the status at
# any time in it (``in_status``); ``unknown`` when the service's answers have not told which.
ENTERED, IN_STATUS, UNKNOWN_READING = "entered", "in_status", "unknown"
STATUS_READINGS = (ENTERED, IN_STATUS, UNKNOWN_READING)


def reading_of(sample, around_now, still_in_status, before_now):
    """(reading, fresh): which reading call 5's answers fit, from device ids only (pure).

    ``sample``: devices read in a status just now. ``around_now``: those of them call 5 returned for that status
    in a short window around now. ``still_in_status``: the ones call 5 left out that a read of the record shows
    still in the status. ``before_now``: those returned for the status in a window ending just before the short
    one (None when not asked). A device in the status before and after the call-5 read yet left out of a window
    around now cannot be under ``in_status``: ``entered``. Every device returned around now, and some also
    before it, cannot be under ``entered`` (a device would have changed into the status twice within the hour):
    ``in_status``. Every device returned around now and none before: they all changed into the status within the
    short window, whichever the reading (``fresh``, the ids: their wait is shorter than the window either way).
    Anything else fits neither: ``unknown``."""
    sample, around_now = set(sample), set(around_now)
    if not sample:
        return UNKNOWN_READING, set()
    if set(still_in_status) & (sample - around_now):
        return ENTERED, set()
    if sample <= around_now and before_now is not None:
        if set(before_now) & sample:
            return IN_STATUS, set()
        return UNKNOWN_READING, sample
    return UNKNOWN_READING, set()


class StatusWindow:
    """Devices that had one status in [start, end) (call 5), under either reading (:data:`STATUS_READINGS`).
    Records carry no status history, so the window cannot be checked on them: whether the service applies its
    bounds and its status is tested with two probes instead (:meth:`probes`); a service shown to ignore the
    status gets every record checked for that status now (:meth:`Selection.with_status`)."""

    def __init__(self, status, start, end):
        self.status, self.start, self.end = status, start, end

    def query(self, start=None, end=None, status=None):
        start = self.start if start is None else start
        end = self.end if end is None else end
        query = {WINDOW_FILTERS["status"]: str(self.status if status is None else status)}
        for names, moment in ((WINDOW_FILTERS["from"], start), (WINDOW_FILTERS["to"], end)):
            if moment is not None:
                for name in names:
                    query[name] = times.epoch_ms(moment)
        return query

    def probes(self):
        """{what a non-empty answer shows the service ignored: query}."""
        return {"bounds": self.query(*_BEFORE_ANY_DEVICE), "status": self.query(status=_NO_SUCH_STATUS)}


def record_id(raw):
    """The device id of a raw record (``internal_id``, or ``id`` in some answers), as a string."""
    value = raw.get("internal_id", raw.get("id"))
    return str(value) if value is not None else None


def normalise(raw):
    """The device as modules return it: the API's fields plus ids, group names and decoded codes."""
    # Records from some tenants lack groups; Tenant.normalised fills them in before this.
    groups = raw.get("groups") or []
    if isinstance(groups, dict):
        groups = [groups]
    group_list = [g for g in groups if isinstance(g, dict)]
    status_code, status_name = codes.describe(raw.get("status"), codes.STATUS_NAMES)
    risk_code, risk_name = codes.describe(raw.get("risk"), codes.RISK_NAMES)
    mdm = raw.get("mdm") if isinstance(raw.get("mdm"), dict) else {}
    return {
        "id": record_id(raw),
        "name": raw.get("name"),
        "email": raw.get("email"),
        "number": raw.get("number") or None,
        "groups": sorted(str(g.get("name")) for g in group_list),
        "group_ids": sorted(int(g["id"]) for g in group_list if str(g.get("id", "")).isdigit()),
        "status_code": status_code,
        "status_name": status_name,
        "risk_code": risk_code,
        "risk_name": risk_name,
        "mdm_uuid": mdm.get("uuid"),
        "os_type": raw.get("os_type") or None,
        "os_version": raw.get("os_version") or None,
        "model": raw.get("model") or None,
        "device_type": raw.get("device_type") or None,
        "client_version": raw.get("client_version") or None,
        "last_connection": raw.get("last_connection"),
        "mail_sent": raw.get("mail_sent"),
    }


# Every field of a returned device, in the order normalise() gives them (hm_device_info's ``fields``).
FIELDS = tuple(normalise({}))


def select_fields(records, fields):
    """The records with only ``fields`` (all of them when ``fields`` is None)."""
    if fields is None:
        return records
    return [{field: record.get(field) for field in fields} for record in records]


def drift(wanted, current):
    """Fields where the found device differs from what is asked; unasked fields never drift."""
    fields = []
    if wanted.get("name") is not None and wanted["name"] != current.get("name"):
        fields.append("name")
    if wanted.get("number") is not None and (wanted["number"] or None) != (current.get("number") or None):
        fields.append("number")
    if wanted.get("groups") is not None and sorted(wanted["groups"]) != sorted(current.get("groups") or []):
        fields.append("groups")
    return fields


def select(found, email, name, additional=False):
    """The device a task means among one user's ``found`` devices (None: add one), by the identity rule.

    One device: that one, whatever its name (a different name is drift). Several: the one with this name.
    None of several has it: a further device only when ``additional``; otherwise refused, never guessed.
    """
    named = [d for d in found if name is not None and d["name"] == name]
    if named:
        return named[0]
    if additional or not found:
        return None
    if len(found) == 1:
        return found[0]
    raise UserError("name: %s already has %d devices (%s) and none is named %r; set additional_device: true to "
                    "add another, or give the name of the one you mean" % (
                        email, len(found), ", ".join("%s (id %s)" % (d["name"], d["id"]) for d in found), name))


def keep_unasked(wanted, current):
    """For a recreate: the fields the caller left out keep the existing device's values."""
    merged = dict(wanted)
    if merged.get("number") is None:
        merged["number"] = current.get("number")
    if merged.get("groups") is None and current.get("groups"):
        merged["groups"] = list(current["groups"])
    return merged


def email_key(email):
    """What makes two e-mails the same user's: the identity rule (case and surrounding spaces do not count)."""
    return (email or "").strip().lower()


def same_user(email, other):
    """Whether two e-mails are one user's, by the identity rule."""
    return email_key(email) == email_key(other)


def by_user(found):
    """{email_key: [devices]}: a tenant's devices grouped by user, by the identity rule."""
    users = {}
    for device in found:
        users.setdefault(email_key(device["email"]), []).append(device)
    return users


def mapped_by_email(found, mapping, field):
    """{mapped: [{email, device_id, target}], unmapped: [emails]}: each device paired with the value ``mapping``
    (e-mail -> anything) gives its user by the identity rule. Keys that are one user's with different values
    are refused, naming ``field``: which one is meant cannot be known."""
    targets = {}
    for key, target in mapping.items():
        identity = email_key(str(key))
        if identity in targets and targets[identity][1] != target:
            raise UserError("%s: %r and %r are the same user's e-mail (case does not count) with different targets"
                            % (field, targets[identity][0], key))
        targets[identity] = (key, target)
    mapped, unmapped = [], set()
    for device in found:
        email = device.get("email")
        if email_key(email) in targets:
            mapped.append({"email": email, "device_id": device.get("id"), "target": targets[email_key(email)][1]})
        else:
            unmapped.add(email)
    return {"mapped": mapped, "unmapped": sorted(unmapped, key=str)}


def identity_mismatches(device, name=None, email=None):
    """What a task gave beside a device id that the device is not: [(option, given, the device's)]. The e-mail
    by the identity rule, the name exactly (a delete takes only a device with exactly that name)."""
    found = []
    if name is not None and device.get("name") != name:
        found.append(("name", name, device.get("name")))
    if email is not None and not same_user(device.get("email"), email):
        found.append(("email", email, device.get("email")))
    return found


def check_identity(device, name=None, email=None, outcome="nothing was changed", verb="act on"):
    """Refuse a name or e-mail given beside ``device_id`` that is not the device's (:func:`identity_mismatches`),
    naming each option, the value given and the device's own; ``outcome`` says what did not happen, ``verb`` what
    leaving the option out would do."""
    mismatches = identity_mismatches(device, name, email)
    if mismatches:
        options_given = " and ".join(option for option, _given, _actual in mismatches)
        raise UserError("device_id: device %s does not match the %s given beside it; %s (%s). Correct device_id, or "
                        "leave out %s to %s device %s whoever's it is" % (
                            device["id"], options_given, outcome,
                            "; ".join("%s given %r, device %s has %r" % (option, given, device["id"], actual)
                                      for option, given, actual in mismatches),
                            options_given, verb, device["id"]))
