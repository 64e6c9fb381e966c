# -*- coding: utf-8 -*-
# Copyright: (c) 2026, secops.mobile_security contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)


class ModuleDocFragment:
    # Modules that change state: full check mode and diff. Combine with ansible.builtin.action_common_attributes.
    DOCUMENTATION = r'''
attributes:
  platform:
    platforms: all
    support: full
  check_mode:
    support: full
  diff_mode:
    support: full
'''

    # Modules that only read.
    INFO_MODULE = r'''
attributes:
  platform:
    platforms: all
    support: full
  check_mode:
    support: full
    details: The module only reads.
  diff_mode:
    support: none
'''
