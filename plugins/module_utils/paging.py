# -*- coding: utf-8 -*-
# Copyright: (c) 2026, secops.mobile_security contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Tastypie paging: follow ``meta`` rather than trusting the page size asked for.

A server may cap ``limit`` below what was asked; stopping on a short page
(as some public integrations do) would then lose data. So the next page is
``meta.next`` when given, else ``meta.offset`` + objects received while that
is below ``meta.total_count``. A bare JSON list is taken as the only page.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

from ansible.module_utils.six.moves.urllib.parse import urlsplit

from ansible_collections.secops.mobile_security.plugins.module_utils.errors import ApiError


def split_page(body):
    """(objects, meta) from a Tastypie page or a bare list."""
    if isinstance(body, list):
        return body, {}
    if isinstance(body, dict):
        objects = body.get("objects")
        if objects is None:
            objects = body.get("data") if isinstance(body.get("data"), list) else None
        if isinstance(objects, list):
            meta = body.get("meta") if isinstance(body.get("meta"), dict) else {}
            return objects, meta
    raise ApiError("expected a list page (meta/objects), got %s" % type(body).__name__)


def same_origin_path(next_link, base_url, current_path):
    """The path+query to request for ``meta.next``; refuses links to another host.

    Following a foreign link would hand the bearer token to that host.
    """
    parts = urlsplit(next_link)
    if parts.scheme or parts.netloc:
        base = urlsplit(base_url)
        if (parts.scheme, parts.netloc) != (base.scheme, base.netloc):
            raise ApiError("refusing to follow paging link to another host: %s://%s" % (parts.scheme, parts.netloc))
        path = parts.path
    elif next_link.startswith("?"):
        path = current_path.split("?", 1)[0]
    else:
        path = parts.path
    base_path = urlsplit(base_url).path.rstrip("/")
    # A gateway mounted under a path prefix may return links with or without it.
    if base_path and path.startswith(base_path + "/"):
        path = path[len(base_path):]
    return path + ("?" + parts.query if parts.query else "")


def iterate(get_page, path, params=None, page_size=100, base_url="", max_items=None):
    """Yield every object of a paged list. ``get_page(path, params)`` returns the parsed body."""
    params = dict(params or {})
    params.setdefault("limit", page_size)
    params.setdefault("offset", 0)
    next_path, next_params = path, params
    seen_links = set()
    yielded = 0
    while next_path is not None:
        body = get_page(next_path, next_params)
        objects, meta = split_page(body)
        for obj in objects:
            yield obj
            yielded += 1
            if max_items is not None and yielded >= max_items:
                return
        if not objects or not meta:
            return
        link = meta.get("next")
        if link:
            candidate = same_origin_path(link, base_url, next_path)
            if candidate in seen_links:
                raise ApiError("paging loop: the server returned the same next link twice (%s)" % candidate.split("?")[0])
            seen_links.add(candidate)
            next_path, next_params = candidate, None
            continue
        total = _as_int(meta.get("total_count"))
        offset = _as_int(meta.get("offset"))
        if total is None or offset is None or offset + len(objects) >= total:
            return
        next_path = path
        next_params = dict(params, offset=offset + len(objects))


def _as_int(value):
    try:
        return int(value)
    except (TypeError, ValueError):
        return None
