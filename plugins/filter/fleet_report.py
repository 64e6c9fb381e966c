# -*- coding: utf-8 -*-
# Copyright: (c) 2026, secops.mobile_security contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Filter that turns hm_fleet_report results of several tenants into one index page."""

import os

from ansible.errors import AnsibleFilterError

from ansible_collections.secops.mobile_security.plugins.module_utils import fleet_report


def fleet_report_index(results, directory=None):
    """The index page over ``results`` (hm_fleet_report results, or their ``report``). With ``directory``, only
    the tenants whose page was written there: the index links to pages beside it."""
    if not isinstance(results, list) or not all(isinstance(r, dict) and ("counts" in r or isinstance(
            r.get("report"), dict)) for r in results):
        raise AnsibleFilterError("fleet_report_index: expected a list of hm_fleet_report results or their report, "
                                 "got %r" % (type(results).__name__,))
    if directory is not None:
        if not all(isinstance(r.get("files"), dict) and r["files"].get("html") for r in results):
            raise AnsibleFilterError("fleet_report_index: directory=%r needs hm_fleet_report results (with files), "
                                     "not only their report" % (directory,))
        wanted = os.path.abspath(str(directory))
        beside = [r for r in results if os.path.dirname(os.path.abspath(r["files"]["html"])) == wanted]
        if results and not beside:
            raise AnsibleFilterError("fleet_report_index: directory=%r holds none of the %d tenants' pages (they are "
                                     "in %s)" % (directory, len(results), ", ".join(sorted({os.path.dirname(
                                         r["files"]["html"]) for r in results}))))
        results = beside
    return fleet_report.render_index([r["report"] if "report" in r else r for r in results])


class FilterModule:
    def filters(self):
        return {"fleet_report_index": fleet_report_index}
