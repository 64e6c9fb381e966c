# -*- coding: utf-8 -*-
# Copyright: (c) 2026, secops.mobile_security contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)


class ModuleDocFragment:
    # The one rule of what "the same device" means, shared by every module and plugin that finds devices.
    DOCUMENTATION = r'''
# Notes only; Ansible requires the options key in every fragment.
options: {}
notes:
  - "Device identity: a device is found by the user's e-mail, compared case-insensitively (C(Ana@Example.com) is
    C(ana@example.com)) and always from the device list, never from a server-side e-mail match that may be
    case-sensitive. A user with one device: that device, and a different C(name), C(number) or C(groups) is drift
    (reported; applied only with C(recreate)). A user with several devices: the one with the given C(name);
    none of them named so is refused unless a further device is asked for explicitly (hm_device
    C(additional_device)). Nothing ever adds a second device for a user silently."
'''
