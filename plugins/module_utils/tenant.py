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
from ansible_collections.secops.mobile_security.plugins.module_utils.devices import (
    ENTERED, GROUPS_MATCH, IN_STATUS, UNKNOWN_READING, Selection, StatusWindow, reading_of)
from ansible_collections.secops.mobile_security.plugins.module_utils.errors import ApiError, UserError
from ansible_collections.secops.mobile_security.plugins.module_utils.paging import as_int
from ansible_collections.secops.mobile_security.plugins.module_utils.group_tree import GroupTree
from ansible_collections.secops.mobile_security.plugins.module_utils.validation import validate_email, validate_mdm_uuid

# The call-5 window that ends at a cutoff: its width does not matter (the status in it, and no other status
# after it, means the status without a break since the cutoff); one hour is simply narrow.
HELD_WINDOW = datetime.timedelta(hours=1)
# Call 5's reading is told by a window around now: wide enough for a host whose clock is minutes off the
# service's, short enough that few devices changed status inside it.
READING_WINDOW = datetime.timedelta(minutes=10)
# The end of a window that runs until now: a host whose clock is minutes behind the service's still covers now.
CLOCK_SLACK = READING_WINDOW
# Devices read to tell the reading: about a page (a status of many devices is narrowed to one of its groups, so
# the sample stays small; under in_status the check window returns every device of the status in that group).
READING_SAMPLE = 100
# Statuses tried, and devices left out by call 5 read again, before the reading is called unknown.
READING_ATTEMPTS = 2
READING_RECHECKS = 3


