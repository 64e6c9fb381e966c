"""The fleet report page as a person sees it: opened in headless Chromium (Debian's package, `make browser`).

A page for 20,000 devices of the simulator's seed (a three-level group tree), made as a weekly run makes it - from
a history_dir of three earlier weekly reports (compact entries, the newest the baseline: the page's trend lines,
new and resolved devices) and the registration hygiene's record (reminders and the next run) - must draw every
chart (shapes of non-zero size in each SVG, trend lines, a screenshot that is not blank), show the risk and group
names, finish loading in under 2 s and weigh under 2 MB. The screenshot is kept as docs/images/fleet-report.png
(the README's) when FLEET_REPORT_SCREENSHOT=1.
"""

import datetime
import json
import os
import re
import shutil
import struct
import subprocess
import tempfile
import time
import zlib

import pytest

from tests.support import REPO_ROOT
from tests.simulator.seed import seed
from tests.simulator.store import Store

from ansible_collections.secops.mobile_security.plugins.module_utils import devices as device_shapes
from ansible_collections.secops.mobile_security.plugins.module_utils import fleet_history, fleet_report, times

CHROMIUM = "/usr/bin/chromium"
# Required on this machine: without them Chromium tries the network at start-up and can hang.
FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
         "--disable-background-networking", "--disable-component-update", "--disable-sync",
         "--hide-scrollbars", "--disable-extensions", "--mute-audio"]
DEVICES = 20000
TREE = {"EMEA": ["EMEA-Sales", "EMEA-Support"], "AMER": ["AMER-Sales", "AMER-Field"], "APAC": ["APAC-Sales"]}
SCREENSHOT = os.path.join(REPO_ROOT, "docs", "images", "fleet-report.png")

# Runs in a copy of the page only: what a person would check by eye, written where --dump-dom shows it.
PROBE = """<script>
window.addEventListener('load', function () {
  var nav = performance.getEntriesByType('navigation')[0];
  var charts = Array.prototype.map.call(document.querySelectorAll('svg'), function (svg) {
    var box = svg.getBoundingClientRect();
    var drawn = Array.prototype.filter.call(svg.querySelectorAll('rect'), function (shape) {
      var b = shape.getBBox(); return b.width > 0 && b.height > 0;
    }).length;
    var lines = svg.querySelectorAll('polyline').length;
    // Text outside the chart's own box is cut off where the chart ends (a label clipped on its left).
    var width = svg.viewBox.baseVal.width;
    var clipped = Array.prototype.filter.call(svg.querySelectorAll('text'), function (text) {
      var b = text.getBBox(); return b.x < 0 || b.x + b.width > width;
    }).map(function (text) { return text.textContent; });
    return {label: svg.getAttribute('aria-label'), spark: svg.classList.contains('spark'), width: box.width,
            height: box.height, drawn: drawn, lines: lines, clipped: clipped};
  });
  var out = document.createElement('pre');
  out.id = 'probe';
  out.textContent = JSON.stringify({load_ms: nav.loadEventStart - nav.startTime, charts: charts,
                                    text: document.body.innerText});
  document.body.appendChild(out);
});
</script>"""


def installed_or_skip(path, missing):
    """``path``, installed by `make browser-setup` when it is not there yet; the test is skipped saying ``missing``
    where that could not install it."""
    if not os.path.exists(path):
        subprocess.run(["make", "-s", "browser-setup"], cwd=REPO_ROOT, stdout=subprocess.PIPE,
                       stderr=subprocess.STDOUT, check=False, timeout=900)
    if not os.path.exists(path):
        pytest.skip(missing)
    return path


def chromium_or_skip():
    return installed_or_skip(CHROMIUM, "Chromium is not installed and `make browser-setup` could not install it "
                                       "(apt-get install chromium): the page was not checked in a browser")


def chromium(*args, timeout=120):
    profile = tempfile.mkdtemp(prefix="fleet-chromium-")
    try:
        return subprocess.run([CHROMIUM] + FLAGS + ["--user-data-dir=" + profile] + list(args),
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, timeout=timeout, check=False)
    finally:
        shutil.rmtree(profile, ignore_errors=True)


def fleet(workdir, count=DEVICES):
    """(groups, normalised devices) of a simulated tenant seeded with ``count`` devices in a three-level tree."""
    store = Store(os.path.join(workdir, "fleet.db"))
    leaves = []
    for parent, children in TREE.items():
        top = store.add_group(parent)
        for child in children:
            store.add_group(child, top["id"])
            leaves.append(child)
    seed(store, devices=count, groups=leaves + list(TREE), rng_seed=29)
    _total, records = store.query_devices([], [], 0, count + 1)
    return store.list_groups(), [device_shapes.normalise(r) for r in records]


