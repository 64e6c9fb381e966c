# -*- coding: utf-8 -*-
# Copyright: (c) 2026, secops.mobile_security contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Whether reminders work, and what the next hygiene run will do: the fleet report's ``hygiene`` section.

From the hygiene's own record of resends (``registration_hygiene.ResendState``, the file hm_registration_hygiene
writes): the reminders sent in the report's period and how many of those users registered within
``resend_every_days``, per group (``effectiveness``, pure); and what a run on a given date with the hygiene's
settings would remind or delete (``preview``, pure: the hygiene's own ``plan`` and delete guard). ``read`` does the
reads both need, each from the service's status history (call 5) as the hygiene itself reads it.

Whether a reminded user registered in time is read with call 5: the device, connected now, had a connected status
(active or inactive) at some time in the ``resend_every_days`` after its resend (a device waiting again now did
not stay registered, and counts as not registered). Under either reading of call 5 (a change
into the status in the window, or being in it at any time of the window) that is the same answer for a device that
was waiting when it was reminded. A service that ignores the window gives no answer: those counts are ``None``
(unknown), never 0.
"""

import re

from ansible_collections.secops.mobile_security.plugins.module_utils import codes, fleet_report, guards, times
from ansible_collections.secops.mobile_security.plugins.module_utils import registration_hygiene
from ansible_collections.secops.mobile_security.plugins.module_utils.devices import (
    ENTERED, IN_STATUS, Selection, StatusWindow)
from ansible_collections.secops.mobile_security.plugins.module_utils.errors import UserError
from ansible_collections.secops.mobile_security.plugins.module_utils.tenant import CLOCK_SLACK

DAY = registration_hygiene.DAY
REGISTERED = codes.REGISTERED
# Every other status: a device in none of them at a time had a connected status then.
NOT_REGISTERED = codes.UNREGISTERED
# The period of a report without a baseline: the week before it.
DEFAULT_PERIOD = 7 * DAY
OUTCOMES = ("registered", "waiting", "not_registered", "deleted", "unknown")
NO_GROUP = "(no longer in the tenant)"
_WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
_SCHEDULE = re.compile(r"^\s*([a-z]+)\s+(\d{1,2}):(\d{2})\s*$")
# hm_registration_hygiene's defaults: a preview with a setting left out shows what the hygiene would use.
DEFAULTS = registration_hygiene.DEFAULTS
# Rows of each preview list in the report (the counts are of all of them).
PREVIEW_ROWS = 50
# A share registered is given once more than this part of the reminders sent are decided (registered, not
# registered within their days, or deleted): before, the still-waiting would make it say little.
MOST_DECIDED = 0.5


def option_spec():
    """``hygiene`` as hm_fleet_report takes it: the hygiene's own settings (hm_registration_hygiene's names and
    defaults) and when it runs next."""
    return dict(type="dict", options=dict(
        state_file=dict(type="path", required=True),
        resend_after_days=dict(type="int", default=DEFAULTS["resend_after_days"]),
        resend_every_days=dict(type="int", default=DEFAULTS["resend_every_days"]),
        delete_after_days=dict(type="int"),
        max_deletes=dict(type="str", default=DEFAULTS["max_deletes"]),
        max_deletes_floor=guards.floor_option_spec(),
        groups=dict(type="list", elements="str", default=[]),
        send_reg_email=dict(type="bool", default=DEFAULTS["send_reg_email"]),
        send_reg_sms=dict(type="bool", default=DEFAULTS["send_reg_sms"]),
        next_run=dict(type="str"),
    ))


def check_settings(hygiene, now):
    """The ``hygiene`` option checked as hm_registration_hygiene checks its own, plus ``next_run``: a time (any
    form ``times`` reads) or a weekly schedule such as ``monday 06:00`` (UTC). Returns the settings with
    ``next_run`` as an aware datetime, not before ``now``."""
    settings = dict(DEFAULTS, **{k: v for k, v in hygiene.items() if v is not None})
    if not settings.get("state_file"):
        raise UserError("hygiene.state_file: required: the file hm_registration_hygiene records its resends in "
                        "(its state_file)")
    if not settings.get("delete_after_days"):
        # 0, as the hygiene role writes "never delete".
        settings["delete_after_days"] = None
    try:
        registration_hygiene.check_options(dict(settings, audit_resends=False))
    except UserError as err:
        raise UserError("hygiene.%s" % err)
    settings["max_deletes_floor"] = guards.checked_floor(settings.get("max_deletes_floor"))
    settings["next_run"] = next_run(settings.get("next_run"), now)
    return settings


def next_run(value, now):
    """The time of the next hygiene run: ``now`` when not given, a weekly schedule's next time, or a time."""
    if value in (None, ""):
        return now
    found = _SCHEDULE.match(str(value).lower())
    if found and found.group(1) in _WEEKDAYS:
        hour, minute = int(found.group(2)), int(found.group(3))
        if hour > 23 or minute > 59:
            raise UserError("hygiene.next_run: %r is not a time of day" % (value,))
        day = now.replace(hour=hour, minute=minute, second=0, microsecond=0)
        day += ((_WEEKDAYS.index(found.group(1)) - day.weekday()) % 7) * DAY
        return day if day >= now else day + 7 * DAY
    moment = times.parse(value) if not re.match(r"^\d+\s*[smhdw]$", str(value).strip()) else None
    if moment is None:
        raise UserError("hygiene.next_run: %r is neither a time (%s, no age) nor a weekly schedule such as "
                        "'monday 06:00' (UTC)" % (value, times.FORMS))
    if moment < now:
        raise UserError("hygiene.next_run: %s is before the report (%s)" % (times.iso_utc(moment), times.iso_utc(now)))
    return moment


