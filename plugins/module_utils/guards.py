# -*- coding: utf-8 -*-
# Copyright: (c) 2026, secops.mobile_security contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The one delete guard, and the one gate every delete goes through.

A run plans every delete first (a device purge, identical copies, recreates, the devices of one e-mail, a
group purge, one group), then hands them all to a :class:`DeleteGate`: ``admit`` counts them against
``max_deletes`` and refuses the run before any write, in check mode too, so a plan shows the refusal a real
run would meet. Only then does the gate delete, one admitted object at a time: the client's delete calls are
called from here and nowhere else (tests/unit/test_delete_gate.py fails on any other caller). Deletes the user
named one by one are counted too: ``max_deletes`` bounds what one run removes, however it was asked for.
Groups also pass ``refuse_groups_holding_devices``.
"""

import threading

from decimal import Decimal, InvalidOperation

from ansible_collections.secops.mobile_security.plugins.module_utils.errors import UserError

DEFAULT_MAX_DELETES = "20%"
# With a percentage (above 0) of a small scope, at least this many deletes are allowed, but never every object
# of the scope when the task does not name the objects it deletes: a purge deleting 1 device of a 3-device group
# is ordinary, deleting the group's only device or all 3 of them is not (option max_deletes_floor, doc fragment
# delete_guard). Deletes of objects the task names (state=absent, recreate) may take the last one.
DEFAULT_MAX_DELETES_FLOOR = 1
SHOWN = 10
# A recreate deletes the device before it adds it again (the API cannot update a device): the phone must
# register again, so for the guard it is a delete like any other.
DELETING_ACTIONS = ("delete", "recreate")
KINDS = ("devices", "groups")


def option_spec():
    """``max_deletes`` as every module that deletes takes it (doc fragment ``delete_guard``)."""
    return dict(type="str", default=DEFAULT_MAX_DELETES)


def floor_option_spec():
    """``max_deletes_floor`` as every module that deletes takes it (doc fragment ``delete_guard``)."""
    return dict(type="int", default=DEFAULT_MAX_DELETES_FLOOR)


def option_specs():
    """Both options of the delete guard, for a module's argument spec."""
    return dict(max_deletes=option_spec(), max_deletes_floor=floor_option_spec())


def deletes_in(ops):
    """The operations of a plan that delete an object (a device or group plan's items)."""
    return [op for op in ops if op["action"] in DELETING_ACTIONS]


def checked_floor(floor):
    """``max_deletes_floor`` as a count (None: the default)."""
    if floor is None:
        return DEFAULT_MAX_DELETES_FLOOR
    if isinstance(floor, bool) or not isinstance(floor, int) or floor < 0:
        raise UserError("max_deletes_floor: %r is not a count of 0 or more" % (floor,))
    return floor


def max_deletes_allowed(value, scope_size, field="max_deletes", floor=DEFAULT_MAX_DELETES_FLOOR, named=False):
    """How many deletes ``max_deletes`` allows in a scope of ``scope_size`` objects (None: no limit).

    A count is that count. A percentage is that share of the scope, rounded down ("0%" allows none), and when
    above 0 at least ``floor`` (``max_deletes_floor``) but, unless the task ``named`` every object it deletes
    (state=absent, recreate), never the whole scope: only ``all`` (or a count) lets a purge empty a small scope.
    """
    floor = checked_floor(floor)
    text = str(value if value is not None else DEFAULT_MAX_DELETES).strip().lower()
    if text == "all":
        return None
    try:
        if text.endswith("%"):
            percent = Decimal(text[:-1])
            if not (percent.is_finite() and 0 <= percent <= 100):
                raise ValueError
            allowed = int(percent * scope_size / 100)
            if percent > 0:
                allowed = max(allowed, min(floor, scope_size if named else scope_size - 1))
            return allowed
        count = int(text)
        if count < 0:
            raise ValueError
        return count
    except (ValueError, InvalidOperation):
        raise UserError("%s: %r is not a count (25), a percentage of the scope (20%%) or 'all'" % (field, value))


def _listed(names):
    names = list(names)
    more = " and %d more" % (len(names) - SHOWN) if len(names) > SHOWN else ""
    return ", ".join(names[:SHOWN]) + more


