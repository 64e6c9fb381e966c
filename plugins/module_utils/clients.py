# -*- coding: utf-8 -*-
# Copyright: (c) 2026, secops.mobile_security contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The one place that turns connection settings into a transport and a client.

Modules, the inventory plugin and the EDA source all come here, so every
consumer checks the URL, timeout, retries, proxy and TLS the same way and
shares the same defaults. Settings are a plain dict keyed by the option
names of the doc fragments (``gateway_url``, ``region``, ``timeout``, ...);
an unset setting is None or missing, and an empty string counts as unset
(AWX renders an unfilled credential field as "").
"""

import os

from ansible.module_utils.basic import missing_required_lib
from urllib.parse import urlsplit

from ansible_collections.secops.mobile_security.plugins.module_utils.errors import UserError
from ansible_collections.secops.mobile_security.plugins.module_utils.validation import boolean
from ansible_collections.secops.mobile_security.plugins.module_utils.harmony_client import HarmonyMobileClient
from ansible_collections.secops.mobile_security.plugins.module_utils.http_transport import (
    HAS_REQUESTS, HttpTransport, RetryPolicy)
from ansible_collections.secops.mobile_security.plugins.module_utils.pacing import (
    DEFAULT_CEILING, DEFAULT_WAIT_BUDGET, Pacer)
from ansible_collections.secops.mobile_security.plugins.module_utils.smartpt_client import SmartptClient
from ansible_collections.secops.mobile_security.plugins.module_utils.token_cache import TokenCache

# Infinity Portal gateways by region, as public Check Point SDKs list them (docs/api-notes.md).
# One host serves the token call and every /app/... service of its region.
HM_REGIONS = {
    "eu": "https://cloudinfra-gw.portal.checkpoint.com",
    "us": "https://cloudinfra-gw-us.portal.checkpoint.com",
    "ap": "https://cloudinfra-gw-ap.portal.checkpoint.com",
    "in": "https://cloudinfra-gw-in.portal.checkpoint.com",
}
HM_DEFAULT_REGION = "eu"
SMARTPT_DEFAULT_API_URL = "https://security-api.smartpt.co.il"

# The environment variable behind each connection setting, for modules (env_fallback), the inventory
# plugin (its documented env), the EDA source and the AWX credential types' injectors.
HM_ENVIRONMENT = {
    "gateway_url": "HM_GATEWAY_URL",
    "region": "HM_REGION",
    "client_id": "HM_CLIENT_ID",
    "access_key": "HM_ACCESS_KEY",
    "validate_certs": "HM_VALIDATE_CERTS",
    "proxy_url": "HM_PROXY_URL",
    "token_cache": "HM_TOKEN_CACHE",
    "token_cache_path": "HM_TOKEN_CACHE_PATH",
}
SMARTPT_ENVIRONMENT = {
    "api_url": "SMARTPT_API_URL",
    "company_key": "SMARTPT_COMPANY_KEY",
    "validate_certs": "SMARTPT_VALIDATE_CERTS",
    "proxy_url": "SMARTPT_PROXY_URL",
}

# The settings that say which tenant a task works on. With tenant_name set (one inventory host per tenant),
# none of them may come from the environment or a default unless credentials_from_env says so: the
# controller's HM_* variables belong to at most one tenant.
TENANT_SETTINGS = ("client_id", "access_key", "gateway_url", "region")

DEFAULT_TIMEOUT = 30.0
DEFAULT_RETRIES = 5


def given(value):
    return value is not None and value != ""


def _number(settings, field, default, kind):
    value = settings.get(field)
    if not given(value):
        return default
    try:
        return kind(value)
    except (TypeError, ValueError):
        raise UserError("%s: %r is not a number" % (field, value))


def with_environment(settings, environment, env=None):
    """``settings`` with each unset one taken from its environment variable (for callers outside AnsibleModule)."""
    env = os.environ if env is None else env
    merged = dict(settings)
    for field, variable in environment.items():
        if not given(merged.get(field)) and given(env.get(variable)):
            merged[field] = env[variable]
    return merged


def check_url(url, field):
    parts = urlsplit(url or "")
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise UserError("%s: %r is not an http(s) URL" % (field, url))
    return url


def gateway_url(settings):
    """The Harmony Mobile gateway from ``gateway_url`` or ``region`` (not both); the EU gateway if neither."""
    url, region = settings.get("gateway_url"), settings.get("region")
    if given(region) and str(region).strip().lower() not in HM_REGIONS:
        raise UserError("region: %r is not one of %s (or give gateway_url)" % (region, ", ".join(sorted(HM_REGIONS))))
    if given(url) and given(region):
        raise UserError("region: %r and gateway_url: %r are both set; give one of them (region picks the "
                        "gateway, gateway_url names any other one)" % (region, url))
    if given(region):
        return HM_REGIONS[str(region).strip().lower()]
    if given(url):
        return check_url(url, "gateway_url")
    return HM_REGIONS[HM_DEFAULT_REGION]


def concurrency(settings):
    """The most requests in flight: a module's ``concurrency`` option (checked by the module), else the default."""
    return _number(settings, "concurrency", DEFAULT_CEILING, int)


def token_cache(settings):
    """The token cache the settings ask for (``token_cache``, ``token_cache_path``), or None."""
    wanted = settings.get("token_cache")
    if not given(wanted) or not boolean(wanted, "token_cache"):
        return None
    return TokenCache(settings.get("token_cache_path") or None)


