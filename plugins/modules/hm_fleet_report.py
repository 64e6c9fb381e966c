#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: (c) 2026, secops.mobile_security contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

DOCUMENTATION = r'''
---
module: hm_fleet_report
short_description: Write the weekly fleet posture report of a Harmony Mobile tenant (HTML page, CSV, JSON)
version_added: "1.2.0"
description:
  - Reads the tenant once (its groups and every device, side by side; no call per device) and its status
    history (call 5, one windowed read per status, for how long invitations have waited), and writes three files
    to O(dest), C(<tenant>-<fingerprint>-fleet-report.html), C(.csv) and C(.json), where C(<tenant>) is the
    tenant's O(tenant_name) (else its tenant id or client id) and C(<fingerprint>) 8 hex digits of its gateway
    and client id, so two tenants never share a file.
  - The page is rendered from Jinja2 templates (autoescaped; O(template) and O(stylesheet) restyle it) and is
    self-contained (inline SVG charts, no script, no external fetch) so it opens from a mail attachment. At a
    glance, tiles with each headline count and its change against the baseline (up or down, and by how many; the
    first report says it has no baseline yet); the title is the tenant's short name, its connection under it.
    Then devices by risk, the groups ranked by their share of devices at high (then medium) risk with their
    counts (a group counts its sub-groups' devices; groups of fewer than 5 devices are ranked after the others);
    with O(history_dir), the history (a trend line per risk level and flag with its change, the change per group,
    the devices new and resolved; the first report kept there says trends start with the next one), else with a
    baseline the change per risk level and group; the registration funnel (added, user notified, registered); with
    O(hygiene), the reminders and the next hygiene run; devices by OS version and by client version (a version
    or OS the service did not report in its own colour); and the first 50 devices of each list, highest risk
    first, then the longest waited or longest unseen. The CSV file holds every flagged device.
  - Each chart is an image with a text alternative (C(role=img), C(aria-label)) and its numbers in a table,
    collapsed under the chart. Printed, every section is expanded and tables are not cut; the page follows the
    reader's dark or light colour scheme.
  - Flags are C(stale) (last connection more than O(stale_days) ago), C(never_connected), C(unanswered) (invited
    and not connected, waiting for O(unanswered_days) or more) and C(outdated) (a client older than
    O(min_client_version), or than the newest client seen in the tenant).
  - An invitation's age is in no device record. It is read from the service's status history (call 5, as
    M(secops.mobile_security.hm_registration_hygiene) does) - devices in C(user_notified) without a break for more
    than O(unanswered_days) - and each report also keeps when it first saw a device waiting, carried forward
    from the baseline (O(previous) or O(history_dir)). When call 5 cannot tell how long invitations have waited
    (the service ignores its window, or its answers fit neither reading; see C(report.status_reading)), the
    unanswered count is unknown (null, with C(report.unanswered_known) false) whether or not there is a baseline;
    a first-seen time then gives a row only a lower bound.
  - Every value from the service (names, e-mails, group names) is HTML-escaped; CSV cells that a spreadsheet
    would run as a formula get a leading quote.
  - Files are written atomically, mode 0600 (they name users).
author:
  - secops.mobile_security contributors (@secops)
options:
  dest:
    description: Directory for the three files; created when missing.
    type: path
    required: true
  stale_days:
    description: A device whose last connection is older than this many days is stale.
    type: int
    default: 30
  unanswered_days:
    description: An invitation waiting this many days or more is unanswered.
    type: int
    default: 7
  min_client_version:
    description:
      - Clients older than this dotted version (V(3.8.5.0000)) are outdated, compared part by part as numbers.
      - Without it, clients older than the newest one seen in the tenant are outdated.
    type: str
  previous:
    description: An earlier JSON report of the same tenant, the baseline for the trend and invitation ages.
    type: path
  history_dir:
    description:
      - Keep every report in this directory as C(<tenant>-<fingerprint>-fleet-report-<UTC time>.json); the newest one already
        there is the baseline.
      - What is kept is compact - the report's counts (risk, flags, groups, settings) and only the device ids next
        week's report needs to say which devices are new or resolved (high risk, stale, outdated) and since when
        invitations wait - about 1.2 MB a week for 100,000 devices (docs/performance.md). A full report kept
        there by an earlier version is still read (it knows stale and outdated devices, not every high-risk one).
      - From it the page draws a line per risk level and per flag over the last O(trend_reports) reports, and lists
        the devices new this week and resolved since last week at high risk, stale and with an outdated client.
      - A report of another tenant is never a baseline (the module refuses one given as O(previous)).
    type: path
  trend_reports:
    description:
      - How many reports the trend lines cover, this one included (2 or more), from O(history_dir).
    type: int
    default: 8
  hygiene:
    description:
      - The registration hygiene's record and settings (those of M(secops.mobile_security.hm_registration_hygiene),
        with its names and defaults). With it the page shows whether reminders work and what the next run will do.
      - Reminders - each device the record shows reminded since the baseline (else in the last 7 days), and what
        became of it, overall and per group - registered within O(hygiene.resend_every_days) (from the service's
        status history, call 5 - a connected status in the days after the reminder), not registered in that time,
        still within it, or deleted since. A device waiting again now counts as not registered. When the service
        ignores call 5's window the outcome is unknown, never a 0.
      - The next run - on O(hygiene.next_run), with these settings - which devices it will remind and which it will
        delete (the hygiene's own plan over the devices waiting now, how long they will have waited by then from
        the status history), and whether its delete guard (O(hygiene.max_deletes)) would refuse. Devices invited
        after the report are not in it.
    type: dict
    suboptions:
      state_file:
        description: The hygiene's O(secops.mobile_security.hm_registration_hygiene#module:state_file).
        type: path
        required: true
      resend_after_days:
        description: The hygiene's O(secops.mobile_security.hm_registration_hygiene#module:resend_after_days).
        type: int
        default: 7
      resend_every_days:
        description:
          - The hygiene's O(secops.mobile_security.hm_registration_hygiene#module:resend_every_days); also the
            time a reminded user has to register for the reminder to count as working.
        type: int
        default: 7
      delete_after_days:
        description:
          - The hygiene's O(secops.mobile_security.hm_registration_hygiene#module:delete_after_days); not given or
            0, the hygiene deletes nothing.
        type: int
      max_deletes:
        description: The hygiene's O(secops.mobile_security.hm_registration_hygiene#module:max_deletes).
        type: str
        default: "20%"
      max_deletes_floor:
        description: The hygiene's O(secops.mobile_security.hm_registration_hygiene#module:max_deletes_floor).
        type: int
        default: 1
      groups:
        description: The hygiene's O(secops.mobile_security.hm_registration_hygiene#module:groups).
        type: list
        elements: str
        default: []
      send_reg_email:
        description: The hygiene's O(secops.mobile_security.hm_registration_hygiene#module:send_reg_email).
        type: bool
        default: true
      send_reg_sms:
        description: The hygiene's O(secops.mobile_security.hm_registration_hygiene#module:send_reg_sms).
        type: bool
        default: false
      next_run:
        description:
          - When the hygiene runs next - its weekly schedule as C(monday 06:00) (UTC), or a time (ISO 8601,
            C(MM/DD/YYYY HH:MM:SS) or epoch milliseconds) not before the report. Not given, a run at the report's
            time.
        type: str
  fail_when:
    description:
      - Rules that fail the task B(after) the files are written, so that a scheduler's failure notification (an
        AWX notification template on failure) fires with the page there. In check mode a broken rule fails the
        task as the run would, and nothing is written.
      - Each rule's C(message), C(state) (C(exceeded), C(within) or C(unknown)) and numbers are in RV(thresholds).
        A rule whose value is not known - an increase on the first report, unanswered invitations the status
        history cannot date - neither passes nor fails in silence; it warns, or with O(fail_when[].if_unknown=fail)
        fails the task.
    type: list
    elements: dict
    default: []
    suboptions:
      measure:
        description: A risk level or a flag.
        type: str
        required: true
        choices: [none, low, medium, high, unknown, stale, never_connected, unanswered, outdated]
      above:
        description: Fail when more than this many devices are in O(fail_when[].measure) now.
        type: int
      increase_above:
        description: Fail when O(fail_when[].measure) has more than this many devices more than the baseline.
        type: int
      if_unknown:
        description: What a rule whose value is not known does.
        type: str
        choices: [warn, fail]
        default: warn
  template:
    description:
      - A Jinja2 template of one's own for the page, read where the module runs (autoescaped, rendered in a
        sandbox). It may start with C({% extends "page.html.j2" %}) and replace only the blocks it names -
        C(brand) (above the title, for a logo), C(heading), C(meta), C(footer), and one block per section -
        C(tiles), C(risk), C(groups), C(change), C(history), C(registration), C(hygiene), C(os), C(clients),
        C(lists). Every value the
        page shows is in the template's context (C(report) holds the whole report).
      - The collection's templates are in C(plugins/module_utils/fleet_report_templates.py).
      - A template that does not parse is refused naming the file and the line, before anything is written.
    type: path
  stylesheet:
    description:
      - A CSS file added to the page after its own styles, to restyle it (company colours; the page's colours are
        CSS variables such as C(--accent), C(--link), C(--bg) and C(--fg), set again for dark mode in a
        C(prefers-color-scheme) media query).
      - CSS only; a file holding C(</style>), C(<!--) or C(<script>) is refused.
    type: path
notes:
  - In check mode the module reads the tenant and the baseline, computes the report and returns it, and writes
    nothing; RV(ignore:changed) says whether any file would change.
extends_documentation_fragment:
  - secops.mobile_security.attributes
  - ansible.builtin.action_common_attributes
  - secops.mobile_security.harmony_mobile
  - secops.mobile_security.http_options
attributes:
  diff_mode:
    support: none
'''

