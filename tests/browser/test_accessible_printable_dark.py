"""The fleet report page and the MSSP index in Debian's Chromium, through the DevTools protocol (tests/browser/cdp.py):

- axe-core (the npm package, pinned in the Makefile, installed by `make browser-setup` into .build/browser: nothing
  is fetched while the tests run) finds no serious or critical violation, in the light and in the dark scheme;
- the page of a tenant with four weekly reports (trend lines, new and resolved devices) and the registration
  hygiene's record (reminders and what became of them, the next run's preview), and the index over three tenants,
  are checked;
- printing to PDF gives a file holding every section: each heading, each collapsed section's title, and the
  first row of every table (a print stylesheet must open what the screen keeps collapsed);
- with ``prefers-color-scheme: dark`` the page is not blank and is darker than, not the same as, the light one.

Skipped with a message where Chromium (or axe-core) cannot be installed.
"""

import datetime
import json
import os
import re
import subprocess

import pytest

from tests.support import REPO_ROOT
from tests.browser import cdp
from tests.browser.test_fleet_report_page import chromium_or_skip, fleet, installed_or_skip, png_decode

from ansible_collections.secops.mobile_security.plugins.module_utils import codes, fleet_history, fleet_report
from ansible_collections.secops.mobile_security.plugins.module_utils import fleet_reminders

AXE_CORE = os.path.join(REPO_ROOT, ".build", "browser", "node_modules", "axe-core", "axe.min.js")
# Serious and critical violations fail; moderate and minor ones are printed for whoever restyles the page.
FAILING_IMPACTS = ("serious", "critical")
DEVICES = 1500
NOW = datetime.datetime(2026, 12, 7, 6, 0, tzinfo=datetime.timezone.utc)

AXE_RUN = """axe.run(document, {resultTypes: ['violations']}).then(function (result) {
  return {version: axe.version, violations: result.violations.map(function (v) {
    return {id: v.id, impact: v.impact, help: v.help, nodes: v.nodes.length,
            targets: v.nodes.slice(0, 3).map(function (n) { return n.target.join(' '); })};
  })};
})"""

# What a printed copy must hold, read from the page itself: headings, the titles of collapsible sections, and the
# first header and data cell of every table (in a collapsed section too, where innerText would be empty).
SECTIONS = """(function () {
  function words(node) { return (node ? node.textContent : '').replace(/\\s+/g, ' ').trim(); }
  var headings = [], cells = [];
  document.querySelectorAll('h1, h2, h3, summary').forEach(function (n) { headings.push(words(n)); });
  document.querySelectorAll('table').forEach(function (table) {
    cells.push(words(table.querySelector('th')));
    cells.push(words(table.querySelector('tr td')));
  });
  function kept(list) { return list.filter(function (text) { return text.length > 0; }); }
  return {headings: kept(headings), cells: kept(cells)};
})()"""


def tenant(name, client_id):
    gateway = "https://cloudinfra-gw.portal.checkpoint.com"
    return {"name": name, "gateway_url": gateway, "client_id": client_id, "tenant_id": None,
            "label": "%s: %s at cloudinfra-gw.portal.checkpoint.com" % (name, client_id)}


def weekly_report(workdir, who, count=DEVICES):
    """A report with three earlier weekly reports (each week another share of the devices at another risk), its
    baseline the last of them and its trend over all four, as the module writes it with a history_dir."""
    groups, found = fleet(workdir, count)
    earlier = []
    for weeks, step in ((3, 23), (2, 29), (1, 37)):
        then = [dict(d, risk_name="none") if i % step == 0 else d for i, d in enumerate(found)]
        earlier.append(fleet_report.compute(groups, then, NOW - datetime.timedelta(days=7 * weeks), 30, 7, tenant=who,
                                            previous=earlier[-1] if earlier else None))
    report = fleet_report.compute(groups, found, NOW, 30, 7, tenant=who, previous=earlier[-1])
    report["trend"]["counts"] = fleet_report.count_changes(report, earlier[-1])
    report["history"], report["changed_devices"] = fleet_history.history(report, found, earlier)
    report["hygiene"], report["hygiene_devices"] = hygiene(found)
    return report


