# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Benchmark helper: writes each task's wall time (as profile_tasks measures it) to a JSON file.

ansible.posix's profile_tasks is not part of ansible-core; this does the same
measurement (task start to last result) without the extra collection.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r'''
name: task_timer
type: aggregate
short_description: Record task durations to a JSON file (benchmarks only)
description:
  - Writes [{"name", "seconds"}] to the file named by E(TASK_TIMER_FILE).
requirements:
  - enable in callbacks_enabled
'''

import json
import os
import time

from ansible.plugins.callback import CallbackBase


class CallbackModule(CallbackBase):
    CALLBACK_VERSION = 2.0
    CALLBACK_TYPE = "aggregate"
    CALLBACK_NAME = "task_timer"
    CALLBACK_NEEDS_ENABLED = True

    def __init__(self):
        super(CallbackModule, self).__init__()
        self.timings = []
        self.current = None

    def _finish(self):
        if self.current is not None:
            name, started = self.current
            self.timings.append({"name": name, "seconds": time.time() - started})
            self.current = None

    def v2_playbook_on_task_start(self, task, is_conditional):
        self._finish()
        self.current = (task.get_name(), time.time())

    def v2_playbook_on_handler_task_start(self, task):
        self.v2_playbook_on_task_start(task, False)

    def v2_playbook_on_stats(self, stats):
        self._finish()
        path = os.environ.get("TASK_TIMER_FILE")
        if path:
            with open(path, "w") as handle:
                json.dump(self.timings, handle)
