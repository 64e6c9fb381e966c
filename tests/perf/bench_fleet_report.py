"""Fleet report benchmark: the weekly report of a large tenant beside the full-list task, in the same run, under
each reading of call 5 (docs/api-notes.md, "Call 5 - two readings").

Run: .venv/bin/python -m tests.perf.bench_fleet_report [--devices 20000] [--latency-ms 50] [--repeats 3]
     [--readings entered,in-status]
     (make perf runs it after the other benchmarks)
The simulator holds every answer --latency-ms (the WAN profile of bench_wan.py). For each reading (the simulator's
``status_reading`` switch) each attempt times, one after the other, hm_device_info reading every device (full
records: the full-list task) and hm_fleet_report writing the page, CSV and JSON of the same tenant, and counts the
requests each sends; task times come from tests/perf/callback_plugins/task_timer.py. The targets: a report within
1.3x of the full-list task's time (the median of each attempt's own ratio: this VM's speed drifts over minutes)
and at most 1.25x its requests. It asserts nothing.
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
TIME_TARGET = 1.3
REQUEST_TARGET = 1.25


def task_run(sim, workdir, text, name):
    """(seconds the timed task took, requests the run sent)."""
    sim.reset_stats()
    _wall, timings = timed_playbook(sim, workdir, text, None, name)
    return sum(t["seconds"] for t in timings if t["name"] in ("list", "report")), sim.stats()["requests"]


def measure(sim, workdir, devices, repeats, reading):
    sim.variants(status_reading=reading)
    lists, reports, list_requests, report_requests = [], [], [], []
    for attempt in range(repeats):
        seconds, requests = task_run(sim, workdir, LIST_PLAYBOOK % {"count": devices, "options": ""},
                                     "list_%s_%d" % (reading, attempt))
        lists.append(seconds)
        list_requests.append(requests)
        dest = os.path.join(workdir, "reports-%s" % reading)
        seconds, requests = task_run(sim, workdir, REPORT_PLAYBOOK % {"dest": dest, "count": devices},
                                     "report_%s_%d" % (reading, attempt))
        reports.append(seconds)
        report_requests.append(requests)
    sim.variants()
    return lists, reports, list_requests, report_requests


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--devices", type=int, default=20000)
    parser.add_argument("--latency-ms", type=float, default=50.0)
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--readings", default="entered,in-status")
    args = parser.parse_args(argv)

    workdir = tempfile.mkdtemp(prefix="hm-fleet-")
    sim = Simulator(workdir).start()
    results = {}
    try:
        sim.seed(devices=args.devices, rng_seed=7)
        sim.config(latency_ms=args.latency_ms)
        for reading in args.readings.split(","):
            results[reading] = measure(sim, workdir, args.devices, args.repeats, reading)
        reports = os.path.join(workdir, "reports-%s" % reading)
        page = [n for n in os.listdir(reports) if n.endswith(".html")][0]
        size = os.path.getsize(os.path.join(reports, page))
    finally:
        sim.stop()
    print("Fleet report, %d devices, every answer held %.0f ms" % (args.devices, args.latency_ms))
    print("machine: %s, %d cores, Python %s" % (platform.machine(), os.cpu_count(), platform.python_version()))
    print()
    print("| %d devices at %.0f ms per answer | task | beside | ratio | target |" % (args.devices, args.latency_ms))
    print("|---|---|---|---|---|")
    for reading, (lists, reports, list_requests, report_requests) in results.items():
        paired = [r / l for r, l in zip(reports, lists)]
        asked = max(report_requests) / float(min(list_requests))
        print("| call 5 read as `%s`: hm_device_info, every device, full records (the full-list task) | %s, "
              "%s requests | | | |" % (reading, figures(lists), "/".join(str(n) for n in list_requests)))
        print("| call 5 read as `%s`: hm_fleet_report, page + CSV + JSON written | %s | %.2f s | %.2fx, the median "
              "of the attempts' own ratios (%s) | <= %.1fx: %s |" % (
                  reading, figures(reports), median(lists), median(paired), "/".join("%.2f" % r for r in paired),
                  TIME_TARGET, "met" if median(paired) <= TIME_TARGET else "not met"))
        print("| call 5 read as `%s`: requests, report against the full list | %s | %d | %.2fx (the report's most "
              "against the list's fewest) | <= %.2fx: %s |" % (
                  reading, "/".join(str(n) for n in report_requests), min(list_requests), asked, REQUEST_TARGET,
                  "met" if asked <= REQUEST_TARGET else "not met"))
    print()
    print("page: %.2f MB (lists capped at 50 rows each; every flagged device is in the CSV)" % (size / 1e6))


if __name__ == "__main__":
    main()