# ---- whether reminders work ----------------------------------------------------------------------------------
def outcome(device, resent, registered, now, every_days):
    """What became of one reminder: ``registered`` (within every_days), ``deleted`` (the device is gone),
    ``waiting`` (not yet, and still within every_days), ``not_registered`` (not within every_days) or
    ``unknown`` (``registered`` is None: the service's answer could not be trusted)."""
    if device is None:
        return "deleted"
    if registered is None:
        return "unknown"
    if registered:
        return "registered"
    return "waiting" if resent + every_days * DAY > now else "not_registered"


def effectiveness(resends, devices, registered, period, now, every_days):
    """The reminders sent in ``period`` ((start, end)) and what became of them, overall and per group.

    ``resends``: {device id: time of its last resend} (the hygiene's record); ``devices``: the tenant's devices
    now (normalised); ``registered``: {resend time: set of the ids that had a connected status within every_days
    after it, or None when the service ignored the window}. A device in several groups counts in each.
    """
    start, end = period
    current = {str(d["id"]): d for d in devices}
    totals = _zero()
    groups = {}
    for device_id, resent in sorted(resends.items(), key=lambda item: (item[1], item[0])):
        if not start < resent <= end:
            continue
        device = current.get(str(device_id))
        found = registered.get(resent)
        result = outcome(device, resent, None if found is None else str(device_id) in found, now, every_days)
        totals["sent"] += 1
        totals[result] += 1
        for name in (device or {}).get("groups") or [NO_GROUP]:
            groups.setdefault(name, _zero())
            groups[name]["sent"] += 1
            groups[name][result] += 1
    return {
        "period": {"from": times.iso_utc(start), "to": times.iso_utc(end)},
        "resend_every_days": every_days,
        "total": _with_rate(totals),
        "groups": [dict(_with_rate(counts), group=name) for name, counts in
                   sorted(groups.items(), key=lambda item: (-item[1]["sent"], item[0]))],
    }


def _zero():
    return dict({"sent": 0}, **{name: 0 for name in OUTCOMES})


def _decided(counts):
    """Whether most of the reminders sent are decided (MOST_DECIDED): a share of a few early answers would say
    little of the rest."""
    return (counts["sent"] - counts["waiting"]) > MOST_DECIDED * counts["sent"]


def _with_rate(counts):
    """``rate``: the share of the reminders whose time is up that led to a registration; None while any is
    unknown, none is up, or most are not yet decided (``_decided``)."""
    decided = counts["registered"] + counts["not_registered"]
    rate = round(counts["registered"] / decided, 3) if decided and not counts["unknown"] and _decided(counts) \
        else None
    return dict(counts, rate=rate)


