# -*- coding: utf-8 -*-
# Copyright: (c) 2026, secops.mobile_security contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Registration hygiene (hm_registration_hygiene): remind users who never registered, and optionally delete
devices nobody registered for a long time.

How long a device has been in User Notified comes only from the guide's call 5 ("devices that had a status
during a time window"): the device records carry no time of their last status change. ``Tenant.held_status``
reads it under the reading the service's answers show (a change into the status inside the window, or the
status at any time in it). When the wait cannot be told exactly (the service ignores the window, or its
answers fit neither reading), nothing is done unless ``force`` (docs/api-notes.md, "Registration hygiene" and
"Call 5 - two readings").

When a device was last reminded comes from a state file the user names and/or the audit trail (call 19); the
guide does not say that the trail records resends, so the state file is the default (docs/api-notes.md).
"""

import datetime
import json
import os
import re
from concurrent.futures import ThreadPoolExecutor

from ansible_collections.secops.mobile_security.plugins.module_utils import bulk, codes, device_copies, device_plan, devices, diffs, files
from ansible_collections.secops.mobile_security.plugins.module_utils import clients, guards, log_entries, times
from ansible_collections.secops.mobile_security.plugins.module_utils.errors import ApiError, UserError
from ansible_collections.secops.mobile_security.plugins.module_utils.module_base import ModuleTask

DAY = datetime.timedelta(days=1)
ACTIONS = ("resend", "delete")
# The settings' defaults, of the module and of the fleet report's preview of the next run (fleet_reminders).
DEFAULTS = {"resend_after_days": 7, "resend_every_days": 7, "delete_after_days": None, "groups": [],
            "max_deletes": guards.DEFAULT_MAX_DELETES, "send_reg_email": True, "send_reg_sms": False}
STATE_VERSION = 1
# Resends older than this are dropped from the state file: no sensible resend_every_days reaches back further.
STATE_KEEP = 400 * DAY
# An audit entry records a resend when a word of its event_details is one of these ("Re-sent", "ResendInvitation"
# and "resend_invitation" too): the trail's wording is not documented, and a missed resend means a device is
# reminded on every run; a bare substring would also take words such as "presentation".
RESEND_WORDS = frozenset(("resend", "resent", "resends", "resending"))


def check_options(options):
    """Refuse bad input naming the option and the value, before anything is read or written."""
    for name in ("resend_after_days", "resend_every_days", "delete_after_days"):
        value = options.get(name)
        if value is not None and value < 1:
            raise UserError("%s: %r must be a whole number of days, 1 or more" % (name, value))
    after, delete_after = options["resend_after_days"], options.get("delete_after_days")
    if delete_after is not None and delete_after <= after:
        raise UserError("delete_after_days: %r must be more than resend_after_days (%r): a device is reminded "
                        "before it is deleted" % (delete_after, after))
    guards.max_deletes_allowed(options["max_deletes"], 0, floor=options.get("max_deletes_floor"))
    if not (options["send_reg_email"] or options["send_reg_sms"]):
        raise UserError("send_reg_email: with send_reg_sms also false there is nothing to send")
    if not options.get("state_file") and not options.get("audit_resends"):
        raise UserError("state_file: required to resend at most once per resend_every_days (an AWX job's "
                        "execution environment forgets everything else); name a file on storage that outlives the "
                        "job, or set audit_resends: true if your tenant's audit trail records resends")


def plan(notified, stale_ids, last_resends, now, every_days, send_email=True, send_sms=False):
    """(items, waiting): pure, for tests and check mode.

    ``notified``: normalised devices notified for more than resend_after_days (checked). ``stale_ids``: those
    of them notified for more than delete_after_days: each gets a delete. Every other one gets a resend unless
    ``last_resends`` (device id -> aware datetime) shows one less than ``every_days`` ago; those are
    ``waiting``. A device with no phone number gets the e-mail only, and nothing when only SMS is asked.
    """
    items, waiting = [], []
    for device in sorted(notified, key=device_copies.creation_order):
        identity = {"email": device["email"], "device_id": device["id"]}
        if device["id"] in stale_ids:
            items.append(dict(identity, action="delete", reason="never registered"))
            continue
        last = last_resends.get(device["id"])
        if last is not None and now - last < every_days * DAY:
            waiting.append(dict(identity, last_resend=times.iso_utc(last),
                                next_resend=times.iso_utc(last + every_days * DAY)))
            continue
        sms = bool(send_sms and device.get("number"))
        item = dict(identity, action="resend", send_reg_email=bool(send_email), send_reg_sms=sms,
                    last_resend=times.iso_utc(last))
        if not (send_email or sms):
            item.update(result=bulk.SKIPPED, reason="send_reg_sms: the device has no phone number")
        items.append(item)
    return items, waiting


def audit_resends(entries):
    """{device id: time of its last resend} from audit entries that record one (the shape the simulator's
    ``resend_audit: recorded`` uses: event_details naming a resend, event_details_params with device_id)."""
    found = {}
    for entry in entries:
        params = entry.get("event_details_params")
        if not names_a_resend(str(entry.get("event_details") or "")) or not isinstance(params, dict):
            continue
        moment = times.parse(entry.get("time"))
        if params.get("device_id") in (None, "") or moment is None:
            continue
        device_id = str(params["device_id"]).strip()
        if device_id not in found or moment > found[device_id]:
            found[device_id] = moment
    return found


def names_a_resend(text):
    """Whether ``text`` has a word for a resend, with words split at case changes, digits and punctuation."""
    words = [w.lower() for w in re.findall(r"[A-Z]+(?![a-z])|[A-Z]?[a-z]+", text)]
    joined = [first + then for first, then in zip(words, words[1:]) if first == "re"]
    return any(word in RESEND_WORDS for word in words + joined)


class ResendState:
    """Resends this collection made, per tenant, in a JSON file the user names (0600, written whole).

    ``tenant_key``: the tenant's key in the file (``clients.tenant_key``); ``old_key``: its key as 1.1.0 wrote it
    (the gateway as typed, :func:`old_state_key`), read as well so that an upgrade keeps the resend history, and
    moved under ``tenant_key`` by the next :meth:`record`."""

    def __init__(self, path, tenant_key, old_key=None):
        self.path, self.tenant_key = path, tenant_key
        self.old_key = old_key if old_key != tenant_key else None

    @classmethod
    def of_tenant(cls, path, record):
        """The record of the tenant ``record`` (``clients.tenant_of``) names, under both of its keys."""
        return cls(path, clients.tenant_key(record), old_state_key(record))

    def _read(self):
        if not self.path or not os.path.exists(self.path):
            return {"version": STATE_VERSION, "tenants": {}}
        try:
            with open(self.path, encoding="utf-8") as handle:
                data = json.load(handle)
            if not isinstance(data.get("tenants"), dict):
                raise ValueError("no tenants")
        except (OSError, ValueError, AttributeError) as err:
            raise UserError("state_file: %r is not a resend record of this collection (%s); move it away or name "
                            "another file" % (self.path, err))
        return data

    def _records(self, tenants):
        """This tenant's records ({device id: record}), the newest of each device under either key."""
        found = {}
        for key in (self.old_key, self.tenant_key):
            for device_id, record in (tenants.get(key) or {} if key is not None else {}).items():
                moment = times.parse(record.get("resent") if isinstance(record, dict) else None)
                if moment is None:
                    continue
                kept = found.get(str(device_id))
                if kept is None or moment > times.parse(kept["resent"]):
                    found[str(device_id)] = record
        return found

    def load(self):
        return {device_id: times.parse(record["resent"])
                for device_id, record in self._records(self._read()["tenants"]).items()}

    def record(self, sent, now):
        """Add ``sent`` ({device id: email}) as resent at ``now``."""
        if not self.path or not sent:
            return
        with files.locked(self.path):
            data = self._read()
            records = self._records(data["tenants"])
            data["tenants"][self.tenant_key] = records
            data["tenants"].pop(self.old_key, None)
            for device_id, email in sent.items():
                records[str(device_id)] = {"email": email, "resent": times.iso_utc(now)}
            for device_id in list(records):
                moment = times.parse(records[device_id].get("resent"))
                if moment is None or now - moment > STATE_KEEP:
                    del records[device_id]
            files.write_private(self.path, json.dumps(data, indent=1, sort_keys=True))


