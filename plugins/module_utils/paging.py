# -*- coding: utf-8 -*-
# Copyright: (c) 2026, secops.mobile_security contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Tastypie paging that works whatever form ``meta.next`` takes.

The live service's ``meta.next`` is relative to the app mount
(``/external_api/v3/alert/?...&offset=100``, without ``/app/SBM``); other
servers give the gateway path, a full URL or a bare ``?query``, or no link at
all. Requesting the link as a path would 404 on the first of those forms, so
the client never does: it keeps the path it asked for and takes only
``limit`` and ``offset`` from the link. Without a usable link it continues
at ``meta.offset`` + objects received while that is below
``meta.total_count``. It never assumes the page size it asked for: a server
may cap ``limit``. A bare JSON list is taken as the only page.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

from ansible.module_utils.six.moves.urllib.parse import parse_qsl, urlsplit

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


def link_window(next_link, base_url):
    """(offset, limit) that a ``meta.next`` link asks for, each None when the link does not say.

    A link to another host is refused: following it would hand the bearer token to that host.
    """
    parts = urlsplit(str(next_link))
    if parts.scheme or parts.netloc:
        base = urlsplit(base_url)
        if (parts.scheme.lower(), parts.netloc.lower()) != (base.scheme.lower(), base.netloc.lower()):
            raise ApiError("refusing to follow paging link to another host: %s://%s" % (parts.scheme, parts.netloc))
    query = dict(parse_qsl(parts.query, keep_blank_values=True))
    return _as_int(query.get("offset")), _as_int(query.get("limit"))


def next_window(meta, base_url, offset, limit, received):
    """(offset, limit) of the page after this one, or None when this was the last page.

    ``offset``/``limit`` are what this page was asked for; ``received`` how many objects it held.
    """
    link = meta.get("next")
    page_offset = _as_int(meta.get("offset"))
    if page_offset is None:
        page_offset = offset
    elif page_offset != offset:
        # A server that ignores offset would hand us its first page again and again.
        raise ApiError("paging: asked for offset %d, the server answered with offset %d" % (offset, page_offset))
    if link:
        link_offset, link_limit = link_window(link, base_url)
        if link_offset is not None:
            return link_offset, link_limit or limit
    total = _as_int(meta.get("total_count"))
    if total is None:
        # A link without an offset (a cursor we cannot use on our own path) and no total: a full page
        # may have more behind it, a short one cannot.
        return (page_offset + received, limit) if link and received else None
    if page_offset + received >= total:
        return None
    return page_offset + received, limit


def iterate(get_page, path, params=None, page_size=100, base_url="", max_items=None):
    """Yield every object of a paged list. ``get_page(path, params)`` returns the parsed body."""
    params = dict(params or {})
    limit = _as_int(params.pop("limit", None)) or page_size
    offset = _as_int(params.pop("offset", None)) or 0
    yielded = 0
    while True:
        body = get_page(path, dict(params, limit=limit, offset=offset))
        objects, meta = split_page(body)
        for obj in objects:
            yield obj
            yielded += 1
            if max_items is not None and yielded >= max_items:
                return
        if not objects or not meta:
            return
        window = next_window(meta, base_url, offset, limit, len(objects))
        if window is None:
            return
        if window[0] <= offset:
            raise ApiError("paging loop: the server's next page starts at offset %d, not after %d" % (
                window[0], offset))
        offset, limit = window


def _as_int(value):
    try:
        return int(value)
    except (TypeError, ValueError):
        return None