# ---- what the next run will do -------------------------------------------------------------------------------
def preview(notified, held, last_resends, settings, scope_size):
    """What a hygiene run at ``settings["next_run"]`` would remind or delete, from the devices waiting now.

    ``notified``: the devices in user_notified now in the hygiene's scope (normalised); ``held``: {"resend": ids,
    "delete": ids} of those that will have waited longer than resend_after_days / delete_after_days by then (None
    when the service's status history could not say); ``last_resends``: the hygiene's record. The hygiene's own
    plan decides; its delete guard (``max_deletes`` of ``scope_size`` devices) says whether the run would refuse.
    Devices invited after this report are not in it.
    """
    run_at = settings["next_run"]
    shown = {key: settings.get(key) for key in ("resend_after_days", "resend_every_days", "delete_after_days",
                                                "groups", "max_deletes", "max_deletes_floor", "send_reg_email",
                                                "send_reg_sms")}
    found = {"date": times.iso_utc(run_at), "settings": shown, "known": True, "remind": None, "delete": None,
             "waiting": None, "refused": None}
    if held.get("resend") is None or (settings.get("delete_after_days") and held.get("delete") is None):
        found.update(known=False, why="call 5 could not tell how long each device has waited (the service ignored "
                                      "its window, or its answers fit neither reading: see status_reading); the "
                                      "hygiene itself acts only with force")
        return found, {}
    waiting_long = [d for d in notified if d["id"] in held["resend"]]
    items, waiting = registration_hygiene.plan(
        waiting_long, set(held.get("delete") or ()) & set(held["resend"]), last_resends, run_at,
        settings["resend_every_days"], settings.get("send_reg_email", True), settings.get("send_reg_sms", False))
    remind = [i for i in items if i["action"] == "resend" and "result" not in i]
    delete = guards.deletes_in(items)
    # The hygiene's own guard: max_deletes of its scope, with its floor (a purge's, not deletes it names).
    allowed = guards.max_deletes_allowed(settings.get("max_deletes"), scope_size,
                                         floor=settings["max_deletes_floor"])
    found.update(remind=len(remind), delete=len(delete), waiting=len(waiting),
                 refused=allowed is not None and len(delete) > allowed, max_deletes_allowed=allowed)
    by_id = {d["id"]: d for d in notified}

    def view(item):
        device = by_id.get(item["device_id"], {})
        return {"id": item["device_id"], "email": item["email"], "name": device.get("name"),
                "groups": list(device.get("groups") or []), "last_resend": item.get("last_resend")}

    return found, {"remind": [view(i) for i in remind[:PREVIEW_ROWS]],
                   "delete": [view(i) for i in delete[:PREVIEW_ROWS]]}


# ---- the reads -----------------------------------------------------------------------------------------------
def held_days(hygiene, now):
    """The waits the preview asks of call 5 (resend_after_days and delete_after_days less the time until the
    run), so that the report reads them with its own (``Tenant.held_longer``) instead of again."""
    ahead = (hygiene["next_run"] - now) / DAY
    days = [hygiene["resend_after_days"] - ahead]
    if hygiene.get("delete_after_days"):
        days.append(hygiene["delete_after_days"] - ahead)
    return days


def _held(tenant, days, now, scope, in_scope, waits=None):
    """The ids of the devices waiting now that will have waited more than ``days`` by the run (``days`` already
    less the time until it), or None when call 5 cannot tell it exactly (``Tenant.held_status``). ``waits``: what
    the report read already ({days: ids} of the tenant, each told exactly; the preview keeps its scope's): a wait
    in it is not read again, one left out of it could not be told."""
    if days <= 0:
        return {d["id"] for d in in_scope if d["status_code"] == codes.USER_NOTIFIED}
    if waits is not None:
        return set(waits[days]) if days in waits else None
    held = tenant.held_status(codes.USER_NOTIFIED, days, now, scope, in_scope)
    return held.ids if held.exact else None


