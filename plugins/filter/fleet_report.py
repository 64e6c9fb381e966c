# -*- coding: utf-8 -*-
# Copyright: (c) 2026, secops.mobile_security contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Filter that turns hm_fleet_report results of several tenants into one index page."""

from ansible.errors import AnsibleFilterError

from ansible_collections.secops.mobile_security.plugins.module_utils import fleet_report


def fleet_report_index(reports):
    """The index page over ``reports`` (each hm_fleet_report's ``report``)."""
    if not isinstance(reports, list) or not all(isinstance(r, dict) and "counts" in r for r in reports):
        raise AnsibleFilterError("fleet_report_index: expected a list of hm_fleet_report results' report, got %r"
                                 % (type(reports).__name__,))
    return fleet_report.render_index(reports)


class FilterModule:
    def filters(self):
        return {"fleet_report_index": fleet_report_index}
