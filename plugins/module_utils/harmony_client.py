# -*- coding: utf-8 -*-
# Copyright: (c) 2026, secops.mobile_security contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Client of the Harmony Mobile external API (Infinity Portal): the guide's calls 1-19 (call 10 excepted: see
docs/api-notes.md, "Delete by e-mail") on a :class:`TokenSession`.

Each method is one call: its path, its body, and for writes that may be left in doubt how to look before
writing again. Which filters a list may carry is its resource's filter table (``devices.FILTER_NAMES``,
``group_tree.FILTER_NAMES``, ``log_entries.FILTER_NAMES``); the identity of a device is the devices resource's.
"""

import re

from urllib.parse import quote

from ansible_collections.secops.mobile_security.plugins.module_utils.errors import ApiError, UserError
from ansible_collections.secops.mobile_security.plugins.module_utils import devices, group_tree, log_entries, paging
from ansible_collections.secops.mobile_security.plugins.module_utils.harmony_session import API_ROOT, TokenSession

_PATH_ID = re.compile(r"^[A-Za-z0-9_-]{1,64}$")


def path_id(value, field):
    """An id that is safe to put in a URL path: no '/', '..', '?' or '%' can get through."""
    text = str(value).strip() if value is not None else ""
    if not _PATH_ID.match(text):
        raise UserError("%s: %r is not a valid id (letters, digits, '-' and '_' only)" % (field, value))
    return quote(text, safe="")


class HarmonyMobileClient(TokenSession):
    # ---- groups (calls 14-18) ---------------------------------------------
    def list_groups(self):
        return list(self.paginate(API_ROOT + "/v1/groups/"))

    def groups_named(self, name):
        # Filtered again here: a server that ignored the name filter must not make every group match.
        return [g for g in self.list(API_ROOT + "/v1/groups/", {group_tree.FILTERS["name"]: name}, group_tree.FILTER_NAMES)
                if g.get("name") == name]

    def add_group(self, name, parent_id=None):
        body = {"name": name}
        if parent_id is not None:
            body["parent_id"] = parent_id
        in_doubt = False
        for _attempt in range(self.transport.retry_policy.retries + 1):
            try:
                return self.request("POST", API_ROOT + "/v1/groups/", json_body=body, idempotent=False)
            except ApiError as err:
                # Group names are unique: if it is there now, an earlier POST of ours made it. A 400
                # after a POST in doubt is the server refusing the name that POST already created.
                if not (err.ambiguous or (in_doubt and err.status == 400)):
                    raise
                if err.ambiguous and err.status is None:
                    self.in_doubt_writes += 1
                in_doubt = True
                found = self.groups_named(name)
                if found:
                    return found[0]
                if not err.ambiguous:
                    raise
        raise ApiError("could not confirm that group %r was created" % name, "POST", API_ROOT + "/v1/groups/")

    def edit_group(self, group_id, name=None, parent_id=None):
        body = {}
        if name is not None:
            body["name"] = name
        if parent_id is not None:
            body["parent_id"] = parent_id
        return self.request("PATCH", "%s/v1/groups/%s/" % (API_ROOT, path_id(group_id, "group id")), json_body=body)

    def delete_group(self, group_id):
        """Call 18; False when it was already gone. Only ``guards.DeleteGate`` calls it, after counting the run's
        deletes (tests/unit/test_delete_gate.py)."""
        return self.delete("%s/v1/groups/%s/" % (API_ROOT, path_id(group_id, "group id")))

    # ---- devices (calls 1-5, 10-12) -------------------------------------
    def get_device(self, device_id):
        return self.get("%s/v1/device_status/%s/" % (API_ROOT, path_id(device_id, "device_id")), {"format": "json"})

    def list_devices(self, filters=None, max_items=None, page_map=None, sequential=False):
        return self.list(API_ROOT + "/v1/device_status/", filters, devices.FILTER_NAMES, {"format": "json"},
                         max_items=max_items, page_map=page_map, sequential=sequential)

    def device_count(self):
        """How many devices the tenant holds by one small page's ``total_count`` (None: the page has none). A
        hint only (verify_adds reads the whole list unless it is exactly what that run expects)."""
        meta = paging.split_page(self.request("GET", API_ROOT + "/v1/device_status/",
                                              params={"format": "json", "limit": 1, "offset": 0}))[1]
        return paging.as_int(meta.get("total_count"))

    def add_device(self, name, email, number=None, groups=None, send_reg_email=None, send_reg_sms=None,
                   find_created=None):
        """Call 12. Returns the new device id.

        ``find_created()`` says, after a failure that leaves it in doubt whether the service added the device,
        the id of the device it added (None: not added, and the add is sent again). The caller owns what "the
        same device" is (the identity rule); without it a write in doubt is never repeated.
        """
        body = {"name": name, "email": email}
        if number:
            body["number"] = number
        if groups:
            body["groups"] = list(groups)
        if send_reg_email is not None:
            body["send_reg_email"] = bool(send_reg_email)
        if send_reg_sms is not None:
            body["send_reg_sms"] = bool(send_reg_sms)
        for _attempt in range(self.transport.retry_policy.retries + 1):
            try:
                answer = self.request("POST", API_ROOT + "/v2/device/", json_body=body, idempotent=False)
            except ApiError as err:
                if not err.ambiguous or find_created is None:
                    raise
                if err.status is None:
                    self.in_doubt_writes += 1
                created = find_created()
                if created is not None:
                    return created
                continue
            device_id = _device_id_from(answer)
            if device_id is None:
                raise ApiError("add device answer carried no device_id: %r" % (answer,), "POST", API_ROOT + "/v2/device/")
            return device_id
        raise ApiError("could not confirm that device %s was added" % email, "POST", API_ROOT + "/v2/device/")

    def delete_device(self, device_id):
        """Call 11; False when it was already gone. Only ``guards.DeleteGate`` calls it, after counting the run's
        deletes (tests/unit/test_delete_gate.py)."""
        return self.delete("%s/v1/device/%s/" % (API_ROOT, path_id(device_id, "device_id")))

    def resend_invitation(self, device_id, send_reg_email=True, send_reg_sms=False):
        """Call 6."""
        return self.request("POST", "%s/v1/device_status/%s/resend" % (API_ROOT, path_id(device_id, "device_id")),
                            json_body={"send_reg_email": bool(send_reg_email), "send_reg_sms": bool(send_reg_sms)},
                            idempotent=False)

    def mark_email_sent(self, device_id):
        """Call 7."""
        return self.request("POST", "%s/v1/device_status/%s/mark_email_sent/" % (
            API_ROOT, path_id(device_id, "device_id")), idempotent=True)

    # ---- alerts and audits (calls 13, 19) ---------------------------------
    def newest_log_id(self, kind):
        """The highest alert or audit id, from the first and the last one-item page (not the whole history)."""
        path = "%s/v3/%s/" % (API_ROOT, kind)
        objects, meta = paging.split_page(self.request("GET", path, params={"limit": 1, "offset": 0}))
        total = paging.as_int(meta.get("total_count"))
        if total is None:
            objects = list(self.paginate(path))
        elif total > 1:
            objects = objects + paging.split_page(self.request("GET", path, params={"limit": 1, "offset": total - 1}))[0]
        ids = [i for i in (paging.as_int(o.get("id")) for o in objects if isinstance(o, dict)) if i is not None]
        return max(ids) if ids else None

    def log_entries(self, kind, filters=None, max_items=None):
        return self.list("%s/v3/%s/" % (API_ROOT, kind), filters, log_entries.FILTER_NAMES[kind], max_items=max_items)


def _device_id_from(answer):
    if isinstance(answer, dict):
        for key in ("device_id", "id", "internal_id"):
            if answer.get(key) not in (None, ""):
                return str(answer[key])
        data = answer.get("data")
        if isinstance(data, dict):
            return _device_id_from(data)
    return None