def read(tenant, record, devices, hygiene, now, period_start, waits=None):
    """(section, device lists) of the report's ``hygiene`` part: ``effectiveness`` and ``next_run`` (preview).

    ``devices``: the tenant's devices the report read (normalised); ``hygiene``: the checked settings
    (:func:`check_settings`); ``period_start``: the baseline report's time, else a week before ``now``;
    ``waits``: the report's own reads of how long invitations waited ({days: ids}, :func:`held_days` among them:
    ``fleet_report_files.read_waits``), used instead of reading again.
    """
    # The hygiene's own record, read as the hygiene reads it (its 1.1.0 key too).
    resends = registration_hygiene.ResendState.of_tenant(hygiene["state_file"], record).load()
    every = hygiene["resend_every_days"]
    period = (period_start or now - DEFAULT_PERIOD, now)
    registered = {}
    connected_now = {d["id"] for d in devices if d["status_code"] in REGISTERED}
    reading = []
    for resent in sorted({m for m in resends.values() if period[0] < m <= period[1]}):
        reminded = {i for i, m in resends.items() if m == resent} & connected_now
        # Only a device connected now can have registered (one waiting again did not stay registered): without
        # one, nothing is read.
        if not reminded:
            registered[resent] = set()
            continue
        if not reading:
            # Told once (the report's own read told it already): which of _registered_after's reads is short.
            reading.append(tenant.status_reading(codes.USER_NOTIFIED, now, devices)[0])
        registered[resent] = _registered_after(tenant, resent, min(resent + every * DAY, now), now, devices,
                                               reminded, reading[0])
    section = {"effectiveness": effectiveness(resends, devices, registered, period, now, every)}

    scope = tenant.selection(groups=hygiene.get("groups") or None)
    in_scope = [d for d in devices if scope.matches(d)]
    notified = [d for d in in_scope if d["status_code"] == codes.USER_NOTIFIED]
    days = held_days(hygiene, now)
    waited = {"resend": _held(tenant, days[0], now, scope, in_scope, waits)}
    if hygiene.get("delete_after_days"):
        waited["delete"] = _held(tenant, days[1], now, scope, in_scope, waits)
    section["next_run"], lists = preview(notified, waited, resends, hygiene, len(in_scope))
    return section, lists


def _registered_after(tenant, start, end, now, devices, reminded=None, reading=None):
    """The ids of the devices connected now that had a connected status in [start, end] (with ``reminded``: of
    those devices, each waiting when it was reminded at ``start``), or None when the service ignored a window (its
    answer cannot say who registered when). Read as the report's own windows are (``Tenant.window_devices``: the
    status filter spelled as the service was shown to apply it).

    With ``reminded`` (ids connected now) and call 5's ``reading`` known, the complement is asked when it is the
    shorter answer: the devices connected now that registered late. Under ``in_status`` (where a connected window
    returns every device connected at any time after the reminder, most of the tenant), those with a status other
    than a connected one at some time from ``end`` until now: one that had none was connected at ``end``. Under
    ``entered``, when less time has passed since ``end`` than the window is long, those with a change into a
    connected status from ``end`` until now: one that had none entered its connected status after the reminder
    and by ``end``. A reminded device in that answer may still have registered in time (notified again, or gone
    inactive, since): those few are asked the connected windows, narrowed to their groups."""
    connected = Selection(status=set(REGISTERED))
    if reminded and (reading == IN_STATUS or (reading == ENTERED and now - end < end - start)):
        # Only the bounds are probed: a service that ignored the status would return more devices (any change,
        # or any status, in the stretch), never fewer, and those it adds are only asked again.
        late = _windows_ids(tenant, connected, NOT_REGISTERED if reading == IN_STATUS else REGISTERED, end,
                            now + CLOCK_SLACK, now, devices, ("bounds",))
        if late is None:
            return None
        unsure = late & reminded
        if not unsure:
            return set(reminded)
        groups = {g for d in devices if d["id"] in unsure for g in d.get("group_ids") or ()}
        # A device without groups cannot be narrowed to them: the whole tenant's windows are read.
        narrowed = Selection(status=set(REGISTERED), group_sets=[frozenset(groups)]) if groups and all(
            d.get("group_ids") for d in devices if d["id"] in unsure) else connected
        found = _windows_ids(tenant, narrowed, REGISTERED, start, end, now, devices)
        return None if found is None else (reminded - unsure) | (found & unsure)
    return _windows_ids(tenant, connected, REGISTERED, start, end, now, devices)


