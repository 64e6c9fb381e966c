# -*- coding: utf-8 -*-
# Copyright: (c) 2026, secops.mobile_security contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Reading a vendor's status answer, as passed through by SmartPT.

SmartPT does not document the shape of ``status``: it relays each vendor's
own answer. These readers know the shapes of the vendors' public APIs and
return True/False, or None when the answer cannot be read, in which case
the caller acts rather than guesses.
"""

_ISOLATED_WORDS = frozenset(("isolated", "agent_isolated", "isolate", "pending_start", "contained"))
_RELEASED_WORDS = frozenset(("not_isolated", "agent_unisolated", "unisolated", "unisolate", "released",
                             "pending_stop", "normal", "not isolated"))


def _word(value):
    if isinstance(value, bool):
        return value
    if isinstance(value, str):
        text = value.strip().lower()
        if text in _ISOLATED_WORDS:
            return True
        if text in _RELEASED_WORDS:
            return False
    return None


def _first(items):
    return items[0] if isinstance(items, list) and items and isinstance(items[0], dict) else None


def endpoint_isolated(platform, result):
    """True / False / None (unreadable) for an endpoint status answer."""
    if not isinstance(result, dict):
        return None
    candidates = []
    data = result.get("data")
    reply = result.get("reply")
    if platform == "wazuh" and isinstance(data, dict):
        item = _first(data.get("affected_items"))
        if item:
            candidates.append(item.get("isolated"))
            candidates.append(item.get("isolation"))
    if platform in ("paloalto", "cortex") and isinstance(reply, dict):
        item = _first(reply.get("endpoints")) or _first(reply.get("data"))
        if item:
            candidates.append(item.get("is_isolated"))
    if platform == "cisco" and isinstance(data, dict):
        candidates.append(data.get("status"))
        candidates.append(data.get("isolation", {}).get("status") if isinstance(data.get("isolation"), dict) else None)
    if platform == "defender":
        action = _first(result.get("value"))
        if action and str(action.get("status", "")).lower() == "succeeded":
            candidates.append(action.get("type"))
        candidates.append(result.get("isolationState"))
    # Shapes any vendor might use, tried last.
    candidates.extend([result.get("isolated"), result.get("is_isolated"), result.get("status")])
    for value in candidates:
        reading = _word(value)
        if reading is not None:
            return reading
    return None


def user_blocked(result):
    """True / False / None for an AzureADStatus answer (Graph's accountEnabled)."""
    if not isinstance(result, dict):
        return None
    for holder in (result, result.get("user"), result.get("data")):
        if isinstance(holder, dict) and isinstance(holder.get("accountEnabled"), bool):
            return not holder["accountEnabled"]
        if isinstance(holder, dict) and isinstance(holder.get("blocked"), bool):
            return holder["blocked"]
    return None