class Held:
    """What :meth:`Tenant.held_status` found. ``ids``: the devices in the status without a break for more than
    ``days`` (exact when ``exact``; None when nothing can be said); ``reading``: call 5's reading
    (``devices.STATUS_READINGS``); ``window_enforced``: whether the service applied every window it was asked;
    ``in_status``: the ids of the devices in the status now; ``reason``: why the number is unknown, or why it is
    0 with the reading unknown."""

    def __init__(self, ids, reading, exact, window_enforced, in_status, days, reason=None):
        self.ids, self.reading, self.exact = ids, reading, exact
        self.window_enforced, self.in_status, self.days, self.reason = window_enforced, in_status, days, reason


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
        # Probe answers: reads side by side ask the same probe once. Call 5's reading once told. Whether
        # devices.CHECKED_FILTERS' status spelling may be sent (None: not shown yet; then it is sent only where an
        # answer shows it).
        self._probed = {}
        self._reading = None
        self._status_spelling = None
        # What of call 5's windows the service was shown to apply on a probe that had devices to return (a
        # non-empty sample): the service's way with every window, not probed again.
        self._applies = set()

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

    def _window_ignores(self, window, selection, asked=("bounds", "status")):
        """What of a status window the service ignores (``bounds``, ``status``), shown by probes that must
        return nothing: the same status in 1970, and a status the guide does not have in the same window.
        ``asked``: the probes whose answer matters to the caller."""
        ignored = []
        for what, probe in window.probes().items():
            if what in self._applies or what not in asked:
                continue
            query = dict(selection.query(), **probe)
            # Ignoring the bounds is the service's way with every status: one 1970 probe per selection serves the
            # windows of every status. An ignored status shows only in a window that has devices: each its own.
            key = (what, tuple(sorted(selection.query().items()))) if what == "bounds" else tuple(sorted(query.items()))
            if key not in self._probed:
                try:
                    self._probed[key] = bool(list(self.client.list_devices(query, max_items=1)))
                except ApiError as err:
                    if what == "status" and err.status == 400:
                        self._probed[key] = False  # a service that refuses an unknown status reads the status
                    else:
                        raise
            if self._probed[key]:
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

    def _windowed(self, selection, window, spelled=None, first_page=False, asked=("bounds", "status")):
        """(devices of ``selection`` call 5 returned for ``window``, every record checked against ``selection``,
        what of the window the service ignores). The caller decides what an ignored status means. ``spelled``:
        also send the checked status spelling (default: once shown to return every device); ``first_page``: read
        one page only (for a question that any one device answers); ``asked``: the probes that matter."""
        ignored = self._window_ignores(window, selection, asked)
        query = dict(selection.query(), **window.query())
        if (self._status_spelling if spelled is None else spelled) and selection.status is not None:
            query[devices.CHECKED_FILTERS["status"]] = ",".join(str(code) for code in sorted(selection.status))
        if first_page:
            page = self.normalised(list(self.client.list_devices(query, max_items=READING_SAMPLE)))
            return [d for d in page if selection.matches(d)], ignored
        return self._read_selected(query, selection, None), ignored

    def status_reading(self, status, now, listing, selection=None):
        """(call 5's reading, ids of devices shown to have changed into their status within READING_WINDOW,
        whether the service applied the windows' bounds), told from the service's own answers.

        ``listing``: normalised devices of ``selection`` read just now (their current status and groups). A
        sample of the devices in ``status`` (then in one other status, if that did not tell) is asked for in a
        window around now: under ``in_status`` every one of them comes back; under ``entered`` only those that
        changed into it inside the window (``devices.reading_of`` says what each answer shows). A service that
        ignores the bounds cannot tell it. Once told, the reading holds for the task."""
        if self._reading is not None:
            return self._reading, set(), True
        selection = selection or Selection()
        fresh = set()
        for sample_selection, sample, code in self._reading_samples(status, listing, selection):
            reading, seen_fresh, enforced = self._tell_reading(sample_selection, sample, code, now)
            if not enforced:
                return UNKNOWN_READING, set(), False
            fresh |= seen_fresh
            if reading != UNKNOWN_READING:
                self._reading = reading
                return reading, fresh, True
        return UNKNOWN_READING, fresh, True

    def window_reading(self, window, selection=None, now=None):
        """Call 5's reading (``devices.STATUS_READINGS``) for a status window's answer (hm_device_info's
        ``status_during``), told from the devices of ``selection`` in the window's status now, else from the
        tenant's; ``unknown`` when no device is in it or the answers do not tell. At most 2 * READING_SAMPLE + 1
        devices of the status are read, not all of them: one more than the sample that is told whole, so that a
        larger status is narrowed to one of its groups (``_reading_samples``). Then call 5 is asked for the
        sample's window around now (under in_status it returns every device of the status in that group, however
        many), beside two probes, up to READING_RECHECKS single devices and one page of an earlier window."""
        now = now or datetime.datetime.now(times.UTC)
        selection = selection or Selection()
        narrowing = any(v is not None for v in (selection.risk, selection.status, selection.group_sets,
                                                selection.mdm_uuid, selection.email))
        for scope in [selection] + ([Selection()] if narrowing else []):
            listing = self.devices(scope.with_status(window.status), limit=2 * READING_SAMPLE + 1)[0]
            if listing:
                return self.status_reading(window.status, now, listing, scope)[0]
        return UNKNOWN_READING

    def _reading_samples(self, status, listing, selection):
        """(selection, its devices, status) to tell the reading with: ``status`` first, then the status with the
        most devices; a status of many devices is narrowed to the group whose share is the smallest that is still
        READING_SAMPLE devices (or the largest), so that its read is a page whatever the tenant's size."""
        by_status = {}
        for device in listing:
            if selection.matches(device) and device.get("status_code") in codes.STATUS_NAMES:
                by_status.setdefault(device["status_code"], []).append(device)
        order = ([status] if status in by_status else []) + sorted(
            (s for s in by_status if s != status), key=lambda s: (-len(by_status[s]), s))
        for code in order[:READING_ATTEMPTS]:
            members, narrowed = by_status[code], selection.with_status(code)
            if len(members) <= 2 * READING_SAMPLE:
                yield narrowed, members, code
                continue
            per_group = {}
            for device in members:
                for group_id in device.get("group_ids") or ():
                    per_group[group_id] = per_group.get(group_id, 0) + 1
            if not per_group:
                yield narrowed, members, code
                continue
            large = [g for g, n in per_group.items() if n >= READING_SAMPLE]
            group_id = min(large, key=lambda g: (per_group[g], g)) if large else max(
                per_group, key=lambda g: (per_group[g], -g))
            yield narrowed.with_group(group_id), [d for d in members if group_id in (d.get("group_ids") or ())], code

    def _tell_reading(self, sample_selection, sample, code, now):
        around = StatusWindow(code, now - READING_WINDOW, now + READING_WINDOW)
        spelled = self._status_spelling is not False
        found, ignored = self._windowed(sample_selection, around, spelled)
        if "bounds" in ignored:
            return UNKNOWN_READING, set(), False
        # The sample is in the status now, so a service ignoring the bounds would have answered the 1970 probe.
        self._applies.add("bounds")
        sample_ids = {d["id"] for d in sample}
        around_ids = {d["id"] for d in found}
        if spelled and self._status_spelling is None:
            if sample_ids <= around_ids:
                # The checked spelling returned every device of the sample in its status: it reads codes.
                self._status_spelling = True
            else:
                # Left out by the service's window, or by a status spelling it reads otherwise: asked again
                # without it, and never sent again if that returns more.
                found = self._windowed(sample_selection, around, False)[0]
                unspelled = {d["id"] for d in found}
                if unspelled - around_ids:
                    self._status_spelling = False
                elif unspelled:
                    self._status_spelling = True  # the same devices either way; two empty answers show nothing
                around_ids = unspelled
        left_out = sorted(sample_ids - around_ids, key=str)[:READING_RECHECKS]
        still, before = set(), None
        if left_out:
            with ThreadPoolExecutor(max_workers=len(left_out)) as pool:
                again = list(pool.map(lambda device_id: self.device(device_id, sample_selection), left_out))
            still = {d["id"] for d in again if d is not None}
        elif "status" not in ignored:
            # Every device came back: only an earlier window tells "in the status" from "all changed just now"
            # (with the status ignored, any status in it would count). Any one device answers: one page.
            earlier = StatusWindow(code, now - READING_WINDOW - HELD_WINDOW, now - READING_WINDOW)
            before_found, before_ignored = self._windowed(sample_selection, earlier, first_page=True)
            if "status" not in before_ignored:
                before = {d["id"] for d in before_found}
        reading, fresh = reading_of(sample_ids, around_ids, still, before)
        if reading == IN_STATUS and "status" not in ignored:
            # Under in_status every device is in some status around now: one ignoring the status would have
            # answered the probe of a status that does not exist.
            self._applies.add("status")
        return reading, fresh, True

    def window_devices(self, selection, window, now, listing, asked=("bounds", "status")):
        """(devices of ``selection`` call 5 returns for ``window``, every record checked; whether the service
        applied the window), read as :meth:`held_status` reads its windows: with the status spelling the service
        was shown to apply (``devices.CHECKED_FILTERS``: a Tastypie service applies it where it ignores
        ``FILTERS``' status name). Not shown yet, it is shown first, from ``listing`` (the normalised devices of
        ``selection``'s scope read just now) as :meth:`status_reading` shows it. A service that ignores the
        window's status: only devices whose status is the window's now are kept, and the window is not applied.
        ``asked``: the probes whose answer matters (a caller for whom devices of any status are a superset it can
        use leaves out ``status``, and an ignored status then goes unseen)."""
        if self._status_spelling is None and listing:
            self.status_reading(window.status, now, listing)
        if self._status_spelling is None and listing and selection.status is not None:
            # Answers of call 5 that were empty either way showed nothing: a read without a window shows it.
            self._show_spelling(listing, selection)
        found, ignored = self._windowed(selection, window, asked=asked)
        if "status" in ignored:
            found = [d for d in found if d.get("status_code") == window.status]
        return found, not ignored

    def _show_spelling(self, listing, selection):
        """Whether the checked status spelling may be sent, from a sample of ``listing`` in one of ``selection``'s
        statuses (a page or two, as ``_reading_samples`` narrows it) asked for with that spelling alone: trusted
        only when it returns every device of the sample (one that reads names, or a part, returns fewer)."""
        for sample_selection, sample, code in self._reading_samples(min(selection.status), listing, selection):
            query = dict(sample_selection.query(), **{devices.CHECKED_FILTERS["status"]: str(code)})
            found = {d["id"] for d in self._read_selected(query, sample_selection, None)}
            self._status_spelling = {d["id"] for d in sample} <= found
            return

    def held_status(self, status, days, now, selection=None, listing=None):
        """How long devices have been in ``status``: a :class:`Held`, exact or saying why not.

        Records carry no time of their last status change, so it is read with call 5, under the reading the
        service's answers show (:meth:`status_reading`). ``entered``: the devices in the status now less those
        that changed into it since the cutoff. ``in_status``: those in the status in the hour before the cutoff
        less those with any other status since (a device that registered and was notified again has a short
        stretch). Every read is narrowed to the devices in the status now, each record checked. No device in the
        status: exactly none has waited, whatever the reading. ``listing``: the normalised devices of
        ``selection`` the caller read just now (else the devices in the status are read here)."""
        selection = selection or Selection()
        narrowed = selection.with_status(status)
        if listing is None:
            listing = self.devices(narrowed)[0]
        in_status = {d["id"] for d in listing if d.get("status_code") == status and selection.matches(d)}
        name = codes.STATUS_NAMES.get(status, status)
        if not in_status:
            return Held(set(), UNKNOWN_READING, True, True, in_status, days,
                        "no device is in %s now, so none has waited, whatever call 5's reading" % name)
        reading, fresh, enforced = self.status_reading(status, now, listing, selection)
        if reading == UNKNOWN_READING:
            if enforced and in_status <= fresh:
                return Held(set(), UNKNOWN_READING, True, True, in_status, days,
                            "every device in %s changed into it within the last %d minutes, whatever call 5's "
                            "reading" % (name, READING_WINDOW.total_seconds() // 60))
            return Held(None, UNKNOWN_READING, False, enforced, in_status, days,
                        "the service ignored call 5's time window" if not enforced else
                        "call 5's answers fit neither reading (a device changed status while they were read, or "
                        "the service answers in a way the guide does not describe)")
        if self._status_spelling is None:
            # The reading's answers did not show whether the checked status spelling is applied (two empty
            # answers): a windowless read of a sample shows it, so that a Tastypie service's windows are narrowed
            # to the devices in the status now (and it is not warned about status_in, which it ignores).
            self._show_spelling(listing, narrowed)
        cutoff = now - datetime.timedelta(days=days)
        since = (cutoff, now + CLOCK_SLACK)
        if reading == ENTERED:
            windows = [StatusWindow(status, *since)]
        else:
            windows = [StatusWindow(status, cutoff - HELD_WINDOW, cutoff)]
            windows += [StatusWindow(other, *since) for other in sorted(set(codes.STATUS_NAMES) - {status})]
        # Side by side: each read's probes and first page wait a round trip that the others need not wait for.
        with ThreadPoolExecutor(max_workers=len(windows)) as pool:
            answers = list(pool.map(lambda window: self._windowed(narrowed, window), windows))
        returned = [{d["id"] for d in found} for found, _ignored in answers]
        ignored = set().union(*(set(i) for _found, i in answers))
        if reading == ENTERED:
            # A device in the status now changed into it since the cutoff exactly when it has a row into it since
            # then, whatever other status the service also counted: an ignored status costs nothing.
            ids, exact = in_status - returned[0], "bounds" not in ignored
        else:
            ids, exact = (in_status & returned[0]) - set().union(*returned[1:]), not ignored
        reason = None if exact else "the service ignored the %s of call 5's window" % (
            "time bounds" if "bounds" in ignored else "status")
        return Held(ids if exact else None, reading, exact, not ignored, in_status, days, reason)

    def held_longer(self, status, held, steps, now, selection=None):
        """{days: ids of the devices of ``held`` (a :class:`Held` of ``status``) in the status without a break for
        more than that many days} for each of ``steps`` (longer than ``held.days``) that call 5 tells exactly;
        none when ``held`` is not exact.

        Only the stretch before ``held``'s own cutoff is read (``held`` vouches for the time since), every read
        narrowed to the devices in the status now and every record checked, as :meth:`held_status` reads.
        ``entered``: ``held``'s devices less those with a change into the status between the cutoffs (one window
        between each cutoff and the next). ``in_status``: those in the status in the hour before a cutoff less
        those with any other status since it. The other statuses are asked over the whole stretch first; only
        when one of ``held``'s devices had one there is each cutoff asked on its own."""
        steps = sorted(days for days in steps if days > held.days)
        if not held.exact or not steps:
            return {}
        if not held.ids or held.reading not in (ENTERED, IN_STATUS):
            # None held past the shorter wait (with the reading unknown: none is in the status now, or every one
            # changed into it just now): none past a longer one.
            return {days: set() for days in steps}
        narrowed = (selection or Selection()).with_status(status)
        cutoffs = [now - datetime.timedelta(days=days) for days in [held.days] + steps]
        others = sorted(set(codes.STATUS_NAMES) - {status})
        if held.reading == ENTERED:
            windows = [StatusWindow(status, earlier, later) for later, earlier in zip(cutoffs, cutoffs[1:])]
        else:
            windows = [StatusWindow(status, cutoff - HELD_WINDOW, cutoff) for cutoff in cutoffs[1:]]
            windows += [StatusWindow(other, cutoffs[-1], cutoffs[0]) for other in others]
        # Under entered an ignored status costs nothing (see held_status): only the bounds are probed.
        returned, ignored = self._windows(narrowed, windows, ("bounds",) if held.reading == ENTERED else None)
        if held.reading == ENTERED:
            if "bounds" in ignored:
                return {}
            found, passed = {}, set(held.ids)
            for days, entered in zip(steps, returned):
                passed -= entered
                found[days] = set(passed)
            return found
        if ignored:
            return {}
        before, touched = returned[:len(steps)], held.ids & set().union(*returned[len(steps):])
        since = [touched] * len(steps)
        # Some had another status in the stretch: when, is asked per cutoff (the longest is the stretch) where one
        # of them was in the status at the cutoff (else it did not pass it anyway), of the statuses they had in
        # the stretch only (one none of them had over it has none in a part of it).
        asked = [i for i in range(len(steps) - 1) if touched & before[i]]
        if asked:
            had = [other for other, ids in zip(others, returned[len(steps):]) if ids & held.ids]
            windows = [StatusWindow(other, cutoffs[i + 1], cutoffs[0]) for i in asked for other in had]
            answers, ignored = self._windows(narrowed, windows)
            if ignored:
                return {}
            for n, i in enumerate(asked):
                since[i] = set().union(*answers[n * len(had):(n + 1) * len(had)])
        found, passed = {}, set(held.ids)
        for days, in_then, other in zip(steps, before, since):
            passed = (passed & in_then) - other
            found[days] = set(passed)
        return found

    def _windows(self, selection, windows, asked=None):
        """([ids call 5 returned for each window], what of them the service ignored), read side by side."""
        asked = asked or ("bounds", "status")
        with ThreadPoolExecutor(max_workers=len(windows)) as pool:
            answers = list(pool.map(lambda window: self._windowed(selection, window, asked=asked), windows))
        return [{d["id"] for d in found} for found, _ignored in answers], \
            set().union(*(set(i) for _found, i in answers))

    def devices_of(self, email, listing=None):
        """Every device of one user, whatever the case of the stored e-mail (the identity rule).

        Reads the whole list, or takes ``listing`` (raw records the caller already read): the guide has no
        e-mail filter, and call 9's match may be case-sensitive (docs/api-notes.md).
        """
        wanted = devices.email_key(email)
        records = self.client.list_devices() if listing is None else listing
        return self.normalised([r for r in records
                                if isinstance(r, dict) and devices.email_key(r.get("email")) == wanted])

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
