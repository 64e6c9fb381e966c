# -*- coding: utf-8 -*-
# Copyright: (c) 2026, secops.mobile_security contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Filters of the fleet report role: one index page over several tenants' results, the record of a tenant
whose report failed, and the directories that hold pages."""

import os

from ansible.errors import AnsibleFilterError

from ansible_collections.secops.mobile_security.plugins.module_utils import fleet_report, fleet_report_files
from ansible_collections.secops.mobile_security.plugins.module_utils import fleet_index, fleet_report_page
from ansible_collections.secops.mobile_security.plugins.module_utils.errors import UserError


def _is_outcome(result):
    return isinstance(result, dict) and (result.get("failed") is True or "counts" in result or isinstance(
        result.get("report"), dict))


def _page_directory(result):
    """The directory of a result's page, or of its failure record."""
    files = result.get("files") if isinstance(result.get("files"), dict) else {}
    path = files.get("html") or files.get("failure")
    return os.path.dirname(os.path.abspath(path)) if path else None


def fleet_report_index(results, directory=None, template=None, stylesheet=None):
    """The index page over ``results`` (hm_fleet_report results, or their ``report``, and the failure records of
    ``fleet_report_failure``). With ``directory``, only the tenants whose page (or failure) was written there:
    the index links to pages beside it. ``template``, ``stylesheet``: files of one's own, as the module's."""
    results = _beside(results, directory, "fleet_report_index")
    try:
        return fleet_report_page.render_index(results, template or None, stylesheet or None)
    except UserError as err:
        raise AnsibleFilterError("fleet_report_index: %s" % err)


def fleet_report_index_csv(results, directory=None):
    """The index's table as CSV (``index.csv``): the same tenants as ``fleet_report_index`` with the same
    arguments, in the same order, with the same counts, changes, causes and errors."""
    return fleet_index.render_csv(fleet_index.ranked(_beside(results, directory, "fleet_report_index_csv")))


def _beside(results, directory, name):
    """The results of the tenants whose page (or failure) is in ``directory`` (all of them without one), each
    checked to be a result, a report or a failure record."""
    if not isinstance(results, list) or not all(_is_outcome(r) for r in results):
        raise AnsibleFilterError("%s: expected a list of hm_fleet_report results or their report, got %r" % (
            name, type(results).__name__))
    if directory is None:
        return results
    if not all(_page_directory(r) for r in results):
        raise AnsibleFilterError("%s: directory=%r needs hm_fleet_report results (with files), not only their "
                                 "report" % (name, directory))
    wanted = os.path.abspath(str(directory))
    beside = [r for r in results if _page_directory(r) == wanted]
    if results and not beside:
        raise AnsibleFilterError("%s: directory=%r holds none of the %d tenants' pages (they are in %s)" % (
            name, directory, len(results), ", ".join(sorted({_page_directory(r) for r in results}))))
    return beside


def fleet_report_failure(result, dest, host):
    """The record of a tenant whose report failed (``result``: the failed task's result, ``ansible_failed_result``
    in a rescue), for the index and the file the role keeps beside the pages: tenant, error, never a key."""
    return fleet_report_files.failure_record(result, str(dest), str(host))


def fleet_report_settings(stale_days, unanswered_days, min_client_version=None):
    """True when the report's settings are good; else fails naming the option and the value, as the module does
    (one check, ``fleet_report.check_settings``): settings every tenant shares are refused before any is read."""
    try:
        fleet_report.check_settings(stale_days, unanswered_days, min_client_version or None)
    except UserError as err:
        raise AnsibleFilterError(str(err))
    return True


def fleet_report_directories(results):
    """The directories that hold the results' pages (or failure records), sorted, each once."""
    return sorted({d for d in (_page_directory(r) for r in results if isinstance(r, dict)) if d})


class FilterModule:
    def filters(self):
        return {"fleet_report_index": fleet_report_index, "fleet_report_index_csv": fleet_report_index_csv,
                "fleet_report_failure": fleet_report_failure, "fleet_report_directories": fleet_report_directories,
                "fleet_report_settings": fleet_report_settings}
