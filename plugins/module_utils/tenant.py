# -*- coding: utf-8 -*-
# Copyright: (c) 2026, secops.mobile_security contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""One Harmony Mobile tenant as the collection sees it: the layer between modules and the raw API.

Modules, the inventory plugin and the EDA source ask a :class:`Tenant` for devices and groups; it returns
normalised devices (groups filled in) and owns what a selection is. A selection is always checked here on
every record the service returns: a server-side filter is only an optimisation, so a service that ignores,
misreads or partly applies a filter can never widen what a task acts on (docs/api-notes.md, "Device
filters"). Filter names of the API appear nowhere else.
"""

import datetime
import threading
from concurrent.futures import ThreadPoolExecutor

from ansible_collections.secops.mobile_security.plugins.module_utils import alerts as alert_shapes
from ansible_collections.secops.mobile_security.plugins.module_utils import codes, devices, log_entries, times
from ansible_collections.secops.mobile_security.plugins.module_utils.errors import ApiError, UserError
from ansible_collections.secops.mobile_security.plugins.module_utils.paging import as_int
from ansible_collections.secops.mobile_security.plugins.module_utils.group_tree import GroupTree
from ansible_collections.secops.mobile_security.plugins.module_utils.validation import validate_email, validate_mdm_uuid

GROUPS_MATCH = ("any", "all")
# The one place that knows the API's name for each filter a Selection sends (query) and warns about.
SENT_AS = {"risk": "risk_in", "status": "status_in", "groups": "groups__in", "mdm_uuid": "mdm__uuid"}
# Counts read side by side before a group delete (one small page each).
COUNT_CONCURRENCY = 8
# A window long before any device existed: a service that returns devices for it ignored the window.
_BEFORE_ANY_DEVICE = (times.parse("1970-01-01T00:00:00Z"), times.parse("1970-01-01T00:00:01Z"))


class Selection:
    """Which devices a task means, checked and in codes; ``matches`` is the client-side check of every record.

    Built from options by :meth:`Tenant.selection`; each filter is None when not given.
    """

    def __init__(self, risk=None, status=None, group_sets=None, mdm_uuid=None, email=None, labels=None):
        self.risk = risk
        self.status = status
        # One set of group ids per named group (the group, and its sub-groups unless subgroups=false); a
        # device matches when it is in any set (groups_match=any: one set of all ids) or in each of them.
        self.group_sets = group_sets
        self.mdm_uuid = mdm_uuid
        self.email = email
        self.labels = labels or {}

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
        if self.email is not None and devices.email_key(device.get("email")) != devices.email_key(self.email):
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
        """The server-side filters: only spellings that can narrow the list no further than the selection.

        ``risk_in``/``status_in`` are the guide's names with the guide's codes: a service honours them or
        ignores them, both safe. The Tastypie spellings (``risk__in``) are not sent: whether they take codes
        or names is unknown, and the wrong vocabulary would silently return too few. Groups go as one
        ``groups__in`` of every id (a superset of an ``all`` match); ``groups__exact``'s reading is unknown.
        E-mail is never sent (matching may be case-sensitive); an MDM id is, and an empty answer is checked
        against the whole list (see :meth:`Tenant.devices`).
        """
        query = {}
        if self.risk is not None:
            query[SENT_AS["risk"]] = ",".join(str(code) for code in sorted(self.risk))
        if self.status is not None:
            query[SENT_AS["status"]] = ",".join(str(code) for code in sorted(self.status))
        if self.group_sets is not None:
            query[SENT_AS["groups"]] = ",".join(str(i) for i in sorted(set().union(*self.group_sets)))
        if self.mdm_uuid is not None:
            query[SENT_AS["mdm_uuid"]] = self.mdm_uuid
        return query


class StatusWindow:
    """Devices that had one status at some time in [start, end] (call 5). Records carry no status history, so
    the window cannot be checked on them; whether the service applied it is tested with a probe instead."""

    def __init__(self, status, start, end):
        self.status, self.start, self.end = status, start, end

    def query(self, start=None, end=None):
        start = self.start if start is None else start
        end = self.end if end is None else end
        query = {"status": str(self.status)}
        # Both spellings of each bound, with the same value: a service reads the one it knows, and either
        # reading means the same window, so neither can return fewer devices than the window holds.
        for names, moment in ((("time_gte", "time__gte"), start), (("time_lte", "time__lte"), end)):
            if moment is not None:
                for name in names:
                    query[name] = times.epoch_ms(moment)
        return query


class Tenant:
    """Devices and groups of one tenant through a :class:`HarmonyMobileClient`.

    ``warn`` receives one message per filter the service did not apply (the module's warn).
    """

    def __init__(self, client, warn=None):
        self.client = client
        self.warn = warn or (lambda message: None)
        self._groups = None
        self._membership = None
        # Pages are normalised in the threads that fetch them: the first page without groups reads membership
        # for all of them.
        self._membership_lock = threading.Lock()
        self._warned = set()

    # ---- groups ------------------------------------------------------------------------------------
    def groups(self, refresh=False):
        """The tenant's groups as the API sends them, read once per task unless ``refresh``."""
        if self._groups is None or refresh:
            self._groups = self.client.list_groups()
        return self._groups

    def group_tree(self, refresh=False):
        return GroupTree(self.groups(refresh))

    def device_counts(self, groups):
        """{group name: devices in it} for ``groups`` (dicts with ``id`` and ``name``), read side by side.

        The count comes from the service's ``groups__in`` answer: one that ignored the filter would count too
        many, which only makes a delete guard refuse, never let through."""
        groups = list(groups)

        def count(group):
            return self.client.device_count({"groups__in": str(group["id"])})

        if len(groups) <= 1:
            return dict((g["name"], count(g)) for g in groups)
        with ThreadPoolExecutor(max_workers=min(COUNT_CONCURRENCY, len(groups))) as pool:
            return dict(zip([g["name"] for g in groups], pool.map(count, groups)))

    def selection(self, risk=None, status=None, groups=None, groups_match="any", subgroups=True, mdm_uuid=None,
                  email=None, field_prefix=""):
        """A checked :class:`Selection` from option values; bad values are refused naming the option."""
        def name(option):
            return field_prefix + option

        if groups_match not in GROUPS_MATCH:
            raise UserError("%s: %r is not one of %s" % (name("groups_match"), groups_match, ", ".join(GROUPS_MATCH)))
        risk_codes = set(codes.risk_code(v, name("risk")) for v in risk) if risk else None
        status_codes = set(codes.status_code(v, name("status")) for v in status) if status else None
        group_sets = None
        if groups:
            tree = self.group_tree()
            sets = []
            for reference in groups:
                group = tree.resolve(reference, name("groups"))
                sets.append(frozenset(tree.subtree_ids(group["id"]) if subgroups else (group["id"],)))
            group_sets = sets if groups_match == "all" else [frozenset().union(*sets)]
        return Selection(
            risk=risk_codes, status=status_codes, group_sets=group_sets,
            mdm_uuid=validate_mdm_uuid(mdm_uuid, name("mdm_uuid")) if mdm_uuid is not None else None,
            email=validate_email(email, name("email")) if email is not None else None)

    def status_window(self, status, start, end, field="status_during"):
        code = codes.status_code(status, field + ".status")
        start, end = times.window(start, end, field + ".from", field + ".to")
        if start is None and end is None:
            raise UserError("%s: give from, to or both" % field)
        return StatusWindow(code, start, end)

    # ---- devices -----------------------------------------------------------------------------------
    def normalised(self, raw_records):
        """Normalised devices, with groups filled in for records that came without them."""
        records = [r for r in raw_records if isinstance(r, dict)]
        if any("groups" not in r for r in records):
            members = self._members()
            records = [r if "groups" in r else dict(r, groups=members.get(devices.record_id(r), [])) for r in records]
        return [devices.normalise(r) for r in records]

    def _members(self):
        """Device id -> group references, for tenants whose records lack ``groups`` (field notes): one
        ``groups__in`` list per group, read once per task."""
        with self._membership_lock:
            if isinstance(self._membership, Exception):
                # Every page waiting here would otherwise read the whole membership again.
                raise self._membership
            if self._membership is None:
                try:
                    self._membership = self._read_membership()
                except Exception as err:
                    self._membership = err
                    raise
            return self._membership

    def _read_membership(self):
        members = {}
        ids = [as_int(g.get("id", g.get("ID"))) for g in self.groups()]
        unknown = max([i for i in ids if i is not None] + [0]) + 1
        # Membership comes only from the service's groups__in answers: one that ignored the filter would
        # put every device in every group (and widen a purge scope). A group id no group has shows it.
        if list(self.client.list_devices({"groups__in": str(unknown)}, max_items=1)):
            raise ApiError("the service ignored groups__in: it returned devices for group id %d, which does not "
                           "exist. Its device records carry no groups, so group membership cannot be known; "
                           "nothing was changed" % unknown)
        for group in self.groups():
            group_id = group.get("id", group.get("ID"))
            ref = {"id": group_id, "name": group.get("name", group.get("Name"))}
            for record in self.client.list_devices({"groups__in": str(group_id)}):
                members.setdefault(devices.record_id(record), []).append(ref)
        return members

    def device(self, device_id, selection=None):
        """One device by id, or None; with a selection, None unless it matches."""
        raw = self.client.get_device(device_id)
        found = self.normalised([raw] if raw else [])
        if found and found[0]["id"] != str(device_id).strip():
            # Never act on a device the user did not name, whatever the service answered.
            raise ApiError("the service answered device %s when asked for device %s; nothing was changed" % (
                found[0]["id"], device_id))
        if found and (selection is None or selection.matches(found[0])):
            return found[0]
        return None

    def devices(self, selection=None, window=None, limit=None):
        """The devices a selection (and optionally a status window) means, every record checked here.

        Returns ``(devices, window_enforced)``: ``window_enforced`` is None without a window, False when the
        service showed that it ignores status windows (the devices are then those of its answer, unchecked
        against the window, and a warning says so).
        """
        selection = selection or Selection()
        query = selection.query()
        window_enforced = None
        if window is not None:
            query.update(window.query())
            window_enforced = self._window_applied(window, selection)
        found = self._read_selected(query, selection, limit)
        if not found and selection.mdm_uuid is not None:
            # mdm__uuid may match case-sensitively: a "none" is checked against the whole list.
            found = self._read_selected(dict((k, v) for k, v in query.items() if k != "mdm__uuid"), selection, limit)
        return found, window_enforced

    def _read_selected(self, query, selection, limit):
        selected, excluded_by = [], set()
        for device in self.client.list_devices(query, page_map=self.normalised):
            if not selection.matches(device):
                excluded_by.update(selection.outside_query(device))
                continue
            selected.append(device)
            if limit is not None and len(selected) >= limit:
                break
        for option in sorted(option for option in excluded_by if SENT_AS.get(option) in query):
            self._warn_once("the service ignored %s (or did not fully apply it): it returned devices outside %s; "
                            "they were filtered out here" % (SENT_AS[option], option))
        return selected

    def _window_applied(self, window, selection):
        """Whether the service applies status windows: it must return nothing for one before any device."""
        probe = dict(selection.query(), **window.query(*_BEFORE_ANY_DEVICE))
        if not list(self.client.list_devices(probe, max_items=1)):
            return True
        self._warn_once("the service ignored the time window of status_during (time_gte/time_lte and "
                        "time__gte/time__lte): it returned devices for a window in 1970; the devices returned "
                        "had status %s at some time, not necessarily in the window (window_enforced: false)"
                        % codes.STATUS_NAMES.get(window.status, window.status))
        return False

    def devices_of(self, email, listing=None):
        """Every device of one user, whatever the case of the stored e-mail (the identity rule).

        Reads the whole list, or takes ``listing`` (raw records the caller already read): the guide has no
        e-mail filter, and call 9's match may be case-sensitive (docs/api-notes.md).
        """
        wanted = devices.email_key(email)
        records = self.client.list_devices() if listing is None else listing
        return self.normalised([r for r in records if isinstance(r, dict) and devices.email_key(r.get("email")) == wanted])

    def user_devices(self, email):
        """(how many devices the tenant holds, every device of one user): one read of the list serves both (the
        count tells a later check for copies whether anyone else added devices meanwhile)."""
        records = list(self.client.list_devices())
        return len(records), self.devices_of(email, records)

    def snapshot(self):
        """(groups, every device normalised), the two lists read side by side: on a distant gateway the group
        read would otherwise add a round trip before the device pages start."""
        with ThreadPoolExecutor(max_workers=1) as pool:
            pending = pool.submit(lambda: list(self.client.list_devices()))
            groups = self.groups()
            return groups, self.all_devices(pending.result())

    def all_devices(self, listing=None):
        """Every device of the tenant, normalised (``listing``: raw records the caller already read)."""
        if listing is None:
            return list(self.client.list_devices(page_map=self.normalised))
        return self.normalised(listing)

    # ---- alerts and audits (calls 13, 19) ----------------------------------------------------------
    def alerts(self, since_id=None, before_id=None, severity=None, updated_from=None, updated_to=None, limit=None):
        """(alerts oldest first, normalised; cursor to store). Bounds are datetimes (times.bound); the window
        and id bounds are sent and checked again on each alert, severities only here (any vocabulary)."""
        if updated_from and updated_to and updated_from > updated_to:
            raise UserError("updated_from: %s is after updated_to %s" % (times.iso_utc(updated_from),
                                                                         times.iso_utc(updated_to)))
        keep = alert_shapes.all_of(alert_shapes.severity_matcher(severity),
                                   alert_shapes.window_matcher(updated_from, updated_to))
        entries, newest = log_entries.read(self.client, "alert", alert_shapes.window_filters(updated_from, updated_to),
                                           since_id, limit, keep, before_id)
        return [alert_shapes.normalise(entry) for entry in entries], newest

    def audits(self, since_id=None, start=None, end=None, module=None, limit=None):
        """(audit entries oldest first; cursor to store). ``start`` is sent as the guide's ``time__gt`` (one
        second earlier: at or after); the window and the module (any case, never sent: the service's match
        may be case-sensitive) are checked on each entry."""
        filters = {}
        if start is not None:
            filters["time__gt"] = times.guide_text(start - datetime.timedelta(seconds=1))
        wanted = module.lower() if module is not None else None

        def keep(entry):
            if wanted is not None and str(entry.get("module") or "").strip().lower() != wanted:
                return False
            return (start is None and end is None) or times.within(times.parse(entry.get("time")), start, end)

        return log_entries.read(self.client, "audit", filters, since_id, limit, keep)

    def _warn_once(self, message):
        if message not in self._warned:
            self._warned.add(message)
            self.warn(message)