EXAMPLES = r'''
- name: This week's report, compared with the last one kept
  secops.mobile_security.hm_fleet_report:
    dest: /srv/reports/mobile
    history_dir: /srv/reports/mobile/history
  register: fleet

- name: Headline
  ansible.builtin.debug:
    msg: "{{ fleet.report.risk.high }} high-risk devices, {{ fleet.report.counts.stale }} stale; {{ fleet.files.html }}"

- name: In the company's colours, with its logo above the title
  secops.mobile_security.hm_fleet_report:
    dest: /srv/reports/mobile
    history_dir: /srv/reports/mobile/history
    # brand.html.j2:
    #   {% extends "page.html.j2" %}
    #   {% block brand %}<img class="logo" alt="Acme Corp" src="data:image/png;base64,iVBORw0KGgo...">{% endblock %}
    template: /srv/reports/brand.html.j2
    # brand.css:
    #   :root { --accent: #0a7d4f; --link: #0a5c3a; }
    #   @media (prefers-color-scheme: dark) { :root { --accent: #5fd3a0; --link: #8fe3bd; } }
    #   .logo { height: 40px; float: right; }
    stylesheet: /srv/reports/brand.css

- name: With whether reminders work and the next hygiene run, failing the job when posture gets worse
  secops.mobile_security.hm_fleet_report:
    dest: /srv/reports/mobile
    history_dir: /srv/reports/mobile/history
    trend_reports: 12
    hygiene:
      state_file: /var/lib/hygiene/resends.json
      resend_after_days: 7
      resend_every_days: 7
      delete_after_days: 60
      next_run: monday 06:00
    fail_when:
      - measure: high
        increase_above: 5        # more than 5 high-risk devices more than last week
      - measure: unanswered
        above: 20
        if_unknown: fail         # a count the status history cannot give fails too

- name: Stricter, against a given baseline
  secops.mobile_security.hm_fleet_report:
    dest: /tmp/report
    stale_days: 14
    unanswered_days: 3
    min_client_version: 3.8.5
    previous: /srv/reports/mobile/history/acme-ee15eb5a-fleet-report-20261128T060000Z.json
'''