def hygiene(found, now=NOW):
    """The hygiene section as hm_fleet_report writes it with ``hygiene``: 60 reminders five days ago, a third of
    those users registered within 3 days, and the next Monday's run (resend after 7 days at most every 3, delete
    after 30)."""
    settings = fleet_reminders.check_settings({"state_file": "/nonexistent/resends.json", "delete_after_days": 30,
                                               "resend_every_days": 3, "next_run": "monday 06:00"}, now)
    notified = [d for d in found if d["status_code"] == codes.USER_NOTIFIED]
    resent = now - datetime.timedelta(days=5)
    resends = {d["id"]: resent for d in notified[:60]}
    registered = {resent: {d["id"] for d in notified[:60:3]}}
    section = {"effectiveness": fleet_reminders.effectiveness(resends, found, registered,
                                                              (now - datetime.timedelta(days=7), now), now, 3)}
    held = {"resend": {d["id"] for d in notified[::2]}, "delete": {d["id"] for d in notified[::5]}}
    section["next_run"], lists = fleet_reminders.preview(notified, held, resends, settings, len(found))
    return section, lists


def axe_or_skip():
    installed_or_skip(AXE_CORE, "axe-core is not installed and `make browser-setup` could not install it (npm "
                                "install axe-core into .build/browser): the page's accessibility was not checked")
    with open(AXE_CORE, encoding="utf-8") as handle:
        return handle.read()


