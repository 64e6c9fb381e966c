# -*- coding: utf-8 -*-
# Copyright: (c) 2026, secops.mobile_security contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The limit every bulk delete (device purge, group prune) checks against its plan before it writes."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

from ansible_collections.secops.mobile_security.plugins.module_utils.errors import UserError

DEFAULT_MAX_DELETES = "20%"
# A percentage never blocks this many deletes: removing 1 device of a 3-device group is ordinary.
MIN_PERCENT_ALLOWANCE = 5


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
        raise UserError("%s: %r is not a count (25), a percentage of the purge scope (20%%) or 'all'" % (field, value))
