#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: (c) 2026, secops.mobile_security contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

DOCUMENTATION = r'''
---
module: smartpt_action
short_description: Block users and isolate endpoints through SmartPT
version_added: "1.0.0"
description:
  - Calls the SmartPT security-actions API to block, unblock, report on or check a user in Azure AD, or to
    isolate, release or check an endpoint in Wazuh, Palo Alto Networks, Cisco Secure Endpoint, Cortex XDR or
    Microsoft Defender.
  - With O(state), the module asks for the target's status first and acts only when the target is not
    already in that state, so it is idempotent. When the vendor's status answer cannot be read, the module
    says so in a warning and acts (reports a change) rather than guessing.
  - With O(action), the documented action is sent as is.
author:
  - secops.mobile_security contributors (@secops)
options:
  platform:
    description: Where the target lives.
    type: str
    required: true
    choices: [azuread, wazuh, paloalto, cisco, cortex, defender]
  requester_email:
    description:
      - The requester's email address, sent as C(Email) as the API requires (the person on whose behalf the
        action is taken, for SmartPT's audit trail).
      - Named C(email) before 1.1.0; that name still works until 2.0.0 and warns. In every C(hm_*) module
        C(email) is the device user's address, so this module no longer uses that word for the requester.
    type: str
    required: true
    aliases: [email]
    version_added: "1.1.0"
  upn:
    description: User principal name of the Azure AD user. Required when O(platform=azuread).
    type: str
  agent_id:
    description:
      - Agent or endpoint id (or IP/hostname where the vendor accepts it). Required for every platform except C(azuread).
    type: str
  state:
    description:
      - Declarative target state. V(isolated) and V(released) for endpoints, V(blocked) and V(unblocked) for Azure AD users.
      - Mutually exclusive with O(action).
    type: str
    choices: [isolated, released, blocked, unblocked]
  action:
    description:
      - A raw documented action, sent once. Endpoints take V(isolate), V(releaseisolate), V(status);
        Azure AD takes V(AzureADBlock), V(AzureADUnblock), V(AzureADStatus), V(AzureADSreport) (audit report).
      - Status actions never report a change; every other action does. In check mode only status actions are sent.
    type: str
    choices: [isolate, releaseisolate, status, AzureADBlock, AzureADUnblock, AzureADStatus, AzureADSreport]
extends_documentation_fragment:
  - ansible.builtin.action_common_attributes
  - secops.mobile_security.smartpt
  - secops.mobile_security.http_options
attributes:
  platform:
    platforms: all
    support: full
  check_mode:
    support: full
    details: Only status requests are sent in check mode.
  diff_mode:
    support: full
    details: With O(state), the target state before and after.
'''

EXAMPLES = r'''
- name: Isolate a Wazuh agent (idempotent)
  secops.mobile_security.smartpt_action:
    platform: wazuh
    agent_id: "003"
    email: soc-analyst@example.com
    state: isolated

- name: Release a Defender machine, key from SMARTPT_COMPANY_KEY
  secops.mobile_security.smartpt_action:
    platform: defender
    agent_id: 7f3e2c1a9b
    email: soc-analyst@example.com
    state: released

- name: Block a user in Azure AD
  secops.mobile_security.smartpt_action:
    platform: azuread
    upn: jane.doe@example.com
    email: soc-analyst@example.com
    state: blocked
    company_key: "{{ vault_smartpt_company_key }}"

- name: Send an audit report for a user
  secops.mobile_security.smartpt_action:
    platform: azuread
    upn: jane.doe@example.com
    email: soc-analyst@example.com
    action: AzureADSreport

- name: Read a Cisco Secure Endpoint computer's status
  secops.mobile_security.smartpt_action:
    platform: cisco
    agent_id: 1c2d3e4f-aaaa-bbbb-cccc-0123456789ab
    email: soc-analyst@example.com
    action: status
  register: cisco_status
'''

RETURN = r'''
status_code:
  description: The C(statusCode) SmartPT returned for the last request sent.
  returned: always
  type: int
  sample: 200
message:
  description: SmartPT's message for the last request sent.
  returned: always
  type: str
  sample: Action executed successfully
action_result:
  description: The vendor's answer as SmartPT relayed it, unchanged (for a skipped action, the status answer).
  returned: always
  type: raw
  sample: {"data": {"affected_items": ["003"], "total_affected_items": 1}}
action_sent:
  description: The action that changed the target, or null when none was sent.
  returned: always
  type: str
  sample: isolate
previous_state:
  description: With O(state), what the status request said before acting (V(unknown) when it could not be read).
  returned: when O(state) is given
  type: str
  sample: released
'''

from ansible_collections.secops.mobile_security.plugins.module_utils import smartpt_targets
from ansible_collections.secops.mobile_security.plugins.module_utils.module_base import SmartptModule
from ansible_collections.secops.mobile_security.plugins.module_utils.smartpt_client import PLATFORM_PATHS


class SmartptActionModule(SmartptModule):
    def __init__(self):
        super().__init__(
            dict(
                platform=dict(type="str", required=True, choices=sorted(PLATFORM_PATHS)),
                requester_email=dict(type="str", required=True, aliases=["email"], deprecated_aliases=[
                    dict(name="email", version="2.0.0", collection_name="secops.mobile_security")]),
                upn=dict(type="str"),
                agent_id=dict(type="str"),
                state=dict(type="str", choices=["isolated", "released", "blocked", "unblocked"]),
                action=dict(type="str", choices=["isolate", "releaseisolate", "status", "AzureADBlock",
                                                 "AzureADUnblock", "AzureADStatus", "AzureADSreport"]),
            ),
            mutually_exclusive=[("state", "action")],
            required_one_of=[("state", "action")],
        )

    def execute(self):
        smartpt_targets.Target(self).run()


def main():
    SmartptActionModule().run()


if __name__ == "__main__":
    main()
