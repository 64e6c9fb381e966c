# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Benchmark helper: returns the records of a JSON file as ``devices``, as hm_device_info returns them.

It does nothing else (no HTTP), so its task time is what Ansible itself costs to start a module and to
return, scrub, decode and register that many records: the floor of any task that returns them.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r'''
module: bench_return_records
short_description: Return the records of a JSON file (benchmarks only)
description: Reads a JSON list from O(path) and returns it as C(devices), with C(count).
options:
  path:
    description: A JSON file holding a list.
    type: path
    required: true
author: secops.mobile_security contributors
'''

import json

from ansible.module_utils.basic import AnsibleModule


def main():
    module = AnsibleModule(argument_spec=dict(path=dict(type="path", required=True)), supports_check_mode=True)
    with open(module.params["path"]) as handle:
        records = json.load(handle)
    module.exit_json(changed=False, devices=records, count=len(records))


if __name__ == "__main__":
    main()
