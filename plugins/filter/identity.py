# -*- coding: utf-8 -*-
# Copyright: (c) 2026, secops.mobile_security contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Filter that pairs devices with the response targets a mapping names for their users, by the identity rule."""

from ansible.errors import AnsibleFilterError

from ansible_collections.secops.mobile_security.plugins.module_utils import devices as device_rules
from ansible_collections.secops.mobile_security.plugins.module_utils.errors import UserError


def hm_mapped_targets(found, mapping):
    """{mapped: [{email, device_id, target}], unmapped: [emails]} for ``found`` devices and an e-mail -> target
    ``mapping``, matched as every module matches e-mail (devices.mapped_by_email)."""
    try:
        return device_rules.mapped_by_email(found or [], mapping or {}, "mapping")
    except UserError as err:
        raise AnsibleFilterError("hm_mapped_targets: %s" % err)


class FilterModule:
    def filters(self):
        return {"hm_mapped_targets": hm_mapped_targets}
