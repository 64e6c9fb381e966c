# -*- coding: utf-8 -*-
# Copyright: (c) 2026, secops.mobile_security contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Checks of user input shared by every module: e-mail addresses and short text fields, and the existing values
closest to a mistyped one."""

import difflib
import re

from ansible_collections.secops.mobile_security.plugins.module_utils.errors import UserError

# One address, no list: a comma or semicolon means the user pasted several.
EMAIL_RE = re.compile(r"^[^@\s,;]+@[^@\s,;]+\.[^@\s,;]+$")
# The longest name, e-mail or number the Harmony Mobile guide's fields hold.
MAX_FIELD_LENGTH = 255


def validate_email(value, field="email", what="a valid email address"):
    """The address stripped of spaces; UserError naming ``field`` and the value otherwise."""
    if not isinstance(value, str) or not EMAIL_RE.match(value.strip()):
        raise UserError("%s: %r is not %s" % (field, value, what))
    if len(value) > MAX_FIELD_LENGTH:
        raise UserError("%s: is longer than %d characters" % (field, MAX_FIELD_LENGTH))
    return value.strip()


def validate_mdm_uuid(value, field="mdm_uuid"):
    """An MDM id with surrounding spaces removed; an empty one would match nothing (or everything)."""
    if not isinstance(value, str) or not value.strip():
        raise UserError("%s: must not be empty" % field)
    return value.strip()


def validate_text(value, field, required=False):
    if value is None or (isinstance(value, str) and not value.strip()):
        if required:
            raise UserError("%s: must not be empty" % field)
        return None
    if not isinstance(value, (str, int)) or isinstance(value, bool):
        raise UserError("%s: %r must be a string" % (field, value))
    value = str(value).strip()
    if len(value) > MAX_FIELD_LENGTH:
        raise UserError("%s: is %d characters long, the limit is %d" % (field, len(value), MAX_FIELD_LENGTH))
    return value


TRUE_WORDS = ("true", "yes", "on", "y", "1")
FALSE_WORDS = ("false", "no", "off", "n", "0")


def boolean(value, field=None):
    """True/False from a bool, 0/1 or a word (the strings environment variables, EDA arguments and API records
    carry; the string "False" is false). A value that says neither is None, or refused naming ``field``."""
    if isinstance(value, bool):
        return value
    if isinstance(value, int) and value in (0, 1):
        return bool(value)
    if isinstance(value, str):
        text = value.strip().lower()
        if text in TRUE_WORDS:
            return True
        if text in FALSE_WORDS:
            return False
    if field is not None:
        raise UserError("%s: %r is not a boolean (true/false)" % (field, value))
    return None


# Characters a reader takes for one another when typing an id or a name: O for 0, l and I for 1.
CONFUSABLE = str.maketrans({"o": "0", "l": "1", "i": "1"})


def _similarity(value, existing):
    return difflib.SequenceMatcher(None, existing, value).ratio()


def closest(value, existing, count=3, cutoff=0.6):
    """The values of ``existing`` nearest to ``value`` (a mistyped id, name or e-mail), best first, at most
    ``count``, each at least ``cutoff`` alike (0 to 1). The one rule for every "closest ..." hint.

    Compared without case and with O/0, l/1 and I/1 taken as the same (a reader's likely slip), then, on a tie,
    as typed without case (so ``Seed-o`` comes before ``Seed-0`` for ``Seed-O`` when both exist), then in sort
    order: difflib alone breaks ties by reverse text order, which put ``Seed-4, Seed-3, Seed-2`` before the
    ``Seed-0`` that ``Seed-O`` meant."""
    typed = str(value).strip().casefold()
    normalised = typed.translate(CONFUSABLE)
    scored = []
    for candidate in sorted(set(str(e) for e in existing if e not in (None, ""))):
        folded = candidate.casefold()
        score = _similarity(normalised, folded.translate(CONFUSABLE))
        if score >= cutoff:
            scored.append((-score, -_similarity(typed, folded), candidate))
    return [candidate for _score, _typed, candidate in sorted(scored)[:count]]
