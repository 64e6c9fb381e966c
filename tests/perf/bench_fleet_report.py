"""Fleet report benchmark: the weekly report of a large tenant beside the full-list task, in the same run.

Run: .venv/bin/python -m tests.perf.bench_fleet_report [--devices 20000] [--latency-ms 50] [--repeats 3]
     (make perf runs it after the other benchmarks)
The simulator holds every answer --latency-ms (the WAN profile of bench_wan.py). Each attempt times, one after the
other, hm_device_info reading every device (full records: the full-list task) and hm_fleet_report writing the
page, CSV and JSON of the same tenant; task times come from tests/perf/callback_plugins/task_timer.py. The
target is a report within 1.5x of the full-list task; the verdict takes the median of each attempt's own ratio
(this VM's speed drifts over minutes). It asserts nothing.
"""

import argparse
import os
import platform
import tempfile

from tests.perf.bench_enrolment import timed_playbook
from tests.perf.bench_wan import LIST_PLAYBOOK, figures, median
from tests.support import Simulator

REPORT_PLAYBOOK = """
- name: Report
  hosts: localhost
  gather_facts: false
  tasks:
    - name: report
      secops.mobile_security.hm_fleet_report:
        dest: %(dest)s
      register: bench_report
    - name: count
      ansible.builtin.assert:
        that: bench_report.report.total == %(count)d
"""
TARGET = 1.5


def task_seconds(sim, workdir, text, name):
    _wall, timings = timed_playbook(sim, workdir, text, None, name)
    return sum(t["seconds"] for t in timings if t["name"] in ("list", "report"))


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--devices", type=int, default=20000)
    parser.add_argument("--latency-ms", type=float, default=50.0)
    parser.add_argument("--repeats", type=int, default=3)
    args = parser.parse_args(argv)

    workdir = tempfile.mkdtemp(prefix="hm-fleet-")
    sim = Simulator(workdir).start()
    try:
        sim.seed(devices=args.devices, rng_seed=7)
        sim.config(latency_ms=args.latency_ms)
        lists, reports = [], []
        for attempt in range(args.repeats):
            lists.append(task_seconds(sim, workdir, LIST_PLAYBOOK % {"count": args.devices, "options": ""},
                                      "list_%d" % attempt))
            reports.append(task_seconds(sim, workdir, REPORT_PLAYBOOK % {
                "dest": os.path.join(workdir, "reports"), "count": args.devices}, "report_%d" % attempt))
        paired = [r / l for r, l in zip(reports, lists)]
        page = [n for n in os.listdir(os.path.join(workdir, "reports")) if n.endswith(".html")][0]
        size = os.path.getsize(os.path.join(workdir, "reports", page))
    finally:
        sim.stop()
    print("Fleet report, %d devices, every answer held %.0f ms" % (args.devices, args.latency_ms))
    print("machine: %s, %d cores, Python %s" % (platform.machine(), os.cpu_count(), platform.python_version()))
    print()
    print("| %d devices at %.0f ms per answer | task | beside | ratio | target |" % (args.devices, args.latency_ms))
    print("|---|---|---|---|---|")
    print("| hm_device_info, every device, full records (the full-list task) | %s | | | |" % figures(lists))
    print("| hm_fleet_report: one read and the status history, page + CSV + JSON written | %s | %.2f s | %.2fx, the median of the attempts' "
          "own ratios (%s) | <= %.1fx: %s |" % (
              figures(reports), median(lists), median(paired), "/".join("%.2f" % r for r in paired), TARGET,
              "met" if median(paired) <= TARGET else "not met"))
    print()
    print("page: %.2f MB (lists capped at 50 rows each; every flagged device is in the CSV)" % (size / 1e6))


if __name__ == "__main__":
    main()
