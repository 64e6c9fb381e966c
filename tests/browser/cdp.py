# -*- coding: utf-8 -*-
# Copyright: (c) 2026, secops.mobile_security contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Debian's Chromium driven through the Chrome DevTools protocol over --remote-debugging-pipe.

The pipe (Chromium reads fd 3, writes fd 4, one JSON message per NUL) needs no WebSocket library, no port
and no driver download: what a check needs beyond --dump-dom (await a promise, emulate a colour scheme,
print to PDF, take a screenshot) with nothing but the standard library.
"""

import base64
import fcntl
import json
import os
import select
import shutil
import subprocess
import tempfile
import time

CHROMIUM = "/usr/bin/chromium"
# Required on this machine: without them Chromium tries the network at start-up and can hang.
FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
         "--disable-background-networking", "--disable-component-update", "--disable-sync",
         "--hide-scrollbars", "--disable-extensions", "--mute-audio"]


class ProtocolError(Exception):
    pass


class Browser:
    """One headless Chromium with one page; ``call`` sends a command to the page and waits for its answer."""

    def __init__(self, width=1200, height=1600, timeout=120):
        self.timeout = timeout
        self.profile = tempfile.mkdtemp(prefix="fleet-cdp-")
        ours_read, chromium_write = os.pipe()
        chromium_read, ours_write = os.pipe()

        def wire_pipes():
            # Copied high first: a pipe end may already sit on fd 3 or 4 and must not be overwritten early.
            reading = fcntl.fcntl(chromium_read, fcntl.F_DUPFD, 10)
            writing = fcntl.fcntl(chromium_write, fcntl.F_DUPFD, 10)
            os.dup2(reading, 3)
            os.dup2(writing, 4)
            os.set_inheritable(3, True)
            os.set_inheritable(4, True)

        self.process = subprocess.Popen(
            [CHROMIUM] + FLAGS + ["--user-data-dir=" + self.profile, "--remote-debugging-pipe",
                                  "--window-size=%d,%d" % (width, height), "about:blank"],
            preexec_fn=wire_pipes, close_fds=False, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL)
        os.close(chromium_read)
        os.close(chromium_write)
        self.reader, self.writer = ours_read, ours_write
        self.buffer = b""
        self.next_id = 0
        self.session = None
        try:
            page = next(t for t in self.call("Target.getTargets", session=False)["targetInfos"] if t["type"] == "page")
            self.session = self.call("Target.attachToTarget", {"targetId": page["targetId"], "flatten": True},
                                     session=False)["sessionId"]
            self.call("Page.enable")
            self.call("Emulation.setDeviceMetricsOverride", {"width": width, "height": height,
                                                             "deviceScaleFactor": 1, "mobile": False})
        except Exception:
            self.close()
            raise

    def _message(self, deadline):
        while b"\0" not in self.buffer:
            left = deadline - time.monotonic()
            if left <= 0 or not select.select([self.reader], [], [], left)[0]:
                raise ProtocolError("Chromium did not answer within %d s" % self.timeout)
            chunk = os.read(self.reader, 1 << 20)
            if not chunk:
                raise ProtocolError("Chromium closed the pipe (exit %s)" % self.process.poll())
            self.buffer += chunk
        message, _nul, self.buffer = self.buffer.partition(b"\0")
        return json.loads(message)

    def call(self, method, params=None, session=True, wait_event=None):
        """The result of ``method``; with ``wait_event``, also wait for that event after the answer."""
        self.next_id += 1
        message = {"id": self.next_id, "method": method, "params": params or {}}
        if session:
            message["sessionId"] = self.session
        os.write(self.writer, json.dumps(message).encode() + b"\0")
        deadline = time.monotonic() + self.timeout
        result, seen = None, wait_event is None
        while result is None or not seen:
            answer = self._message(deadline)
            if answer.get("id") == self.next_id:
                if "error" in answer:
                    raise ProtocolError("%s: %s" % (method, answer["error"]))
                result = answer["result"]
            elif wait_event and answer.get("method") == wait_event:
                seen = True
        return result

    def open(self, path):
        self.call("Page.navigate", {"url": "file://" + os.path.abspath(path)}, wait_event="Page.loadEventFired")

    def evaluate(self, expression):
        """The value of a JavaScript expression in the page (a promise is awaited)."""
        answer = self.call("Runtime.evaluate", {"expression": expression, "awaitPromise": True,
                                                "returnByValue": True})
        if "exceptionDetails" in answer:
            raise ProtocolError("script failed: %s" % json.dumps(answer["exceptionDetails"])[:2000])
        return answer["result"].get("value")

    def colour_scheme(self, scheme):
        """Emulate ``prefers-color-scheme: <scheme>`` (light or dark) for the page as loaded."""
        self.call("Emulation.setEmulatedMedia", {"features": [{"name": "prefers-color-scheme", "value": scheme}]})

    def screenshot(self):
        return base64.b64decode(self.call("Page.captureScreenshot", {"format": "png"})["data"])

    def pdf(self):
        return base64.b64decode(self.call("Page.printToPDF", {"printBackground": True})["data"])

    def close(self):
        try:
            if self.process.poll() is None:
                try:
                    self.call("Browser.close", session=False)
                except (ProtocolError, OSError):
                    pass
                try:
                    self.process.wait(10)
                except subprocess.TimeoutExpired:
                    self.process.kill()
                    self.process.wait(10)
        finally:
            for fd in (self.reader, self.writer):
                try:
                    os.close(fd)
                except OSError:
                    pass
            shutil.rmtree(self.profile, ignore_errors=True)

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()
