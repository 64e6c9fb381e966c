# -*- coding: utf-8 -*-
# Copyright: (c) 2026, secops.mobile_security contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Device status and risk codes: the guide's table, read tolerantly.

The live API has been seen sending codes as strings ("3"), the guide shows
numbers; users write names. Everything here accepts all three.
"""

from ansible_collections.secops.mobile_security.plugins.module_utils.errors import UserError

PROCESSING, USER_NOTIFIED, ACTIVE, INACTIVE = -1, 0, 1, 4
STATUS_NAMES = {PROCESSING: "processing", USER_NOTIFIED: "user_notified", ACTIVE: "active", INACTIVE: "inactive"}
# Statuses of a device nobody has registered yet (not a real phone: a copy may be removed).
UNREGISTERED = (PROCESSING, USER_NOTIFIED)
# Statuses of a device its user has registered (connected at least once since).
REGISTERED = (ACTIVE, INACTIVE)
RISK_NAMES = {0: "none", 1: "low", 2: "medium", 3: "high"}

_STATUS_ALIASES = {"provisioned": 0, "notified": 0, "user notified": 0, "in_active": 4, "in active": 4}
_RISK_ALIASES = {"no_risk": 0, "no risk": 0}


def _to_code(value, names, aliases, field):
    if isinstance(value, bool):
        raise UserError("%s: %r is not a valid value" % (field, value))
    if isinstance(value, int):
        code = value
    else:
        text = str(value).strip().lower()
        try:
            code = int(text)
        except ValueError:
            by_name = {name: code for code, name in names.items()}
            by_name.update(aliases)
            if text not in by_name:
                raise UserError("%s: %r is not one of %s (or their codes %s)" % (
                    field, value, ", ".join(sorted(names.values())), ", ".join(str(c) for c in sorted(names))))
            return by_name[text]
    if code not in names:
        raise UserError("%s: %r is not a known code (%s)" % (field, value, ", ".join(str(c) for c in sorted(names))))
    return code


def status_code(value, field="status"):
    return _to_code(value, STATUS_NAMES, _STATUS_ALIASES, field)


def risk_code(value, field="risk"):
    return _to_code(value, RISK_NAMES, _RISK_ALIASES, field)


def describe(value, names):
    """(code, name) for a code the API returned; unknown codes keep name None."""
    try:
        code = int(str(value).strip())
    except (TypeError, ValueError):
        return None, None
    return code, names.get(code)
