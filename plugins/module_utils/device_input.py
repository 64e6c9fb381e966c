# -*- coding: utf-8 -*-
# Copyright: (c) 2026, secops.mobile_security contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Devices as a user gives them: an entry from options, a devices file (CSV, YAML, JSON) and the check that the
groups entries name exist. Every bad value is named by its option, or by its file and line, before any write."""

import csv
import json
import os
import re

from ansible.module_utils.common.text.converters import to_native

from ansible_collections.secops.mobile_security.plugins.module_utils.errors import UserError
from ansible_collections.secops.mobile_security.plugins.module_utils.validation import validate_email, validate_text

try:
    import yaml
    HAS_YAML = True
except ImportError:
    HAS_YAML = False

ENTRY_KEYS = ("email", "name", "number", "groups")


def validate_groups(value, field="groups"):
    if value is None:
        return None
    if isinstance(value, str):
        value = re.split(r"[;|]", value)
    if not isinstance(value, list):
        raise UserError("%s: expected a list of group names, got %r" % (field, value))
    names = []
    for index, item in enumerate(value):
        name = validate_text(item, "%s[%d]" % (field, index), required=True)
        if name not in names:
            names.append(name)
    return names


def entry(raw, field="", default_groups=None):
    """A desired device from user input ({email, name, number, groups}, or the hm_-prefixed inventory keys).

    ``field`` names the entry in error messages: an option path (``devices[3]``), a row of a file
    (``devices_file devices.csv line 4``, see ``row_label``), or empty for a module's own options.
    """
    where = (field + ": " if " " in field else field + ".") if field else ""
    if not isinstance(raw, dict):
        raise UserError("%s: expected a mapping with email and name, got %r" % (field or "device", raw))
    data = {}
    for key in ENTRY_KEYS:
        if key in raw and raw[key] is not None:
            data[key] = raw[key]
        elif "hm_" + key in raw and raw["hm_" + key] is not None:
            data[key] = raw["hm_" + key]
    unknown = [k for k in raw if k not in ENTRY_KEYS and not (k.startswith("hm_") and k[3:] in ENTRY_KEYS)]
    if unknown:
        raise UserError("%s: unknown keys %s (allowed: %s)" % (
            field or "device", ", ".join(sorted(unknown)), ", ".join(ENTRY_KEYS)))
    groups = validate_groups(data.get("groups"), where + "groups")
    return {
        "email": validate_email(data.get("email"), where + "email"),
        "name": validate_text(data.get("name"), where + "name", required=True),
        "number": validate_text(data.get("number"), where + "number"),
        "groups": groups if groups else (list(default_groups) if default_groups else None),
    }


def row_label(path, position):
    """How messages name an entry of a devices file: the option, the file and where in it (``line 4`` as an
    editor numbers CSV lines, ``item 2`` in a YAML/JSON list)."""
    return "devices_file %s %s" % (path, position)


def read_file(path):
    """[(label naming the row for messages, {email, name, number, groups})] from a CSV, YAML or JSON file."""
    if not os.path.isfile(path):
        raise UserError("devices_file: %r does not exist or is not a file" % path)
    # utf-8-sig: Excel's "CSV UTF-8" starts the file with a byte-order mark.
    with open(path, encoding="utf-8-sig") as handle:
        text = handle.read()
    if path.lower().endswith(".csv"):
        reader = csv.reader(text.splitlines())
        header = [column.strip().lower() for column in next(reader, [])]
        if "email" not in header:
            raise UserError("devices_file: %r has no 'email' column (header must be email,name,number,groups; "
                            "found %s)" % (path, ", ".join(repr(c) for c in header) or "nothing"))
        rows = []
        for row in reader:
            if any(cell.strip() for cell in row):
                # line_num is the file line the row ends on, as an editor numbers it (quoted cells may span lines).
                rows.append((row_label(path, "line %d" % reader.line_num),
                             {key: (value or "").strip() or None for key, value in zip(header, row) if key}))
        return rows
    try:
        data = json.loads(text) if path.lower().endswith(".json") or not HAS_YAML else yaml.safe_load(text)
    except Exception as err:
        raise UserError("devices_file: %r is not valid YAML/JSON: %s" % (path, to_native(err)))
    if isinstance(data, dict) and isinstance(data.get("devices"), list):
        data = data["devices"]
    if not isinstance(data, list):
        raise UserError("devices_file: %r must hold a list of devices" % path)
    return [(row_label(path, "item %d" % index), item) for index, item in enumerate(data)]


def check_groups(entries, fields, known, check_mode=False, extra=()):
    """Refuse, naming each entry, groups that are not ``known`` (run_plan.known_groups: in the tenant or, in check
    mode, planned by an earlier task of the run or named in planned_groups).

    ``fields`` names each entry (``devices[3]``, ``devices_file devices.csv line 4``); ``extra`` is (group, field)
    pairs of other options.
    """
    missing = []
    for field, item in zip(fields, entries):
        for name in item.get("groups") or []:
            if name not in known:
                missing.append("%r (%s, %s)" % (name, field, item["email"]))
    missing += ["%r (%s)" % (name, field) for name, field in extra if name not in known]
    if missing:
        raise UserError("groups: %d group reference(s) to groups that do not exist%s: %s%s. Check the spelling; create "
                        "the groups first (hm_group, hm_group_hierarchy or the group_hierarchy role)%s. See "
                        "docs/gitops.md" % (
                            len(missing), " and that no earlier task of this run plans" if check_mode else "",
                            ", ".join(missing[:10]), " and %d more" % (len(missing) - 10) if len(missing) > 10 else "",
                            ", or name groups that something else creates in planned_groups"
                            if check_mode else ""))
