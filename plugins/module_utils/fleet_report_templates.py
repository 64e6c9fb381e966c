# -*- coding: utf-8 -*-
# Copyright: (c) 2026, secops.mobile_security contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The fleet report's Jinja2 templates and stylesheet (rendered by ``fleet_report_page``, autoescaped).

They live in a Python file so that they travel wherever the module does (an installed collection, an execution
environment, the module's payload on its target), and are loaded by name: a user's own template (the module's
``template`` option) may ``{% extends "page.html.j2" %}`` and replace any block - ``brand`` (a logo),
``tiles``, one per section - or start from nothing. A new section is a template of its own here and one block
with its include in ``page.html.j2``.

Blocks of ``base.html.j2``: ``title``, ``head``, ``brand``, ``heading``, ``meta``, ``content``, ``footer``.
Blocks of ``page.html.j2``: ``tiles``, ``risk``, ``groups``, ``change``, ``history``, ``registration``,
``hygiene``, ``os``, ``clients``, ``lists``. Of ``index.html.j2``: ``tenants``.
"""

PAGE = "page.html.j2"
INDEX = "index.html.j2"

# Colours as variables, so a stylesheet of one's own recolours the page with a few lines (and dark mode with a
# few more). Contrast: every text colour is 4.5:1 or more on its background, in both schemes.
STYLE = """
:root{color-scheme:light dark;--bg:#ffffff;--fg:#1f1f1f;--muted:#555555;--border:#d0d0d0;--head:#f0f0f0;
--tile:#fafafa;--link:#0b57d0;--worse:#b3261e;--better:#146c2e;--accent:#3949ab}
@media (prefers-color-scheme:dark){:root{--bg:#121417;--fg:#e6e6e6;--muted:#b4b4b4;--border:#454a50;
--head:#23272c;--tile:#1b1e22;--link:#8ab4f8;--worse:#ff8a80;--better:#81c995;--accent:#9fa8da}}
html{background:var(--bg)}
body{font-family:system-ui,-apple-system,"Segoe UI",Roboto,Arial,sans-serif;margin:0 auto;padding:24px;
color:var(--fg);background:var(--bg);max-width:1100px;line-height:1.4}
header{border-bottom:3px solid var(--accent);margin-bottom:8px}
h1{font-size:22px;margin:0 0 4px}h2{font-size:18px;margin:28px 0 8px;border-bottom:1px solid var(--border);
padding-bottom:4px}h3{font-size:15px;margin:16px 0 6px}
a{color:var(--link)}.meta,.more,.note{color:var(--muted);font-size:13px}
.tiles{display:flex;flex-wrap:wrap;gap:12px;margin:16px 0;padding:0;list-style:none}
.tile{border:1px solid var(--border);border-radius:6px;padding:10px 14px;min-width:130px;background:var(--tile)}
.tile .value{display:block;font-size:24px;font-weight:700}.tile .label,.tile .note{display:block}
.change{display:block;font-size:13px;color:var(--muted)}.change.worse{color:var(--worse)}
.change.better{color:var(--better)}
.side{display:flex;flex-wrap:wrap;gap:16px;align-items:flex-start}
table{border-collapse:collapse;font-size:13px;margin:6px 0}caption{text-align:left;font-weight:600;padding:4px 0}
td,th{border:1px solid var(--border);padding:3px 8px;text-align:left;vertical-align:top}
th{background:var(--head)}td.n,th.n{text-align:right}tr.failed td{color:var(--worse)}
svg{display:block;margin:6px 0;max-width:100%;height:auto}svg .t{fill:var(--fg)}svg .axis{stroke:var(--muted)}
details{margin:4px 0 12px}summary{cursor:pointer;color:var(--link)}
.legend{display:flex;gap:14px;flex-wrap:wrap;font-size:13px;margin:4px 0;padding:0;list-style:none}
.swatch{display:inline-block;width:12px;height:12px;margin-right:4px;vertical-align:-1px;
border:1px solid var(--border)}
@media print{
:root{--bg:#ffffff;--fg:#000000;--muted:#333333;--border:#999999;--head:#eeeeee;--tile:#ffffff;--link:#000000}
body{max-width:none;padding:0}details::details-content{content-visibility:visible;display:block}
details>*:not(summary){display:block}details>table{display:table}
details>summary{list-style:none;font-weight:600;color:var(--fg)}
table{width:100%;page-break-inside:auto}tr{break-inside:avoid}thead{display:table-header-group}
td,th{word-break:break-word}section{break-inside:auto}h2,h3{break-after:avoid}
.tiles,svg{break-inside:avoid}}
"""

BASE = """<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="color-scheme" content="light dark">
<title>{% block title %}{{ title }}{% endblock %}</title>
<style>{{ style }}{{ own_style }}</style>
{% block head %}{% endblock %}
</head>
<body>
<header>
{% block brand %}{% endblock %}
{% block heading %}<h1>{{ title }}</h1>{% endblock %}
{% block meta %}{% endblock %}
</header>
<main>
{% block content %}{% endblock %}
</main>
<footer>
{% block footer %}<p class="meta">Written by the secops.mobile_security collection. Self-contained: no script,
nothing fetched.</p>{% endblock %}
</footer>
</body>
</html>"""

MACROS = """{% macro chart(c) -%}
<svg xmlns="http://www.w3.org/2000/svg" role="img" aria-label="{{ c.label }}" width="{{ c.width }}"
 height="{{ c.height }}" viewBox="0 0 {{ c.width }} {{ c.height }}" font-family="sans-serif" font-size="12">
{% for line in c.lines %}<line class="axis" x1="{{ line.x1 }}" y1="{{ line.y1 }}" x2="{{ line.x2 }}"
 y2="{{ line.y2 }}"/>{% endfor %}
{% for row in c.rows %}
{% if row.label %}<text class="t" x="{{ row.label_x }}" y="{{ row.y + 13 }}" text-anchor="{{ row.anchor }}">
{%- if row.full is defined and row.full %}<title>{{ row.full }}</title>{% endif %}{{ row.label }}</text>{% endif %}
{% for s in row.segments %}<rect x="{{ s.x }}" y="{{ row.y }}" width="{{ s.width }}" height="16"
 fill="{{ s.colour }}"><title>{{ s.title }}</title></rect>{% endfor %}
<text class="t" x="{{ row.value_x }}" y="{{ row.y + 13 }}">{{ row.value }}</text>
{% endfor %}
{% for item in c.legend %}<rect x="{{ item.x }}" y="{{ item.y }}" width="12" height="12" fill="{{ item.colour }}"/>
<text class="t" x="{{ item.x + 16 }}" y="{{ item.y + 11 }}">{{ item.text }}</text>{% endfor %}
</svg>
{%- endmacro %}

{% macro table(t, caption=true) -%}
<table>
{% if caption %}<caption>{{ t.caption }}</caption>{% endif %}
<thead><tr>{% for h in t.headers %}<th scope="col"{% if loop.index0 in t.numeric %} class="n"{% endif %}>
{{- h }}</th>{% endfor %}</tr></thead>
<tbody>
{% for row in t.rows %}<tr>{% for cell in row %}{% if loop.first %}<th scope="row">{{ cell }}</th>
{%- else %}<td{% if loop.index0 in t.numeric %} class="n"{% endif %}>{{ cell }}</td>{% endif %}{% endfor %}</tr>
{% endfor %}
</tbody>
</table>
{%- endmacro %}

{# A list of devices with an id to link to, its first cell the row's header, and how many it leaves out. #}
{% macro listing(id, caption, headers, rows, count) -%}
<table id="{{ id }}">
<caption>{{ caption }}</caption>
<thead><tr>{% for h in headers %}<th scope="col">{{ h }}</th>{% endfor %}</tr></thead>
<tbody>
{% for row in rows %}<tr>{% for cell in row %}{% if loop.first %}<th scope="row">{{ cell }}</th>
{%- else %}<td>{{ cell }}</td>{% endif %}{% endfor %}</tr>
{% endfor %}
</tbody>
</table>
{% if count > rows | length %}<p class="more">and {{ count - rows | length }} more</p>{% endif %}
{%- endmacro %}

{% macro numbers(t) -%}
<details><summary>The numbers of this chart</summary>
{{ table(t) }}
</details>
{%- endmacro %}

{% macro spark(s) -%}
<svg xmlns="http://www.w3.org/2000/svg" class="spark" role="img" aria-label="{{ s.label }}" width="{{ s.width }}"
 height="{{ s.height }}" viewBox="0 0 {{ s.width }} {{ s.height }}">
{%- for points in s.segments %}<polyline points="{{ points }}" fill="none" stroke="currentColor"
 stroke-width="1.5"/>{% endfor %}
{%- if s.dot %}<circle cx="{{ s.dot.x }}" cy="{{ s.dot.y }}" r="2.5" fill="currentColor"/>{% endif %}</svg>
{%- endmacro %}
"""

PAGE_TEMPLATE = """{% extends "base.html.j2" %}
{% import "macros.html.j2" as m %}
{% block meta %}<p class="meta">{% if connection %}{{ connection }}.
{% endif %}Generated {{ generated_at }}. Stale after {{ settings.stale_days }} days;
invitations unanswered after {{ settings.unanswered_days }} days; client baseline {{ client_baseline }}.
{% if baseline %}Changes are against the report of {{ baseline.since }}.{% else %}First report: no baseline
yet, so no change is shown.{% endif %}</p>{% endblock %}
{% block content %}
{% block tiles %}{% include "tiles.html.j2" %}{% endblock %}
{% block risk %}{% include "risk.html.j2" %}{% endblock %}
{% block groups %}{% include "groups.html.j2" %}{% endblock %}
{% block change %}{% include "change.html.j2" %}{% endblock %}
{% block history %}{% include "history.html.j2" %}{% endblock %}
{% block registration %}{% include "registration.html.j2" %}{% endblock %}
{% block hygiene %}{% include "hygiene.html.j2" %}{% endblock %}
{% block os %}{% include "os.html.j2" %}{% endblock %}
{% block clients %}{% include "clients.html.j2" %}{% endblock %}
{% block lists %}{% for list in lists %}{% include "device_list.html.j2" %}{% endfor %}{% endblock %}
{% endblock %}"""

TILES = """<section aria-labelledby="at-a-glance">
<h2 id="at-a-glance">At a glance</h2>
{% if not baseline %}<p class="note">First report: no baseline yet.</p>{% endif %}
<ul class="tiles">
{% for tile in tiles %}<li class="tile"><span class="value">{{ tile.value }}</span>
<span class="label">{{ tile.label }}</span>
{% if tile.note %}<span class="note">{{ tile.note }}</span>
{% endif %}
{% if tile.change %}<span class="change {{ tile.change.tone }}"><span aria-hidden="true">{{ tile.change.arrow }}
</span> {{ tile.change.text }}</span>{% elif baseline %}<span class="change">change not known</span>{% endif %}
</li>
{% endfor %}
</ul>
</section>"""

RISK = """{% import "macros.html.j2" as m %}<section aria-labelledby="risk">
<h2 id="risk">Risk</h2>
{{ m.chart(risk.chart) }}
{{ m.numbers(risk.numbers) }}
</section>"""

GROUPS = """{% import "macros.html.j2" as m %}<section aria-labelledby="groups">
<h2 id="groups">Riskiest groups</h2>
<p class="note">Ranked by the share of their devices at high risk, then at medium risk; a group counts its
sub-groups' devices. Groups of fewer than {{ groups.small }} devices are ranked after the others, since a share of
a handful of devices says little{% if groups.small_count %} ({{ groups.small_count | many("such group") }}){% endif %},
and are not in the chart.
{% if groups.left_out %}The chart shows the {{ groups.charted }} riskiest groups of {{ groups.small }} devices or
more; the other {{ groups.left_out.count | many("group") }} of {{ groups.small }} devices or more (rank{{ "s" if
groups.left_out.count != 1 }} {{ groups.left_out.first }}{% if groups.left_out.count != 1 %} to
{{ groups.left_out.last }}{% endif %}) {{ "are" if groups.left_out.count != 1 else "is" }} only in the table.
{% elif groups.charted %}The chart shows {{ "all" if groups.charted != 1 else "the" }}
{{ groups.charted | many("group") }} of {{ groups.small }} devices or more.
{% endif %}{% if groups.empty_count %}{{ groups.empty_count | many("group") }} without devices {{ "are" if
groups.empty_count != 1 else "is" }} not listed.{% endif %}</p>
<div class="side">
{% if groups.chart %}{{ m.chart(groups.chart) }}{% endif %}
<table>
<caption>Groups, riskiest first</caption>
<thead><tr><th scope="col" class="n">rank</th><th scope="col">group</th><th scope="col" class="n">devices</th>
<th scope="col" class="n">high risk</th><th scope="col" class="n">share high</th>
<th scope="col" class="n">medium risk</th><th scope="col" class="n">share medium</th></tr></thead>
<tbody>
{% for g in groups.ranked %}<tr><td class="n">{{ g.rank }}</td><th scope="row">{{ g.path }}{% if g.small %}
 (small){% endif %}</th><td class="n">{{ g.total }}</td><td class="n">{{ g.high }}</td>
<td class="n">{{ "%.0f" | format(g.high_share) }}%</td><td class="n">{{ g.medium }}</td>
<td class="n">{{ "%.0f" | format(g.medium_share) }}%</td></tr>
{% else %}<tr><td colspan="7">No group holds devices.</td></tr>
{% endfor %}
</tbody>
</table>
</div>
{% if groups.more %}<p class="more">and {{ groups.more | many("more group") }}</p>{% endif %}
</section>"""

CHANGE = """{% import "macros.html.j2" as m %}{% if change %}<section aria-labelledby="change">
<h2 id="change">Change since {{ change.since }}</h2>
{{ m.chart(change.chart) }}
{{ m.numbers(change.numbers) }}
</section>{% endif %}"""

REGISTRATION = """{% import "macros.html.j2" as m %}<section aria-labelledby="registration">
<h2 id="registration">Registration</h2>
{{ m.chart(registration.chart) }}
<p class="note">Registered: the service shows the device active or inactive, or reports a connection for it.
Never connected ({{ registration.never_connected }}): the service reports no connection for it{% if
registration.registered_unseen %}; {{ registration.registered_unseen | many("device") }} {{ "is" if
registration.registered_unseen == 1 else "are" }} both, registered with no connection reported{% endif %}.</p>
{{ m.numbers(registration.numbers) }}
</section>"""

OS = """{% import "macros.html.j2" as m %}<section aria-labelledby="os">
<h2 id="os">Operating systems</h2>
{% if os.chart %}{{ m.chart(os.chart) }}
<p class="note">Devices whose OS the service did not report are drawn in grey.</p>
{{ m.numbers(os.numbers) }}{% else %}<p>The tenant has no devices.</p>{% endif %}
</section>"""

CLIENTS = """{% import "macros.html.j2" as m %}<section aria-labelledby="clients">
<h2 id="clients">Client versions</h2>
{% if clients.chart %}<ul class="legend">{% for kind, colour in clients.legend %}<li><span class="swatch"
 style="background:{{ colour }}"></span>{{ kind }}</li>{% endfor %}</ul>
{{ m.chart(clients.chart) }}
{% if clients.more %}<p class="more">and {{ clients.more | many("more version") }} (in the table)</p>{% endif %}
{{ m.numbers(clients.numbers) }}{% else %}<p>The tenant has no devices.</p>{% endif %}
</section>"""

DEVICE_LIST = """<section aria-labelledby="list-{{ list.id }}">
<h2 id="list-{{ list.id }}">{{ list.title }} ({{ list.count }})</h2>
{% if list.note %}<p class="note">{{ list.note }}</p>{% endif %}
{% if list.rows %}<p class="note">Highest risk first, then the longest.</p>
<table>
<caption>{{ list.title }}</caption>
<thead><tr>{% for h in list.headers %}<th scope="col">{{ h }}</th>{% endfor %}</tr></thead>
<tbody>
{% for row in list.rows %}<tr>{% for cell in row.cells %}{% if loop.first %}<th scope="row">{{ cell }}</th>
{%- else %}<td>{{ cell }}</td>{% endif %}{% endfor %}</tr>
{% endfor %}
</tbody>
</table>
{% if list.more %}<p class="more">and {{ list.more }} more (all of them in the CSV file)</p>{% endif %}
{% elif list.empty and list.count != "unknown" %}<p>{{ list.empty }}</p>{% endif %}
</section>"""

HISTORY = """{% import "macros.html.j2" as m %}{% if history and history.reports < 2 %}
<section aria-labelledby="history">
<h2 id="history">Trends</h2>
<p>First report: trends and new/resolved devices start with the next report.</p>
</section>{% elif history %}<section aria-labelledby="history">
<h2 id="history">Over the last {{ history.reports }} reports</h2>
{% if history.cause %}<p class="note">Since the last report: {{ history.cause }}.</p>{% endif %}
<table>
<caption>Each count over the reports since {{ history.first }}</caption>
<thead><tr><th scope="col">devices</th><th scope="col">trend</th><th scope="col" class="n">now</th>
<th scope="col" class="n">change</th></tr></thead>
<tbody>
{% for line in history.lines %}<tr><th scope="row">{{ line.words }}</th><td>{{ m.spark(line.spark) }}</td>
<td class="n">{{ "unknown" if line.now is none else line.now }}</td>
<td class="n">{{ line.change | signed }}</td></tr>
{% endfor %}
</tbody>
</table>
{{ m.numbers(history.numbers) }}
{% if history.group_changes %}<details><summary>The change per group</summary>
{{ m.table(history.group_changes) }}
</details>{% endif %}
{% for kind in history.kinds %}
<h3 id="changes-{{ kind.kind }}">{{ kind.title }}: {% if kind.known %}{{ kind.new }} new this week,
{{ kind.resolved }} resolved since last week{% else %}new and resolved not known{% endif %}</h3>
{% if not kind.known %}<p class="note">{{ kind.why }}.</p>{% endif %}
{% for name, rows, count in (("New this week", kind.new_rows, kind.new),
                             ("Resolved since last week", kind.resolved_rows, kind.resolved)) %}
{% if rows %}<details><summary>{{ name }} ({{ count }})</summary>
{{ m.listing(kind.kind ~ ("-new" if loop.first else "-resolved"), kind.title ~ ": " ~ name | lower, history.headers,
             rows, count) }}
</details>
{% endif %}
{% endfor %}
{% endfor %}
</section>{% endif %}"""

HYGIENE = """{% import "macros.html.j2" as m %}{% if hygiene %}<section aria-labelledby="hygiene">
<h2 id="hygiene">Reminders and the next hygiene run</h2>
<h3 id="reminders">Do reminders work?</h3>
<p>{{ hygiene.total.sent }} reminder{{ "s" if hygiene.total.sent != 1 }} sent from {{ hygiene.period.from }} to
{{ hygiene.period.to }}: <strong>{{ hygiene.rate }}</strong>.</p>
{% if hygiene.groups.rows %}{{ m.table(hygiene.groups) }}{% endif %}
<h3 id="next-run">The next run: {{ hygiene.next.date }}</h3>
<p class="note">With the settings it will use: {{ hygiene.next.said }}. Devices invited after this report are not
counted.</p>
{% if not hygiene.next.known %}<p>Not known: {{ hygiene.next.why }}.</p>
{% else %}<p>It will remind <strong>{{ hygiene.next.remind | many("device") }}</strong> and delete
<strong>{{ hygiene.next.delete | many("device") }}</strong>{% if hygiene.next.waiting %};
{{ hygiene.next.waiting | many("device") }} reminded too lately to be reminded again{% endif %}.
{% if hygiene.next.refused %}Its delete guard would refuse the run ({{ hygiene.next.delete | many("delete") }},
max_deletes allows {{ hygiene.next.max_deletes_allowed }}): it would change nothing.{% endif %}</p>
{% for name, rows, count in (("To be reminded", hygiene.next.remind_rows, hygiene.next.remind),
                             ("To be deleted", hygiene.next.delete_rows, hygiene.next.delete)) %}
{% if rows %}{{ m.listing("next-" ~ ("remind" if loop.first else "delete"), name ~ " on " ~ hygiene.next.date,
                         hygiene.headers, rows, count) }}
{% endif %}
{% endfor %}
{% endif %}
</section>{% endif %}"""

INDEX_TEMPLATE = """{% extends "base.html.j2" %}
{% block content %}
{% block tenants %}{% import "macros.html.j2" as m %}<section aria-labelledby="tenants">
<h2 id="tenants">Tenants, worst first</h2>
<p class="note">Tenants whose report failed first (could not be read: nothing is known of them), then those
read whole but over a fail_when rule (standing "rule broken", their numbers beside the rule), then those that got
worse since their last report (more
high-risk devices first, then medium risk, then stale, unanswered, outdated and never-connected devices), then
those whose change is not known (a count the status history could not give, never taken for no change), then
tenants on their first report (no baseline yet), then the rest. A change is against each tenant's last report;
hover a tenant's name for its connection. The same table is in index.csv.</p>
<table>
<caption>{{ tenants | many("tenant") }}, {{ failed }} failed{% if rule_broken %} ({{ rule_broken }} over a fail_when
rule){% endif %}, {{ worse }} worse since {{ "its" if worse == 1 else "their" }} last report</caption>
<thead><tr><th scope="col" class="n">rank</th><th scope="col">tenant</th><th scope="col">standing</th>
<th scope="col" class="n">devices</th>{% for h in headers %}<th scope="col" class="n">{{ h }}</th>{% endfor %}
<th scope="col">what got worse</th><th scope="col">high risk, trend</th><th scope="col">generated</th></tr></thead>
<tbody>
{% for row in rows %}<tr{% if row.error %} class="failed"{% endif %}><td class="n">{{ row.rank }}</td>
<th scope="row"><span title="{{ row.details }}">{% if row.link %}<a href="{{ row.link }}">{{ row.tenant }}</a>
{%- else %}{{ row.tenant }}{% endif %}</span></th><td>{{ row.standing }}</td>
<td class="n">{{ "unknown" if row.devices is none else row.devices }}</td>
{% for cell in row.cells %}<td class="n">{{ cell }}</td>{% endfor %}
<td>{{ row.cause }}</td><td>{% if row.trend | length > 1 %}{{ m.spark(row.spark) }}{% elif row.trend %}first
report{% else %}not known{% endif %}</td>
<td>{{ row.generated_at or "" }}</td></tr>
{% endfor %}
</tbody>
</table>
</section>{% endblock %}
{% endblock %}"""

TEMPLATES = {
    "base.html.j2": BASE,
    "macros.html.j2": MACROS,
    PAGE: PAGE_TEMPLATE,
    "tiles.html.j2": TILES,
    "risk.html.j2": RISK,
    "groups.html.j2": GROUPS,
    "change.html.j2": CHANGE,
    "registration.html.j2": REGISTRATION,
    "os.html.j2": OS,
    "clients.html.j2": CLIENTS,
    "device_list.html.j2": DEVICE_LIST,
    "history.html.j2": HISTORY,
    "hygiene.html.j2": HYGIENE,
    INDEX: INDEX_TEMPLATE,
}