def old_state_key(record):
    """A tenant's key in a resend record written by 1.1.0: its gateway as the task gave it, and its client id."""
    return "%s %s" % (record.get("gateway_url"), record.get("client_id"))


class HygieneRun(ModuleTask):
    """One hygiene run of a module (options, check mode, tenant, client, result, diff, warn). ``tenant_key``
    names the tenant in the state file (default: ``clients.tenant_key``, the one identity of a tenant)."""

    def __init__(self, module, tenant_key=None, now=None):
        super().__init__(module)
        self.now = now or datetime.datetime.now(times.UTC)
        self.tenant_key = tenant_key
        self._state = None

    @property
    def state(self):
        if self._state is None:
            if self.tenant_key is None:
                self._state = ResendState.of_tenant(self.options.get("state_file"), self.module.tenant_record())
                self.tenant_key = self._state.tenant_key
            else:
                self._state = ResendState(self.options.get("state_file"), self.tenant_key)
        return self._state

    def run(self):
        options = self.options
        # Bad input is refused before the client is built: nothing is read or written.
        check_options(options)
        last_resends = self.state.load()
        groups = options["groups"] or None
        scope = self.tenant.selection(groups=groups)
        in_scope = self.tenant.devices(scope)[0]
        notified_now = [d for d in in_scope if d["status_code"] == codes.USER_NOTIFIED]
        notified_ids, stale_ids = self.held(scope, in_scope, notified_now)
        if options["audit_resends"]:
            entries = log_entries.audits(self.client, start=self.now - options["resend_every_days"] * DAY)[0]
            for device_id, moment in audit_resends(entries).items():
                if device_id not in last_resends or moment > last_resends[device_id]:
                    last_resends[device_id] = moment
        # Every device acted on is one the scope's own read shows in user_notified now.
        notified = [d for d in notified_now if d["id"] in notified_ids]
        items, waiting = plan(notified, stale_ids & notified_ids, last_resends, self.now,
                              options["resend_every_days"], options["send_reg_email"], options["send_reg_sms"])
        deletes = guards.deletes_in(items)
        where = "groups (%s)" % ", ".join(groups) if groups else "the tenant"
        self.delete_gate = guards.DeleteGate(self.client, "devices", options)
        self.delete_gate.admit([(i["device_id"], device_plan.delete_label(i)) for i in deletes], len(in_scope), where)
        writes = [i for i in items if "result" not in i]
        if self.check_mode:
            bulk.mark_planned(writes, ACTIONS)
        else:
            self.write(writes, scope)
        self.report(items, waiting, in_scope)
        failed = [i for i in items if i.get("result") == bulk.FAILED]
        if failed:
            attempted = [i for i in items if i.get("result") in (bulk.OK, bulk.FAILED)]
            self.fail("%d of %d writes failed (first: %s, device %s: %s); the others were done and a re-run "
                      "continues from here" % (len(failed), len(attempted), failed[0]["email"], failed[0]["device_id"],
                                               failed[0]["error"]))

    def held(self, scope, in_scope, notified_now):
        """(ids notified for more than resend_after_days, ids for more than delete_after_days) from call 5,
        under the reading the service's answers show; a wait that cannot be told exactly is refused unless
        ``force`` (then every device in user_notified now counts as past both)."""
        options = self.options
        thresholds = [options["resend_after_days"]] + (
            [options["delete_after_days"]] if options["delete_after_days"] is not None else [])
        found = [self.tenant.held_status(codes.USER_NOTIFIED, days, self.now, scope, in_scope) for days in thresholds]
        self.result["window_enforced"] = all(h.window_enforced for h in found)
        known = [h.reading for h in found if h.reading != devices.UNKNOWN_READING]
        self.result["status_reading"] = known[0] if known else devices.UNKNOWN_READING
        unknown = [h for h in found if not h.exact]
        if not unknown:
            return found[0].ids, found[1].ids if len(found) > 1 else set()
        if not options["force"]:
            if not self.result["window_enforced"]:
                raise UserError(
                    "force: the service ignored the status window of call 5 (it returned devices for a window in "
                    "1970, or for a status that does not exist: the warning says which), so how long each device has "
                    "been in user_notified cannot be known; nothing was resent "
                    "or deleted. Set force: true to treat every device in user_notified now as past "
                    "resend_after_days%s" % (" and delete_after_days (deletes still within max_deletes)"
                                             if options["delete_after_days"] is not None else ""))
            raise UserError(
                "force: how long each device has been in user_notified cannot be told (status_reading: %s; %s), so "
                "nothing was resent or deleted. Set force: true to treat every device in user_notified now as past "
                "resend_after_days%s" % (self.result["status_reading"], unknown[0].reason,
                                         " and delete_after_days (deletes still within max_deletes)"
                                         if options["delete_after_days"] is not None else ""))
        if not self.result["window_enforced"]:
            self.warn("force: true: the service ignored the status window, so every device in user_notified now "
                      "was taken as notified for longer than the thresholds")
        else:
            self.warn("force: true: how long each device has been in user_notified could not be told (%s), so "
                      "every device in user_notified now was taken as notified for longer than the thresholds"
                      % unknown[0].reason)
        notified_ids = {d["id"] for d in notified_now}
        return notified_ids, set(notified_ids) if options["delete_after_days"] is not None else set()

    def write(self, writes, scope):
        client = self.client

        def one(item):
            try:
                if item["action"] == "delete":
                    self.delete_if_still_stale(item, scope)
                else:
                    client.resend_invitation(item["device_id"], item["send_reg_email"], item["send_reg_sms"])
                    bulk.succeeded(item)
            except (ApiError, UserError) as err:
                bulk.failed(item, err)
                # A resend in doubt may have gone out: recorded as sent, so it is never sent twice.
                item["in_doubt"] = bool(getattr(err, "ambiguous", False))
            return item

        if writes:
            client.ensure_token()
            with ThreadPoolExecutor(max_workers=max(1, min(client.concurrency, len(writes)))) as pool:
                list(pool.map(one, writes))
        self.state.record({i["device_id"]: i["email"] for i in writes if i["action"] == "resend" and (
            i["result"] == bulk.OK or i.get("in_doubt"))}, self.now)

    def delete_if_still_stale(self, item, scope):
        # The record acted on is read again: a device registered since the plan is never deleted.
        current = self.tenant.device(item["device_id"])
        if current is None:
            item.update(result=bulk.SKIPPED, reason="no longer exists")
        elif current["status_code"] != codes.USER_NOTIFIED:
            item.update(result=bulk.SKIPPED, reason="registered meanwhile (status %s)" % (
                current["status_name"] or current["status_code"]))
        elif not scope.matches(current):
            item.update(result=bulk.SKIPPED, reason="no longer in groups")
        else:
            self.delete_gate.delete_admitted(item["device_id"])
            bulk.succeeded(item)

    def report(self, items, waiting, in_scope):
        done = [i for i in items if i.get("result") in (bulk.OK, bulk.PLANNED)]
        skipped = [i for i in items if i.get("result") == bulk.SKIPPED]
        self.result["changed"] = bool(done)
        self.result["predicted"] = self.check_mode
        self.result["devices"] = items
        self.result["waiting"] = waiting
        self.result["summary"] = bulk.summary([i for i in items if i.get("result") != bulk.SKIPPED], ACTIONS,
                                              len(waiting) + len(skipped))
        deleted = {i["device_id"] for i in guards.deletes_in(done)}
        self.set_diff(*diff(in_scope, done, len(in_scope), len(in_scope) - len(deleted)))


def diff(in_scope, done, count_before, count_after):
    """(before, after): each device resent or deleted, keyed by e-mail (``email (id N)`` when a user has
    several in the diff, ``(no e-mail) (id N)`` for a record without one); a delete only before, a resend on both sides with its invitation line."""
    by_id = {d["id"]: d for d in in_scope}
    several = diffs.users_with_several(i["email"] for i in done)

    def key(item):
        return diffs.device_key(item["email"], item["device_id"], devices.email_key(item["email"]) in several)

    before, after = {}, {}
    for item in done:
        device = by_id.get(item["device_id"], {})
        view = {"id": item["device_id"], "name": device.get("name"), "groups": device.get("groups") or [],
                "status": "user_notified",
                "invitation": "last resent %s" % item["last_resend"] if item.get("last_resend") else "not resent"}
        before[key(item)] = view
        if item["action"] == "resend":
            channels = " and ".join(c for c, on in (("e-mail", item["send_reg_email"]), ("SMS", item["send_reg_sms"]))
                                    if on)
            after[key(item)] = dict(view, invitation="resent by %s" % channels)
    return {"devices": before, "count": count_before}, {"devices": after, "count": count_after}