def _windows_ids(tenant, selection, statuses, start, end, now, devices, asked=("bounds", "status")):
    """The ids call 5 returns for any of ``statuses`` in [start, end] among ``selection``, or None when the
    service ignored a window (of what ``asked`` probes)."""
    ids = set()
    for status in statuses:
        found, applied = tenant.window_devices(selection, StatusWindow(status, start, end), now, devices, asked)
        if not applied:
            return None
        ids.update(d["id"] for d in found)
    return ids


# ---- what the page shows ---------------------------------------------------------------------------------------
def rate_text(counts, every_days):
    """The headline of reminders' outcomes, the sent count in it: ``2 of 18 registered so far; 16 still within 7
    days``; with the share registered of those whose days are up once most are decided (``_with_rate``)."""
    if counts["unknown"]:
        return "unknown (the service ignored call 5's window)"
    if not counts["sent"]:
        return "no reminders"
    said = "%d of %d registered so far" % (counts["registered"], counts["sent"])
    if counts["waiting"]:
        said += "; %d still within %s" % (counts["waiting"], fleet_report.day_count(every_days))
    if counts["deleted"]:
        said += "; %d no longer in the tenant" % counts["deleted"]
    decided = counts["registered"] + counts["not_registered"]
    if _with_rate(counts)["rate"] is not None:
        said += " (%.0f%% of the %d whose %s are up)" % (100.0 * counts["registered"] / decided, decided,
                                                         fleet_report.day_count(every_days))
    elif counts["waiting"]:
        said += " (a share is given once more than %.0f%% of them are past their days)" % (100 * MOST_DECIDED)
    return said


def share_text(counts):
    """A group's share registered, as its row says it: ``67%``; ``too early`` while most of its reminders are
    still within their days; ``unknown``."""
    if counts["unknown"]:
        return "unknown"
    rate = _with_rate(counts)["rate"]
    if rate is not None:
        return "%.0f%%" % (100.0 * rate)
    return "too early" if counts["waiting"] else "none decided"


def _preview_cells(view):
    return [view["name"] or view["id"], view["email"] or "", ", ".join(view["groups"]),
            view["last_resend"] or "never"]


def page_view(report):
    """The page's hygiene section, or None without one: the reminders' outcomes overall and per group, and the
    next run's date, settings and devices."""
    section = report.get("hygiene")
    if not section:
        return None
    effect, upcoming = section["effectiveness"], section["next_run"]
    lists = report.get("hygiene_devices") or {}
    columns = ("sent", "registered", "not_registered", "waiting", "deleted", "unknown")
    rows = [[g["group"]] + [g[c] for c in columns] + [share_text(g)] for g in effect["groups"]]
    settings = upcoming["settings"]
    said = ["resend after %d days" % settings["resend_after_days"],
            "at most every %d days" % settings["resend_every_days"],
            "delete after %d days" % settings["delete_after_days"] if settings.get("delete_after_days")
            else "no deletes",
            "max_deletes %s" % settings["max_deletes"],
            "groups %s" % ", ".join(settings["groups"]) if settings.get("groups") else "the whole tenant",
            "by %s" % " and ".join(c for c, on in (("e-mail", settings.get("send_reg_email")),
                                                   ("SMS", settings.get("send_reg_sms"))) if on)]
    return {
        "period": effect["period"], "every": effect["resend_every_days"], "total": effect["total"],
        "rate": rate_text(effect["total"], effect["resend_every_days"]),
        "groups": {"caption": "Reminders sent from %(from)s to %(to)s, per group" % effect["period"],
                   "headers": ["group", "sent", "registered in time", "not registered in time", "still within",
                               "deleted since", "unknown", "registered"],
                   "rows": rows, "numeric": [1, 2, 3, 4, 5, 6]},
        "next": dict(upcoming, said="; ".join(said),
                     remind_rows=[_preview_cells(v) for v in lists.get("remind") or []],
                     delete_rows=[_preview_cells(v) for v in lists.get("delete") or []]),
        "headers": ["device", "e-mail", "groups", "last reminded"], "rows": PREVIEW_ROWS,
    }
