"""Fault injection: decides, per API request, whether the simulator misbehaves.

Every fault except ``drop_after_write`` happens before the request touches
state, as a gateway or rate limiter in front of the real service would.
``drop_after_write`` applies the write and then drops the connection, the
ambiguous case a client must reconcile instead of blindly retrying.
"""

import random
import threading

FAULT_KEYS = ("rate_429", "rate_500", "rate_502", "rate_503", "rate_drop", "rate_slow", "rate_drop_after_write")
DEFAULTS = dict({k: 0.0 for k in FAULT_KEYS}, retry_after=1, slow_seconds=2.0, seed=None, paths="")


class FaultPlan:
    def __init__(self, **settings):
        self.lock = threading.Lock()
        self.settings = dict(DEFAULTS)
        self.random = random.Random()
        self.update(settings)

    def update(self, settings):
        with self.lock:
            for key, value in settings.items():
                if key not in DEFAULTS:
                    raise ValueError("unknown fault setting %r" % key)
                if key in FAULT_KEYS or key == "slow_seconds":
                    value = float(value)
                    if key in FAULT_KEYS and not 0.0 <= value <= 1.0:
                        raise ValueError("%s must be between 0 and 1, got %r" % (key, value))
                self.settings[key] = value
            self.random = random.Random(self.settings["seed"])
            return dict(self.settings)

    def applies_to(self, path):
        prefixes = [p for p in str(self.settings["paths"] or "").split(",") if p]
        return not prefixes or any(path.startswith(p) for p in prefixes)

    def draw(self, path, is_write):
        """Return the fault to inject for this request, or None."""
        with self.lock:
            if not self.applies_to(path):
                return None
            roll = self.random.random()
            for key in ("rate_429", "rate_500", "rate_502", "rate_503", "rate_drop", "rate_slow"):
                rate = self.settings[key]
                if roll < rate:
                    return key[len("rate_"):]
                roll -= rate
            if is_write and roll < self.settings["rate_drop_after_write"]:
                return "drop_after_write"
            return None

    @property
    def retry_after(self):
        return self.settings["retry_after"]

    @property
    def slow_seconds(self):
        return self.settings["slow_seconds"]