def weekly(groups, found, now, tenant):
    """This week's report with the history a weekly run finds in its history_dir: three earlier reports, kept as
    compact entries, each with another few hundred devices at another risk or connected lately (so devices are new
    and resolved at high risk and stale), the newest the baseline; and the registration hygiene's reminders."""
    from tests.browser.test_accessible_printable_dark import hygiene  # it imports this module's helpers
    # Call 5 read as entered: two of every three invitations in user_notified have waited more than 7 days.
    waiting = {d["id"] for i, d in enumerate(found) if d["status_name"] == "user_notified" and i % 3}
    entries = []
    for weeks, step in ((3, 23), (2, 29), (1, 37)):
        then = now - datetime.timedelta(days=7 * weeks)
        lately = times.iso_utc(then - datetime.timedelta(days=1))
        devices = [dict(d, risk_name="none" if d["risk_name"] == "high" else "high") if i % step == 0
                   else dict(d, last_connection=lately) if i % (step + 4) == 0 and d["last_connection"] else d
                   for i, d in enumerate(found)]
        earlier = fleet_report.compute(groups, devices, then, 30, 7, tenant=tenant,
                                       previous=entries[-1] if entries else None, waiting_longer=waiting,
                                       status_reading="entered")
        entries.append(fleet_history.entry(earlier, devices))
    report = fleet_report.compute(groups, found, now, 30, 7, tenant=tenant, previous=entries[-1],
                                  waiting_longer=waiting, status_reading="entered")
    # As hm_fleet_report does (fleet_report_files): the flags' changes against the baseline, for the tiles.
    report["trend"]["counts"] = fleet_report.count_changes(report, entries[-1])
    report["history"], report["changed_devices"] = fleet_history.history(report, found, entries)
    report["hygiene"], report["hygiene_devices"] = hygiene(found, now)
    return report


@pytest.fixture(scope="module")
def page(tmp_path_factory):
    chromium_or_skip()
    workdir = str(tmp_path_factory.mktemp("fleet-page"))
    groups, found = fleet(workdir)
    now = datetime.datetime.now(datetime.timezone.utc).replace(microsecond=0)
    tenant = {"name": "acme", "gateway_url": "https://cloudinfra-gw.portal.checkpoint.com", "client_id": "6e1c0a",
              "tenant_id": None, "label": "acme: 6e1c0a at cloudinfra-gw.portal.checkpoint.com"}
    report = weekly(groups, found, now, tenant)
    path = os.path.join(workdir, "acme-fleet-report.html")
    with open(path, "w", encoding="utf-8") as handle:
        handle.write(fleet_report.render_html(report))
    return path, report