RETURN = r'''
report:
  description:
    - The report's numbers without the device lists (those are in the files).
    - C(risk) per level (none, low, medium, high, unknown); C(groups) each with C(id), C(name), C(path), C(depth),
      C(total), C(risk) (its whole subtree); C(os); C(client_versions) with C(outdated); C(funnel) (added, notified,
      connected - active or inactive, or a connection reported, the page's "registered"; a device active with no
      connection reported is also in C(never_connected)); C(counts) of flagged devices (stale, never_connected,
      unanswered, outdated; C(outdated) is null - not known, never 0 - when no device reported its client version,
      C(newest_client_version) null, and the page, index, CSV, history and O(fail_when) say unknown);
      C(unanswered_known);
      C(trend) (null without a baseline); C(settings), C(generated_at), C(schema_version), C(tenant).
    - C(status_reading) is the reading of call 5 the service's own answers show (C(entered), C(in_status) or
      C(unknown); docs/api-notes.md, the section on call 5's two readings). C(counts.unanswered) is exact when
      C(unanswered_known) is true, and null when how long invitations have waited cannot be told (never a 0 that
      may be short); with no device in user_notified it is exactly 0 while the reading stays C(unknown).
    - In the JSON file each flagged device awaiting registration has C(first_seen) (when a report first saw it
      waiting; started again when call 5 shows a shorter wait), and one in user_notified C(waiting) - C(days)
      (whole days, when known exactly), C(at_least_days) (a lower bound) and C(fewer_than_days) (an upper bound,
      null when none is known). Besides O(unanswered_days), call 5 is asked which devices have waited more than
      14, 30, 60 and 90 days (those above O(unanswered_days); only the stretch before its cutoff is read), so a
      row says V(at least 30 days, fewer than 60 days), or the days when the bounds meet; a first-seen date is
      added only when an earlier report saw the device waiting. The CSV has the same as C(waited), in the words
      of the page, and C(first_seen).
    - C(history) - C(reports) (how many), C(points) (each report's time, total and C(values) per risk level and
      flag, null where not known), C(series) (per measure, oldest first), C(change) (per measure since the
      baseline, null without one), C(changes) (per kind - high, stale, outdated - C(known), C(new), C(resolved),
      and C(why) when not known), C(new_high_causes) (the devices new at high risk, each counted once under its
      first flag of outdated, stale, never_connected, unanswered, else C(other)) and C(cause), the week's
      worsening in words as the index shows it - each measure that went up with its change, and in brackets the
      flags of the devices newly at high risk, after V(of the 12 new) (V(high +12), then V(8 outdated clients,
      4 stale) in those brackets; then V(stale +3));
      V(no worse) when nothing went up, null on a first report.
      The devices themselves are in the JSON file (C(changed_devices)), not here.
    - C(hygiene), with O(hygiene) - C(effectiveness) (C(period), C(resend_every_days), C(total) and C(groups),
      each with C(sent), C(registered), C(waiting), C(not_registered), C(deleted), C(unknown) and C(rate), the
      share registered of those whose time is up, null while unknown or until more than half of the reminders
      sent are past their days) and C(next_run) (C(date), C(settings),
      C(known), C(remind), C(delete), C(waiting) (reminded too lately to be reminded again), C(refused) (the
      delete guard would refuse the run) and C(max_deletes_allowed)). The devices are in the JSON file
      (C(hygiene_devices)).
  returned: always
  type: dict
  sample: {total: 120, risk: {none: 48, low: 24, medium: 24, high: 24, unknown: 0}, funnel: {added: 120,
           notified: 100, connected: 80}, counts: {stale: 20, never_connected: 40, unanswered: 10, outdated: 30},
           unanswered_known: true, status_reading: entered}
files:
  description: Paths written (or, in check mode, that would be written); C(history) with O(history_dir).
  returned: always
  type: dict
  sample: {html: /srv/reports/acme-ee15eb5a-fleet-report.html, csv: /srv/reports/acme-ee15eb5a-fleet-report.csv,
           json: /srv/reports/acme-ee15eb5a-fleet-report.json}
thresholds:
  description:
    - Each O(fail_when) rule's outcome - C(measure), C(limit) (C(above) or C(increase_above)), C(value) (the
      limit), C(count) (now), C(change) (since the baseline, for C(increase_above)), C(state) (C(exceeded),
      C(within) or C(unknown)), C(fails) (whether it fails the task) and C(message).
    - Also in the result of a task the rules failed, beside RV(files) (written) and RV(report).
  returned: always
  type: list
  elements: dict
  sample: [{measure: high, limit: increase_above, value: 5, count: 31, change: 7, state: exceeded, fails: true,
            if_unknown: warn, message: "high: 31 devices, +7 since the baseline, more than 5"}]
baseline:
  description: The earlier report compared with, or null.
  returned: always
  type: str
tenant:
  description: The tenant the task worked on, never the key.
  returned: always
  type: dict
  sample: {name: acme, gateway_url: "https://gw.example.com", client_id: 6e1c0a, tenant_id: null, label: "acme: 6e1c0a at gw.example.com"}
'''

