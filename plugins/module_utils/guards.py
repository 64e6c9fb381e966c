# -*- coding: utf-8 -*-
# Copyright: (c) 2026, secops.mobile_security contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The one delete guard: what every module that deletes checks, once its whole plan is known, before it writes.

A module plans every delete of its run first (a device purge, identical copies, recreates, the devices of
one e-mail, a group purge, one group), then calls ``check_deletes`` with all of them and, for groups,
``refuse_groups_holding_devices``. Nothing is written before both pass, in check mode too, so a plan shows
the refusal a real run would meet. Deletes the user named one by one are counted too: ``max_deletes``
bounds what one run removes, however it was asked for.
"""


from ansible_collections.secops.mobile_security.plugins.module_utils.errors import UserError

DEFAULT_MAX_DELETES = "20%"
# A percentage never blocks this many deletes: removing 1 device of a 3-device group is ordinary.
MIN_PERCENT_ALLOWANCE = 5
SHOWN = 10
# A recreate deletes the device before it adds it again (the API cannot update a device): the phone must
# register again, so for the guard it is a delete like any other.
DELETING_ACTIONS = ("delete", "recreate")


def option_spec():
    """``max_deletes`` as every module that deletes takes it (doc fragment ``delete_guard``)."""
    return dict(type="str", default=DEFAULT_MAX_DELETES)


def deletes_in(ops):
    """The operations of a plan that delete an object (a device or group plan's items)."""
    return [op for op in ops if op["action"] in DELETING_ACTIONS]


def max_deletes_allowed(value, scope_size, field="max_deletes"):
    """How many deletes ``max_deletes`` allows in a scope of ``scope_size`` objects (None: no limit)."""
    text = str(value if value is not None else DEFAULT_MAX_DELETES).strip().lower()
    if text == "all":
        return None
    try:
        if text.endswith("%"):
            percent = float(text[:-1])
            if not 0 <= percent <= 100:
                raise ValueError
            return max(MIN_PERCENT_ALLOWANCE, int(scope_size * percent / 100.0))
        count = int(text)
        if count < 0:
            raise ValueError
        return count
    except ValueError:
        raise UserError("%s: %r is not a count (25), a percentage of the scope (20%%) or 'all'" % (field, value))


def _listed(names):
    names = list(names)
    more = " and %d more" % (len(names) - SHOWN) if len(names) > SHOWN else ""
    return ", ".join(names[:SHOWN]) + more


def check_deletes(deletes, scope_size, max_deletes, kind, scope, desired_field=None, desired_count=None):
    """Refuse a run whose planned deletes the user cannot have meant; call it once, with every delete planned.

    ``deletes``: a label for each object the run would delete (all of them: purge, copies, ...).
    ``scope_size``: how many objects the deletes are drawn from (what a percentage of ``max_deletes`` is of).
    ``kind``: the objects' plural noun (``devices``, ``groups``); ``scope``: where they are (``purge_groups
    (Sales, Field)``, ``the tenant``). ``desired_field``/``desired_count``: the option holding the desired list
    of a purge, whose emptiness (most often a misspelt inventory group or file) is refused unless
    ``max_deletes: all``.
    """
    deletes = list(deletes)
    if not deletes:
        return
    allowed = max_deletes_allowed(max_deletes, scope_size)
    if allowed is None:
        return
    if desired_field is not None and desired_count == 0:
        raise UserError("%s: empty with purge: true, which would delete all %d %s in %s (%s); an empty list is most "
                        "often a misspelt inventory group or file. Nothing was changed; to do this on purpose, set "
                        "max_deletes: all" % (desired_field, len(deletes), kind, scope, _listed(deletes)))
    if len(deletes) > allowed:
        raise UserError("max_deletes: the run would delete %d of the %d %s in %s (%s), more than max_deletes %s "
                        "allows (%d); nothing was changed. Check the desired state, or raise max_deletes (a count, a "
                        "percentage, or all)" % (len(deletes), scope_size, kind, scope, _listed(deletes),
                                                 max_deletes if max_deletes is not None else DEFAULT_MAX_DELETES,
                                                 allowed))


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
