# -*- coding: utf-8 -*-
# Copyright: (c) 2026, secops.mobile_security contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Devices: the normalised shape modules return, input validation and drift between asked and found."""

import re

from ansible_collections.secops.mobile_security.plugins.module_utils import codes
from ansible_collections.secops.mobile_security.plugins.module_utils.errors import UserError
from ansible_collections.secops.mobile_security.plugins.module_utils.validation import validate_email, validate_text

ENTRY_KEYS = ("email", "name", "number", "groups")


def record_id(raw):
    """The device id of a raw record (``internal_id``, or ``id`` in some answers), as a string."""
    value = raw.get("internal_id", raw.get("id"))
    return str(value) if value is not None else None


def normalise(raw):
    """The device as modules return it: the API's fields plus ids, group names and decoded codes."""
    # Records from some tenants lack groups; Tenant.normalised fills them in before this.
    groups = raw.get("groups") or []
    if isinstance(groups, dict):
        groups = [groups]
    group_list = [g for g in groups if isinstance(g, dict)]
    status_code, status_name = codes.describe(raw.get("status"), codes.STATUS_NAMES)
    risk_code, risk_name = codes.describe(raw.get("risk"), codes.RISK_NAMES)
    mdm = raw.get("mdm") if isinstance(raw.get("mdm"), dict) else {}
    return {
        "id": record_id(raw),
        "name": raw.get("name"),
        "email": raw.get("email"),
        "number": raw.get("number") or None,
        "groups": sorted(str(g.get("name")) for g in group_list),
        "group_ids": sorted(int(g["id"]) for g in group_list if str(g.get("id", "")).isdigit()),
        "status_code": status_code,
        "status_name": status_name,
        "risk_code": risk_code,
        "risk_name": risk_name,
        "mdm_uuid": mdm.get("uuid"),
        "os_type": raw.get("os_type") or None,
        "os_version": raw.get("os_version") or None,
        "model": raw.get("model") or None,
        "device_type": raw.get("device_type") or None,
        "client_version": raw.get("client_version") or None,
        "last_connection": raw.get("last_connection"),
        "mail_sent": raw.get("mail_sent"),
    }


# Every field of a returned device, in the order normalise() gives them (hm_device_info's ``fields``).
FIELDS = tuple(normalise({}))


def select_fields(records, fields):
    """The records with only ``fields`` (all of them when ``fields`` is None)."""
    if fields is None:
        return records
    return [dict((field, record.get(field)) for field in fields) for record in records]


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


def drift(wanted, current):
    """Fields where the found device differs from what is asked; unasked fields never drift."""
    fields = []
    if wanted.get("name") is not None and wanted["name"] != current.get("name"):
        fields.append("name")
    if wanted.get("number") is not None and (wanted["number"] or None) != (current.get("number") or None):
        fields.append("number")
    if wanted.get("groups") is not None and sorted(wanted["groups"]) != sorted(current.get("groups") or []):
        fields.append("groups")
    return fields


def select(found, email, name, additional=False):
    """The device a task means among one user's ``found`` devices (None: add one), by the identity rule.

    One device: that one, whatever its name (a different name is drift). Several: the one with this name.
    None of several has it: a further device only when ``additional``; otherwise refused, never guessed.
    """
    named = [d for d in found if name is not None and d["name"] == name]
    if named:
        return named[0]
    if additional or not found:
        return None
    if len(found) == 1:
        return found[0]
    raise UserError("name: %s already has %d devices (%s) and none is named %r; set additional_device: true to "
                    "add another, or give the name of the one you mean" % (
                        email, len(found), ", ".join("%s (id %s)" % (d["name"], d["id"]) for d in found), name))


def keep_unasked(wanted, current):
    """For a recreate: the fields the caller left out keep the existing device's values."""
    merged = dict(wanted)
    if merged.get("number") is None:
        merged["number"] = current.get("number")
    if merged.get("groups") is None and current.get("groups"):
        merged["groups"] = list(current["groups"])
    return merged


def row_label(path, position):
    """How messages name an entry of a devices file: the option, the file and where in it (``line 4`` as an
    editor numbers CSV lines, ``item 2`` in a YAML/JSON list)."""
    return "devices_file %s %s" % (path, position)


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


def email_key(email):
    """What makes two e-mails the same user's: the identity rule (case and surrounding spaces do not count)."""
    return (email or "").strip().lower()


def mapped_by_email(found, mapping, field):
    """{mapped: [{email, device_id, target}], unmapped: [emails]}: each device paired with the value ``mapping``
    (e-mail -> anything) gives its user by the identity rule. Keys that are one user's with different values
    are refused, naming ``field``: which one is meant cannot be known."""
    targets = {}
    for key, target in mapping.items():
        identity = email_key(str(key))
        if identity in targets and targets[identity][1] != target:
            raise UserError("%s: %r and %r are the same user's e-mail (case does not count) with different targets"
                            % (field, targets[identity][0], key))
        targets[identity] = (key, target)
    mapped, unmapped = [], set()
    for device in found:
        email = device.get("email")
        if email_key(email) in targets:
            mapped.append({"email": email, "device_id": device.get("id"), "target": targets[email_key(email)][1]})
        else:
            unmapped.add(email)
    return {"mapped": mapped, "unmapped": sorted(unmapped, key=str)}