from ansible_collections.secops.mobile_security.plugins.module_utils import fleet_history, fleet_reminders
from ansible_collections.secops.mobile_security.plugins.module_utils import fleet_report_files, fleet_thresholds
from ansible_collections.secops.mobile_security.plugins.module_utils.module_base import HarmonyMobileModule


class FleetReportModule(HarmonyMobileModule):
    def __init__(self):
        super().__init__(dict(
            dest=dict(type="path", required=True),
            stale_days=dict(type="int", default=30),
            unanswered_days=dict(type="int", default=7),
            min_client_version=dict(type="str"),
            previous=dict(type="path"),
            history_dir=dict(type="path"),
            template=dict(type="path"),
            stylesheet=dict(type="path"),
            trend_reports=dict(type="int", default=fleet_history.DEFAULT_REPORTS),
            hygiene=fleet_reminders.option_spec(),
            fail_when=fleet_thresholds.option_spec(),
        ), mutually_exclusive=[("previous", "history_dir")])

    def execute(self):
        self.result.update(fleet_report_files.produce(self.tenant, self.tenant_record, self.params,
                                                      self.check_mode))
        for warning in fleet_thresholds.warnings(self.result["thresholds"]):
            self.module.warn(warning)
        # After the files are written, so that a scheduler's notification of the failed job has a page to show.
        failure = fleet_thresholds.failure(self.result["thresholds"], not self.check_mode)
        if failure:
            self.fail(failure)


def main():
    FleetReportModule().run()


if __name__ == "__main__":
    main()