@pytest.fixture(scope="module")
def pages(tmp_path_factory):
    """{"page": a tenant's page, "index": the index over three tenants' pages}, as files."""
    chromium_or_skip()
    workdir = tmp_path_factory.mktemp("a11y-pages")
    reports = []
    for number, name in enumerate(("acme", "globex", "initech")):
        tenant_dir = workdir / name
        tenant_dir.mkdir()
        reports.append(weekly_report(str(tenant_dir), tenant(name, "6e1c0a%d" % number), DEVICES // (number + 1)))
    paths = {"page": str(workdir / (fleet_report.file_stem(reports[0]["tenant"]) + ".html")),
             "index": str(workdir / "index.html")}
    with open(paths["page"], "w", encoding="utf-8") as handle:
        handle.write(fleet_report.render_html(reports[0]))
    with open(paths["index"], "w", encoding="utf-8") as handle:
        handle.write(fleet_report.render_index(reports))
    return paths


@pytest.fixture(scope="module")
def browser(pages):
    with cdp.Browser() as opened:
        yield opened


def serious(violations):
    return [v for v in violations if v["impact"] in FAILING_IMPACTS]


@pytest.mark.parametrize("scheme", ["light", "dark"])
@pytest.mark.parametrize("which", ["page", "index"])
def test_axe_core_finds_no_serious_or_critical_violation(pages, browser, which, scheme):
    source = axe_or_skip()
    browser.colour_scheme(scheme)
    browser.open(pages[which])
    browser.evaluate(source + "\n;true")
    found = browser.evaluate(AXE_RUN)
    print("axe-core %s on the %s (%s): %s" % (found["version"], which, scheme, json.dumps(found["violations"])))
    assert found["violations"] is not None
    assert not serious(found["violations"]), json.dumps(serious(found["violations"]), indent=1)


def test_the_axe_check_catches_a_serious_violation(pages, browser, tmp_path):
    """The check above can fail: the same page with its language removed and an unlabelled image added."""
    source = axe_or_skip()
    with open(pages["page"], encoding="utf-8") as handle:
        text = handle.read()
    broken = tmp_path / "broken.html"
    broken.write_text(re.sub(r'<html lang="[^"]*"', "<html", text, count=1).replace(
        "<body>", '<body><img src="data:image/gif;base64,R0lGODlhAQABAAAAACw=">', 1), encoding="utf-8")
    browser.colour_scheme("light")
    browser.open(str(broken))
    browser.evaluate(source + "\n;true")
    ids = {v["id"] for v in serious(browser.evaluate(AXE_RUN)["violations"])}
    assert {"html-has-lang", "image-alt"} <= ids, ids


def pdf_text(pdf, tmp_path):
    path = tmp_path / "printed.pdf"
    path.write_bytes(pdf)
    result = subprocess.run(["pdftotext", "-enc", "UTF-8", str(path), "-"], capture_output=True, text=True,
                            check=False)
    assert result.returncode == 0, result.stderr
    return result.stdout


def bare(text):
    return re.sub(r"[\W_]+", "", text).lower()


def unprinted(browser, path, tmp_path):
    """(what the page at ``path`` must print, what its PDF lacks of it)."""
    browser.colour_scheme("light")
    browser.open(path)
    wanted = browser.evaluate(SECTIONS)
    pdf = browser.pdf()
    assert pdf[:5] == b"%PDF-"
    printed = pdf_text(pdf, tmp_path)
    print("%s printed: %d bytes of PDF, %d characters of text, %d headings and %d table cells looked for" % (
        os.path.basename(path), len(pdf), len(printed), len(wanted["headings"]), len(wanted["cells"])))
    # pdftotext joins a word broken at a line end without its hyphen, and a table cell's text may wrap inside its
    # column and be read interleaved with the next cells: headings are compared with only their letters and
    # digits, a cell word by word.
    letters = bare(printed)
    missing = [text for text in wanted["headings"] if bare(text) not in letters]
    missing += [text for text in wanted["cells"] if not all(bare(word) in letters for word in text.split())]
    return wanted, missing


def pdftotext_or_skip():
    installed_or_skip("/usr/bin/pdftotext", "pdftotext (poppler-utils) is not installed and `make browser-setup` "
                                            "could not install it: the printed page was not checked")


@pytest.mark.parametrize("which", ["page", "index"])
def test_printing_to_pdf_gives_every_section(pages, browser, which, tmp_path):
    pdftotext_or_skip()
    wanted, missing = unprinted(browser, pages[which], tmp_path)
    assert len(wanted["headings"]) >= (5 if which == "page" else 1) and wanted["cells"], wanted
    assert not missing, missing


def test_the_print_check_catches_a_section_left_collapsed(pages, browser, tmp_path):
    """The check above can fail: the index without its styles, its table in a closed <details>."""
    pdftotext_or_skip()
    with open(pages["index"], encoding="utf-8") as handle:
        text = handle.read()
    folded = tmp_path / "folded.html"
    unstyled = re.sub(r"<style.*?</style>", "", text, flags=re.S)
    folded.write_text(re.sub(r"(<table.*?</table>)", r"<details><summary>tenants</summary>\1</details>", unstyled,
                             count=1, flags=re.S), encoding="utf-8")
    _wanted, missing = unprinted(browser, str(folded), tmp_path)
    assert missing


def mean_luminance_and_colours(png):
    width, height, step, rows = png_decode(png)
    total, colours, samples = 0.0, set(), 0
    for row in rows[::6]:
        for x in range(0, width * step, step * 6):
            red, green, blue = row[x], row[x + 1], row[x + 2]
            colours.add((red, green, blue))
            total += 0.2126 * red + 0.7152 * green + 0.0722 * blue
            samples += 1
    return total / samples, colours


@pytest.mark.parametrize("which", ["page", "index"])
def test_dark_mode_renders_and_differs_from_light(pages, browser, which):
    shots, backgrounds = {}, {}
    for scheme in ("light", "dark"):
        browser.colour_scheme(scheme)
        browser.open(pages[which])
        backgrounds[scheme] = browser.evaluate(
            "[document.documentElement, document.body].map(function (n) {"
            " return getComputedStyle(n).backgroundColor; }).join(' / ')")
        shots[scheme] = mean_luminance_and_colours(browser.screenshot())
    print("%s: light %s, mean luminance %.0f, %d colours; dark %s, mean luminance %.0f, %d colours" % (
        which, backgrounds["light"], shots["light"][0], len(shots["light"][1]), backgrounds["dark"],
        shots["dark"][0], len(shots["dark"][1])))
    dark_luminance, dark_colours = shots["dark"]
    # Not blank: text and charts in several colours, not one flat fill.
    assert len(dark_colours) > (20 if which == "page" else 5), len(dark_colours)
    # Dark (so also different): clearly darker on the whole than the light rendering of the same page.
    assert dark_luminance < shots["light"][0] - 60, (dark_luminance, shots["light"][0])
