# -*- coding: utf-8 -*-
# Copyright: (c) 2026, secops.mobile_security contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Filter that turns inventory hosts carrying hm_* variables into hm_device_sync entries."""

from ansible.errors import AnsibleFilterError


def hm_device_entries(hosts, hostvars):
    """One {email, name, number, groups} per host that defines hm_email; name defaults to the host name."""
    if hosts is None:
        return []
    if isinstance(hosts, str):
        hosts = [hosts]
    entries = []
    for host in hosts:
        try:
            variables = hostvars[host]
        except KeyError:
            raise AnsibleFilterError("hm_device_entries: host %r is not in hostvars" % (host,))
        if variables.get("hm_email") in (None, ""):
            continue
        entry = {"email": variables.get("hm_email"), "name": variables.get("hm_name") or str(host)}
        for field in ("number", "groups"):
            value = variables.get("hm_" + field)
            if value not in (None, "", []):
                entry[field] = value
        entries.append(entry)
    return entries


class FilterModule:
    def filters(self):
        return {"hm_device_entries": hm_device_entries}
