# -*- coding: utf-8 -*-
# Copyright: (c) 2026, secops.mobile_security contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""One Harmony Mobile tenant's devices and groups as the collection reads them.

Modules, the inventory plugin and the EDA source ask a :class:`Tenant` for devices and groups; it returns
normalised devices (groups filled in) and checks every record the service returns against the selection
(``devices.Selection``): a server-side filter is only an optimisation. What the filters are called and how a
record is matched is the devices resource's (``devices.py``); reading them page by page is the client's.
"""

import datetime
import threading
from concurrent.futures import ThreadPoolExecutor

from ansible_collections.secops.mobile_security.plugins.module_utils import codes, devices, times
from ansible_collections.secops.mobile_security.plugins.module_utils.devices import GROUPS_MATCH, Selection, StatusWindow
from ansible_collections.secops.mobile_security.plugins.module_utils.errors import ApiError, UserError
from ansible_collections.secops.mobile_security.plugins.module_utils.paging import as_int
from ansible_collections.secops.mobile_security.plugins.module_utils.group_tree import GroupTree
from ansible_collections.secops.mobile_security.plugins.module_utils.validation import validate_email, validate_mdm_uuid

# The call-5 window that ends at a cutoff: its width does not matter (the status in it, and no other status
# after it, means the status without a break since the cutoff); one hour is simply narrow.
HELD_WINDOW = datetime.timedelta(hours=1)


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
        self._warned_lock = threading.Lock()

    # ---- groups ------------------------------------------------------------------------------------
    def groups(self, refresh=False):
        """The tenant's groups as the API sends them, read once per task unless ``refresh``."""
        if self._groups is None or refresh:
            self._groups = self.client.list_groups()
        return self._groups

    def group_tree(self, refresh=False):
        return GroupTree(self.groups(refresh))

    def device_counts(self, groups):
        """{group name: devices assigned to it} for ``groups`` (dicts with ``id`` and ``name``), counted on the
        tenant's records, each read and checked here (membership filled in where records lack it).

        Never from the service's ``total_count``: a count that is too low would let a group that holds devices
        be deleted. The read asks for the groups' devices only (one group filter of every id, which cannot
        return too few) and checks each record's groups, so a service that ignores the filter costs time, not
        a wrong count."""
        ids = {as_int(g["id"]) for g in groups}
        held = dict.fromkeys(ids, 0)
        if ids:
            for device in self.devices(Selection(group_sets=[frozenset(ids)]))[0]:
                for group_id in set(device.get("group_ids") or ()) & ids:
                    held[group_id] += 1
        return {g["name"]: held[as_int(g["id"])] for g in groups}

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
        """Membership from the service's answers to one group query per group. A service that ignored the
        filter would put every device in every group (and widen a purge scope): a group id no group has shows
        it. One that counts sub-groups in a group's answer would put a device in every group above its own: a
        device is a member only of the deepest groups whose answers list it, never of their ancestors."""
        members = {}
        tree = self.group_tree()
        unknown = max(list(tree.by_id) + [0]) + 1
        if list(self.client.list_devices(devices.group_query(unknown), max_items=1)):
            raise ApiError("the service ignored %s: it returned devices for group id %d, which does not exist. Its "
                           "device records carry no groups, so group membership cannot be known; nothing was changed"
                           % (devices.FILTERS["groups"], unknown))
        for group_id, group in tree.by_id.items():
            for record in self.client.list_devices(devices.group_query(group_id)):
                members.setdefault(devices.record_id(record), set()).add(group_id)
        refs = {}
        for device_id, listed in members.items():
            above = set().union(*(tree.ancestors(group_id) for group_id in listed))
            if listed & above:
                self._warn_once("the service's group filter answers for a group include the devices of its "
                                "sub-groups; each device counts only in its deepest group here")
            refs[device_id] = [{"id": i, "name": tree.by_id[i]["name"]} for i in sorted(listed - above)]
        return refs

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
        service showed that it ignores the window's bounds or its status (a warning says which). Ignored
        bounds: the devices are those of its answer, unchecked against the window. Ignored status: only devices
        whose current status is the window's are kept. With ``limit``, reading stops once that many matched.
        """
        selection = selection or Selection()
        query = selection.query()
        window_enforced = None
        if window is not None:
            query.update(window.query())
            ignored = self._window_ignores(window, selection)
            window_enforced = not ignored
            if "status" in ignored:
                selection = selection.with_status(window.status)
        found = self._read_selected(query, selection, limit)
        if not found and selection.mdm_uuid is not None:
            # mdm__uuid may match case-sensitively: a "none" is checked against the whole list.
            mdm_filter = devices.FILTERS["mdm_uuid"]
            found = self._read_selected({k: v for k, v in query.items() if k != mdm_filter}, selection, limit)
        return found, window_enforced

    def _read_selected(self, query, selection, limit):
        selected, excluded_by = [], set()
        # A limit reads one page after another, so that reading stops once it is reached.
        for device in self.client.list_devices(query, page_map=self.normalised, sequential=limit is not None):
            if not selection.matches(device):
                excluded_by.update(selection.outside_query(device))
                continue
            selected.append(device)
            if limit is not None and len(selected) >= limit:
                break
        sent = {option: devices.FILTERS[option] for option in excluded_by if devices.FILTERS.get(option) in query}
        for option in sorted(sent):
            self._warn_once("the service ignored %s (or did not fully apply it): it returned devices outside %s; "
                            "they were filtered out here" % (sent[option], option))
        return selected

    def _window_ignores(self, window, selection):
        """What of a status window the service ignores (``bounds``, ``status``), shown by probes that must
        return nothing: the same status in 1970, and a status the guide does not have in the same window."""
        ignored = []
        for what, probe in window.probes().items():
            try:
                answered = list(self.client.list_devices(dict(selection.query(), **probe), max_items=1))
            except ApiError as err:
                if what == "status" and err.status == 400:
                    continue  # a service that refuses an unknown status reads the status
                raise
            if answered:
                ignored.append(what)
        status = codes.STATUS_NAMES.get(window.status, window.status)
        if "bounds" in ignored:
            bounds = " and ".join("/".join(pair) for pair in zip(devices.WINDOW_FILTERS["from"],
                                                                 devices.WINDOW_FILTERS["to"]))
            self._warn_once("the service ignored the time window of status_during (%s): it returned devices for a "
                            "window in 1970; the devices returned had status %s at some time, not necessarily in the "
                            "window (window_enforced: false)" % (bounds, status))
        if "status" in ignored:
            self._warn_once("the service ignored the status of status_during: it returned devices for a status that "
                            "does not exist; only devices whose status is %s now were kept (window_enforced: false)"
                            % status)
        return ignored

    def held_status(self, status, days, now, selection=None):
        """(ids of the devices that have been in ``status`` without a break for more than ``days`` before
        ``now``, whether the service applied every status window). Records carry no time of their last status
        change, so it is read with call 5: the devices that had the status in the hour before the cutoff,
        less those that had any other status since (a device that registered and was notified again has a
        short stretch). ``selection`` narrows the devices (groups, ...)."""
        cutoff = now - datetime.timedelta(days=days)
        selection = selection or Selection()
        reads = [(selection.with_status(status), StatusWindow(status, cutoff - HELD_WINDOW, cutoff))]
        reads += [(selection, StatusWindow(other, cutoff, now)) for other in sorted(set(codes.STATUS_NAMES) - {status})]
        # Side by side: each read's probes and first page wait a round trip that the others need not wait for.
        with ThreadPoolExecutor(max_workers=len(reads)) as pool:
            answers = list(pool.map(lambda read: self.devices(*read), reads))
        ids = {d["id"] for d in answers[0][0]}
        for left, _applied in answers[1:]:
            ids.difference_update(d["id"] for d in left)
        return ids, all(applied for _found, applied in answers)

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

    def _warn_once(self, message):
        # Reads run side by side (held_status) and may see the same thing at once.
        with self._warned_lock:
            if message in self._warned:
                return
            self._warned.add(message)
        self.warn(message)
