# -*- coding: utf-8 -*-
# Copyright: (c) 2026, secops.mobile_security contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Base classes that own AnsibleModule, the API client, check mode, diff and errors.

A module subclasses one of them, declares its own options and implements
``execute()``; ``main()`` is then ``ThatModule().run()``.
"""

import os
import threading
import traceback

from ansible.module_utils.basic import AnsibleModule, _load_params

from ansible_collections.secops.mobile_security.plugins.module_utils.arguments import (
    harmony_mobile_argument_spec, smartpt_argument_spec)
from ansible_collections.secops.mobile_security.plugins.module_utils import clients
from ansible_collections.secops.mobile_security.plugins.module_utils.errors import ApiError, UserError
from ansible_collections.secops.mobile_security.plugins.module_utils.tenant import Tenant


class ModuleTask:
    """What a resource's state class (device_sync, device_state, groups, registrations, smartpt_targets) needs from its
    module: the connection, taken only when first used (bad input is refused before any client is built), the
    options, check mode, warnings, and the module's own result and diff, written as the task goes so that a
    task failing half-way still reports what it did."""

    def __init__(self, module):
        self.module = module
        self.options = module.params
        self.check_mode = module.check_mode
        self.warn = module.module.warn
        self.result = module.result
        self.set_diff = module.set_diff

    def fail(self, msg, **extra):
        self.module.fail(msg, **extra)

    @property
    def tenant(self):
        return self.module.tenant

    @property
    def client(self):
        return self.module.client


class ApiModule:
    """Common run loop: build the client lazily, turn errors into fail_json, report diff."""

    url_option = None
    connection_spec = None

    def __init__(self, argument_spec, module=None, **kwargs):
        """``module``: an AnsibleModule (or a test double) to use instead of building one from the spec."""
        if module is None:
            spec = self.connection_spec()
            spec.update(argument_spec)
            kwargs.setdefault("supports_check_mode", True)
            module = AnsibleModule(argument_spec=spec, **kwargs)
        self.module = module
        self.params = self.module.params
        self.check_mode = self.module.check_mode
        self.result = {"changed": False}
        self._client = None
        self._client_lock = threading.Lock()

    @property
    def client(self):
        # Bulk modules use the client from several threads; built twice it would log in twice.
        with self._client_lock:
            if self._client is None:
                self._client = self.build_client()
        return self._client

    def build_client(self):
        raise NotImplementedError

    def limit(self):
        """The common `limit` option of the info modules, checked."""
        value = self.params["limit"]
        if value is not None and value < 1:
            raise UserError("limit: must be 1 or more, got %r" % value)
        return value

    def set_diff(self, before, after):
        if self.module._diff:
            self.result["diff"] = {"before": before if before is not None else {},
                                   "after": after if after is not None else {}}

    def tenant_record(self):
        """The result's `tenant` (which customer the task touched), or None for a module without one."""
        return None

    def with_tenant(self, result):
        record = self.tenant_record()
        return dict(result, tenant=record) if record is not None else result

    def fail(self, msg, **extra):
        self.module.fail_json(msg=msg, **self.with_tenant(dict(self.result, **extra)))

    def execute(self):
        raise NotImplementedError

    def check_settings(self):
        """Connection checks that must come before anything else (even a failure's result)."""

    def run(self):
        try:
            self.check_settings()
            self.execute()
        except ApiError as err:
            message = str(err)
            if err.status is None and self._client is not None:
                # No answer at all: name the option that points at the server.
                message += " (check %s %s)" % (self.url_option, self._client.transport.base_url)
            self.fail(message, api_error=err.to_result())
        except UserError as err:
            self.fail(str(err))
        except Exception as err:  # pylint: disable=broad-except
            # Not the user's input: a bug, so the traceback goes with it (shown with -vvv).
            self.fail("%s: %s" % (type(err).__name__, err), exception=traceback.format_exc())
        finally:
            if self._client is not None:
                self._client.transport.close()
        self.module.exit_json(**self.with_tenant(self.result))


class HarmonyMobileModule(ApiModule):
    url_option = "gateway_url"
    connection_spec = staticmethod(harmony_mobile_argument_spec)
    _tenant = None

    @property
    def tenant(self):
        """The tenant layer over this task's client (devices, groups, selections), built once."""
        with self._client_lock:
            built = self._tenant
        if built is None:
            built = Tenant(self.client, warn=self.module.warn)
            with self._client_lock:
                self._tenant = self._tenant or built
        return self._tenant

    def tenant_record(self):
        return clients.tenant_of(self.params, self._client)

    def check_settings(self):
        if self.params.get("tenant_name"):
            # The task's own arguments (module_defaults included), before AnsibleModule's environment fallbacks.
            # First: a task that fails for another reason must not report another tenant's gateway either.
            clients.check_tenant_settings(self.params, _load_params())

    def build_client(self):
        path = self.params["token_cache_path"]
        # Set in the task without token_cache it would be ignored; from the environment it is only a default.
        from_env = os.path.expanduser(os.environ.get("HM_TOKEN_CACHE_PATH", ""))
        if path and not self.params["token_cache"] and os.path.expanduser(path) != from_env:
            raise UserError("token_cache_path: %r is only used with token_cache: true" % path)
        # The factory sets up concurrency (a module's option, or the default), timeout and the token cache.
        return clients.harmony_mobile_client(self.params)


class SmartptModule(ApiModule):
    url_option = "api_url"
    connection_spec = staticmethod(smartpt_argument_spec)

    def build_client(self):
        return clients.smartpt_client(self.params)