def check_deletes(deletes, scope_size, max_deletes, kind, scope, desired_field=None, desired_count=None,
                  floor=DEFAULT_MAX_DELETES_FLOOR, named=False):
    """Refuse a run whose planned deletes the user cannot have meant (``DeleteGate.admit`` calls it).

    ``deletes``: a label for each object the run would delete (all of them: purge, copies, ...).
    ``scope_size``: how many objects the deletes are drawn from (what a percentage of ``max_deletes`` is of).
    ``kind``: the objects' plural noun (``devices``, ``groups``); ``scope``: where they are (``purge_groups
    (Sales, Field)``, ``the tenant``). ``desired_field``/``desired_count``: the option holding the desired list
    of a purge, whose emptiness (most often a misspelt inventory group or file) is refused unless
    ``max_deletes: all``. ``floor``: ``max_deletes_floor``; ``named``: the task named each object it deletes.
    """
    deletes = list(deletes)
    allowed = max_deletes_allowed(max_deletes, scope_size, floor=floor, named=named)
    if not deletes or allowed is None:
        return
    if desired_field is not None and desired_count == 0:
        raise UserError("%s: empty with purge: true, which would delete all %d %s in %s (%s); an empty list is most "
                        "often a misspelt inventory group or file. Nothing was changed; to do this on purpose, set "
                        "max_deletes: all" % (desired_field, len(deletes), kind, scope, _listed(deletes)))
    if len(deletes) > allowed:
        shown = max_deletes if max_deletes is not None else DEFAULT_MAX_DELETES
        why = ""
        if str(shown).strip().endswith("%"):
            why = ": %s of %d rounded down, at least max_deletes_floor %d%s" % (
                str(shown).strip(), scope_size, checked_floor(floor), "" if named else " but never all %d" % scope_size)
        raise UserError("max_deletes: the run would delete %d of the %d %s in %s (%s), more than max_deletes %s "
                        "allows (%d%s); nothing was changed. Check the desired state, or raise max_deletes (a count, a "
                        "percentage, or all)" % (len(deletes), scope_size, kind, scope, _listed(deletes), shown,
                                                 allowed, why))


class DeleteGate:
    """The only way a run deletes devices or groups.

    ``admit`` takes every delete the run planned (once, before any write, in check mode too) and refuses the
    run when ``max_deletes`` does not allow them; ``delete_admitted`` then deletes one admitted object (call 11 or 18)
    and nothing else, each at most once. The callers keep their per-item results around ``delete_admitted``; the
    transport keeps its request classes (a DELETE is idempotent: one in doubt is sent again, and "not there"
    afterwards is the same outcome, ``False``).

    The copies a run's own adds made (``device_copies.verify_adds``) are their own kind, counted in
    ``duplicates_removed`` (as the modules return them), not against ``max_deletes``: ``delete_copy``
    deletes only a device that did not exist when the run read the list, and never the copy that stays.
    """

    def __init__(self, client, kind, options):
        if kind not in KINDS:
            raise ValueError("DeleteGate: kind %r is not one of %s" % (kind, ", ".join(KINDS)))
        self.client = client
        self.kind = kind
        self.max_deletes = options.get("max_deletes")
        self.floor = checked_floor(options.get("max_deletes_floor"))
        self.admitted = None
        self.deleted = []
        self.duplicates_removed = []
        self._lock = threading.Lock()

    def admit(self, planned, scope_size, scope, desired_field=None, desired_count=None, named=False):
        """Count every delete of the run: ``planned`` is (object id, label for messages) per delete; ``named``:
        the task named them itself (not a purge: the floor may then reach the whole scope). Raises ``UserError``
        naming them when ``max_deletes`` does not allow them all; nothing may have been written."""
        if self.admitted is not None:
            raise RuntimeError("DeleteGate.admit: a run's deletes are admitted once, all together")
        planned = [(str(object_id), label) for object_id, label in planned]
        check_deletes([label for _object_id, label in planned], scope_size, self.max_deletes, self.kind, scope,
                      desired_field, desired_count, self.floor, named)
        self.admitted = {object_id for object_id, _label in planned}

    def delete_admitted(self, object_id):
        """Delete one admitted object: True, or False when it was already gone."""
        key = str(object_id)
        with self._lock:
            if self.admitted is None or key not in self.admitted:
                raise RuntimeError("DeleteGate.delete_admitted: %s %s was not admitted by the delete guard" % (
                    self.kind, key))
            if key in self.deleted:
                raise RuntimeError("DeleteGate.delete_admitted: %s %s is deleted once per run" % (self.kind, key))
            self.deleted.append(key)
        if self.kind == "groups":
            return self.client.delete_group(object_id)
        return self.client.delete_device(object_id)

    def delete_copy(self, device_id, known_ids, keep_id):
        """Delete a copy of a device this run added (``verify_adds``): True, or False when another run got there
        first. ``known_ids``: that user's devices when the run read the list; ``keep_id``: the copy that stays."""
        key = str(device_id)
        if self.kind != "devices" or key in {str(i) for i in known_ids} or key == str(keep_id):
            raise RuntimeError("DeleteGate.delete_copy: device %s is not a copy this run's adds made" % key)
        gone = self.client.delete_device(device_id)
        if gone:
            with self._lock:
                self.duplicates_removed.append(key)
        return gone


def refuse_groups_holding_devices(tenant, groups, force, field):
    """Refuse to delete groups that still hold devices unless ``force`` (what the service does with those devices
    is not documented). ``field``: the option that asked for the delete (``purge``, ``state``)."""
    if force:
        return
    counts = tenant.device_counts(groups)
    held = [(g["name"], counts[g["name"]]) for g in groups if counts.get(g["name"])]
    if held:
        raise UserError("%s: these groups still hold devices: %s; nothing was changed. Move the devices first, or set "
                        "force: true to delete the groups anyway (the service may move those devices to ALL or "
                        "delete them)" % (field, _listed("%s (%d)" % pair for pair in held)))
