"""Reliability suite: profile selection and the closing table of what was tried and what survived.

RELIABILITY_PROFILE=short (make test) or full (make reliability).
"""

import os

import pytest

PROFILE = os.environ.get("RELIABILITY_PROFILE", "short")
SIZES = {
    "short": {"devices": 120, "interrupt_devices": 200, "kill_points": 6},
    "full": {"devices": 500, "interrupt_devices": 500, "kill_points": 8},
}[PROFILE]
ROWS = []


@pytest.fixture
def report():
    """Call report(area, tried, outcome) to add a row to the closing table."""
    def add(area, tried, outcome):
        ROWS.append((area, tried, outcome))
    return add


def pytest_terminal_summary(terminalreporter):
    if not ROWS:
        return
    width_area = max(len(r[0]) for r in ROWS)
    width_tried = max(len(r[1]) for r in ROWS)
    terminalreporter.write_sep("=", "reliability (%s profile): what was tried and what survived" % PROFILE)
    for area, tried, outcome in ROWS:
        terminalreporter.write_line("%-*s  %-*s  %s" % (width_area, area, width_tried, tried, outcome))