def transport(url, settings):
    """An HttpTransport for ``url`` with the settings checked; the settings' ``concurrency`` is the pace's
    ceiling."""
    if not HAS_REQUESTS:
        # Every consumer (modules, inventory, EDA source) comes through here: the one place to say it.
        raise UserError(missing_required_lib("requests"))
    timeout = _number(settings, "timeout", DEFAULT_TIMEOUT, float)
    if timeout <= 0:
        raise UserError("timeout: must be greater than 0, got %r" % timeout)
    retries = _number(settings, "retries", DEFAULT_RETRIES, int)
    if retries < 0:
        raise UserError("retries: must be 0 or more, got %r" % retries)
    wait_budget = _number(settings, "rate_limit_wait", DEFAULT_WAIT_BUDGET, float)
    if wait_budget < 0:
        raise UserError("rate_limit_wait: must be 0 or more, got %r" % wait_budget)
    proxy_url = settings.get("proxy_url")
    if given(proxy_url):
        check_url(proxy_url, "proxy_url")
    else:
        proxy_url = None
    validate_certs = settings.get("validate_certs")
    validate_certs = True if not given(validate_certs) else boolean(validate_certs, "validate_certs")
    ceiling = concurrency(settings)
    policy = RetryPolicy(retries=retries)
    return HttpTransport(url, validate_certs=validate_certs, timeout=timeout, proxy_url=proxy_url,
                         retry_policy=policy, pool_size=ceiling,
                         pacer=Pacer(ceiling=ceiling, wait_budget=wait_budget, sleep=policy.sleep))


def _required(settings, field):
    value = settings.get(field)
    if not given(value):
        raise UserError("%s: not set (give the option or its environment variable)" % field)
    return value


def harmony_mobile_client(settings):
    """A HarmonyMobileClient from connection settings; the caller closes ``client.transport``.

    The one place where concurrency, timeout and the token cache are set up: everything else reads them as
    the client's attributes (``client.concurrency``, ``client.timeout``, ``client.token_cache``)."""
    client_id = _required(settings, "client_id")
    access_key = _required(settings, "access_key")
    sender = transport(gateway_url(settings), settings)
    return HarmonyMobileClient(sender, client_id, access_key, token_cache=token_cache(settings),
                               concurrency=sender.pacer.ceiling, timeout=sender.timeout)


def smartpt_client(settings):
    """A SmartptClient from connection settings; the caller closes ``client.transport``."""
    url = settings.get("api_url")
    url = check_url(url, "api_url") if given(url) else SMARTPT_DEFAULT_API_URL
    return SmartptClient(transport(url, settings), _required(settings, "company_key"))


def check_tenant_settings(settings, task_args):
    """Refuse a named tenant's connection settings that the task did not give (taken from HM_* or a default).

    ``task_args``: the options as the task (with its module_defaults) gave them, before environment
    fallbacks. Without ``tenant_name``, or with ``credentials_from_env: true``, everything is allowed.
    A gateway the task did not give is dropped from ``settings`` (in place): a task that names its tenant's
    ``region`` must not meet ``HM_GATEWAY_URL`` of another tenant (or the other way round).
    """
    name = settings.get("tenant_name")
    if not given(name) or settings.get("credentials_from_env"):
        return
    for field in ("gateway_url", "region"):
        if not given(task_args.get(field)):
            # Dropped before any refusal: a failed task's result must not name another tenant's gateway.
            settings[field] = None
    missing = [field for field in ("client_id", "access_key") if not given(task_args.get(field))]
    if not (given(task_args.get("gateway_url")) or given(task_args.get("region"))):
        missing.append("region or gateway_url")
    if missing:
        raise UserError("tenant %s: %s not set for this tenant (an empty value or the HM_* environment variables, "
                        "which may belong to another tenant, are not used for a named tenant; give them in the "
                        "tenant's host vars, or set credentials_from_env: true to allow the environment)" % (
                            name, " and ".join(missing)))


def tenant_key(settings):
    """The one identity of a tenant, for every per-tenant state (run plans, inventory cache and hosts, EDA
    cursors, the hygiene's resend record, the fleet report's file names and baselines): its gateway (region
    resolved, lower case, no trailing slash) and client id. ``settings`` may be connection settings or a
    ``tenant`` record (tenant_of)."""
    return "%s %s" % (str(shown_gateway(settings) or "").rstrip("/").lower(), settings.get("client_id") or "")


def shown_gateway(settings):
    """The gateway the settings mean, or, when they cannot be used (both set, an unknown region), what they
    give: records and identities name the settings as they are, the task's own error says what is wrong."""
    try:
        return gateway_url(settings)
    except UserError:
        return settings.get("gateway_url") or settings.get("region")


def tenant_of(settings, client=None, tenant_id=None):
    """Which tenant a task worked on, for results, host vars and events: readable, never the key.

    ``tenant_id``: the portal's id of the tenant when known without a client (from an inventory cache)."""
    name = settings.get("tenant_name") if given(settings.get("tenant_name")) else None
    if name and not settings.get("credentials_from_env") and not (
            given(settings.get("gateway_url")) or given(settings.get("region"))):
        url = None  # a named tenant never takes the default region (check_tenant_settings)
    else:
        url = shown_gateway(settings)
    client_id = settings.get("client_id") if given(settings.get("client_id")) else None
    tenant_id = client.tenant_id if client is not None else tenant_id
    label = "%s at %s" % (client_id or "(no client id)", urlsplit(url or "").netloc + urlsplit(url or "").path
                          if url else "(no gateway)")
    if tenant_id:
        label += " (tenant %s)" % tenant_id
    if name:
        label = "%s: %s" % (name, label)
    return {"name": name, "gateway_url": url, "client_id": client_id, "tenant_id": tenant_id, "label": label}
