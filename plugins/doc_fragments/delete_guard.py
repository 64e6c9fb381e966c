# -*- coding: utf-8 -*-
# Copyright: (c) 2026, secops.mobile_security contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)


class ModuleDocFragment:
    # max_deletes and max_deletes_floor as every module that deletes takes them: the one delete guard and its
    # gate (module_utils/guards.py).
    DOCUMENTATION = r'''
options:
  max_deletes:
    description:
      - The most objects one run of the task may delete, checked against the whole plan before anything is
        written (in check mode too); a run that would exceed it writes nothing and says why.
      - A count (V(25)), a percentage of the scope the deletes come from (V(20%)), or V(all). The module's
        description says what its scope is.
      - A percentage is that share of the scope, rounded down; V(0%) and V(0) allow none. For small scopes see
        O(max_deletes_floor).
      - Every delete counts, however it was asked for - a purge, the identical copies C(remove_duplicates)
        removes, each device a C(recreate) deletes before adding it again (the phone must register again), the
        devices of one e-mail with C(state=absent), each group deleted. Only the copies of a device that the
        run's own adds made (another run added the same device at the same moment, or an add in doubt landed
        twice) are not, as they did not exist when the run read the list; they are their own count
        (C(duplicates_removed)).
    type: str
    default: "20%"
    version_added: "1.2.0"
  max_deletes_floor:
    description:
      - With a percentage above 0 in O(max_deletes), the fewest deletes it allows however small the scope. V(20%)
        of a 3-device group is 0 devices; with the default floor of 1 one of them may go.
      - Deletes of objects the task does not name (a purge, C(remove_duplicates), registration hygiene) never
        reach every object of their scope through the floor - all 3 of those devices, or a group's only device,
        take O(max_deletes=all) or a count. Deletes of objects the task names (C(state=absent) of a device, an
        e-mail's devices or a group; C(recreate) of the devices a list names) may take the last one.
      - V(0) makes a percentage exact. A count or V(all) in O(max_deletes) is not affected.
    type: int
    default: 1
    version_added: "1.2.0"
'''