def probe(path):
    with open(path, encoding="utf-8") as handle:
        text = handle.read()
    probed = path[:-5] + "-probe.html"
    with open(probed, "w", encoding="utf-8") as handle:
        handle.write(text.replace("</body>", PROBE + "</body>"))
    started = time.perf_counter()
    result = chromium("--window-size=1200,2000", "--dump-dom", "file://" + probed)
    wall = time.perf_counter() - started
    found = re.search(r'<pre id="probe">(.*?)</pre>', result.stdout, re.S)
    assert found, (result.returncode, result.stderr[-2000:])
    return json.loads(found.group(1).replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&")), wall


def png_pixels(path):
    """(width, height, bytes per pixel, rows of RGB(A) bytes) of an 8-bit non-interlaced PNG file."""
    with open(path, "rb") as handle:
        return png_decode(handle.read())


def png_decode(data):
    """(width, height, bytes per pixel, rows of RGB(A) bytes) of an 8-bit non-interlaced PNG (what Chromium writes)."""
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    offset, idat, header = 8, b"", None
    while offset < len(data):
        length, kind = struct.unpack(">I4s", data[offset:offset + 8])
        chunk = data[offset + 8:offset + 8 + length]
        if kind == b"IHDR":
            header = struct.unpack(">IIBBBBB", chunk)
        elif kind == b"IDAT":
            idat += chunk
        offset += 12 + length
    width, height, depth, colour, _c, _f, interlace = header
    assert depth == 8 and interlace == 0 and colour in (2, 6), header
    step = 3 if colour == 2 else 4
    raw = zlib.decompress(idat)
    stride = width * step
    rows, previous = [], bytearray(stride)
    for y in range(height):
        kind = raw[y * (stride + 1)]
        line = bytearray(raw[y * (stride + 1) + 1:(y + 1) * (stride + 1)])
        for x in range(stride):
            left = line[x - step] if x >= step else 0
            up = previous[x]
            corner = previous[x - step] if x >= step else 0
            if kind == 1:
                line[x] = (line[x] + left) & 255
            elif kind == 2:
                line[x] = (line[x] + up) & 255
            elif kind == 3:
                line[x] = (line[x] + (left + up) // 2) & 255
            elif kind == 4:
                p = left + up - corner
                pa, pb, pc = abs(p - left), abs(p - up), abs(p - corner)
                line[x] = (line[x] + (left if pa <= pb and pa <= pc else up if pb <= pc else corner)) & 255
        rows.append(bytes(line))
        previous = line
    return width, height, step, rows


def test_the_page_weighs_under_2_mb_and_fetches_nothing(page):
    path, _report = page
    size = os.path.getsize(path)
    print("page for %d devices: %.2f MB" % (DEVICES, size / 1e6))
    assert size < 2e6
    with open(path, encoding="utf-8") as handle:
        text = handle.read()
    assert not re.search(r"<script|<link|<img|<iframe|@import|url\(|src=", text, re.I)


def test_every_chart_is_drawn_the_labels_show_and_it_loads_in_under_2_s(page):
    path, report = page
    seen, wall = probe(path)
    print("load event after %.0f ms (chromium process %.1f s)" % (seen["load_ms"], wall))
    assert seen["load_ms"] < 2000
    charts = [c for c in seen["charts"] if not c["spark"]]
    # With a history, the change per risk level is in the trend table, not a chart of its own.
    assert [c["label"] for c in charts] == ["devices by risk", "devices by risk per group", "registration funnel",
                                            "devices by OS version", "devices by client version"]
    for chart in charts:
        assert chart["width"] > 100 and chart["height"] > 20 and chart["drawn"] >= 2, chart
    sparks = [c for c in seen["charts"] if c["spark"]]
    assert len(sparks) >= 7 and all(s["width"] > 50 and s["lines"] >= 1 for s in sparks), sparks
    assert any(s["label"].startswith("high risk over 4 reports") for s in sparks)
    for label in ("none", "low", "medium", "high", "EMEA-Sales", "AMER-Field", "APAC", "user notified",
                  "Not connected for 30 days or more", "Never connected", "Over the last 4 reports",
                  "new this week", "Do reminders work?", "The next run"):
        assert label in seen["text"], label
    assert "%d" % report["total"] in seen["text"]


def test_the_screenshot_is_not_blank(page, tmp_path):
    path, _report = page
    shot = str(tmp_path / "fleet-report.png")
    # Tall enough for the README to show the trend and the reminders, not only the top of the page.
    result = chromium("--window-size=1100,2950", "--screenshot=" + shot, "file://" + path)
    assert os.path.exists(shot), result.stderr[-2000:]
    width, height, step, rows = png_pixels(shot)
    assert (width, height) == (1100, 2950)
    colours, inked = set(), 0
    for row in rows[::5]:
        for x in range(0, len(row), step * 5):
            pixel = row[x:x + 3]
            colours.add(pixel)
            inked += pixel != b"\xff\xff\xff"
    # Text, bars in five risk colours and table lines: far more than a blank or one-colour page.
    assert len(colours) > 20 and inked > 0.02 * (len(rows) // 5) * (width // 5), (len(colours), inked)
    for colour in ("e53935", "4caf50", "ff9800"):
        assert bytes.fromhex(colour) in colours, colour
    if os.environ.get("FLEET_REPORT_SCREENSHOT") == "1":
        os.makedirs(os.path.dirname(SCREENSHOT), exist_ok=True)
        shutil.copyfile(shot, SCREENSHOT)


def test_long_group_paths_are_not_clipped_and_keep_their_full_path_in_a_tooltip(tmp_path):
    """A newcomer saw "L/AMER/AMER-Sales/AMER-Sales-East" in the group chart: the path cut by the chart's left
    edge. Every label now fits inside the chart, as Chromium lays it out."""
    chromium_or_skip()
    groups = [{"id": 1, "name": "ALL", "parent": None}]
    for index, name in enumerate(("AMER", "AMER-Sales", "AMER-Sales-East", "WWW-Wholesale-Mid-West-MMM")):
        groups.append({"id": 2 + index, "name": name, "parent": {"id": 1 + index}})
    groups.append({"id": 10, "name": "M" * 40, "parent": {"id": 1}})
    found = [device_shapes.normalise({
        "internal_id": str(i), "name": "Dev %d" % i, "email": "u%d@example.com" % i, "risk": str(i % 4),
        "status": "1", "groups": [{"id": 5 if i % 2 else 10, "name": "?"}]}) for i in range(20)]
    now = datetime.datetime.now(datetime.timezone.utc).replace(microsecond=0)
    report = fleet_report.compute(groups, found, now, 30, 7)
    path = str(tmp_path / "long-groups.html")
    with open(path, "w", encoding="utf-8") as handle:
        handle.write(fleet_report.render_html(report))
    seen, _wall = probe(path)
    chart = next(c for c in seen["charts"] if c["label"] == "devices by risk per group")
    assert chart["clipped"] == [], chart["clipped"]
    assert all(not c["clipped"] for c in seen["charts"]), [(c["label"], c["clipped"]) for c in seen["charts"]]
    with open(path, encoding="utf-8") as handle:
        assert "<title>ALL/AMER/AMER-Sales/AMER-Sales-East/WWW-Wholesale-Mid-West-MMM</title>" in handle.read()
