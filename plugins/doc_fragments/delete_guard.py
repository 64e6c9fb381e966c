# -*- coding: utf-8 -*-
# Copyright: (c) 2026, secops.mobile_security contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)


class ModuleDocFragment:
    # max_deletes as every module that deletes takes it: the one delete guard (module_utils/guards.py).
    DOCUMENTATION = r'''
options:
  max_deletes:
    description:
      - The most objects one run of the task may delete, checked against the whole plan before anything is
        written (in check mode too); a run that would exceed it writes nothing and says why.
      - A count (V(25)), a percentage of the scope the deletes come from (V(20%); a percentage never blocks
        fewer than 5 deletes), or V(all). The module's description says what its scope is.
      - Every delete counts, however it was asked for - a purge, the identical copies C(remove_duplicates)
        removes, each device a C(recreate) deletes before adding it again (the phone must register again), the
        devices of one e-mail with C(state=absent), each group deleted.
    type: str
    default: "20%"
    version_added: "1.2.0"
'''
