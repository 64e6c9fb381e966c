# -*- coding: utf-8 -*-
# Copyright: (c) 2026, secops.mobile_security contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Connection options shared by the modules; documented in the doc fragments of the same names."""

from ansible.module_utils.basic import env_fallback

from ansible_collections.secops.mobile_security.plugins.module_utils.clients import (
    DEFAULT_RETRIES, DEFAULT_TIMEOUT, HM_ENVIRONMENT, SMARTPT_DEFAULT_API_URL, SMARTPT_ENVIRONMENT)
from ansible_collections.secops.mobile_security.plugins.module_utils.pacing import DEFAULT_WAIT_BUDGET


def _from_env(environment, field):
    return (env_fallback, [environment[field]])


def _common_http_options(environment):
    return dict(
        validate_certs=dict(type="bool", default=True, fallback=_from_env(environment, "validate_certs")),
        timeout=dict(type="float", default=DEFAULT_TIMEOUT),
        retries=dict(type="int", default=DEFAULT_RETRIES),
        proxy_url=dict(type="str", fallback=_from_env(environment, "proxy_url")),
        rate_limit_wait=dict(type="float", default=DEFAULT_WAIT_BUDGET),
    )


def harmony_mobile_argument_spec():
    env = HM_ENVIRONMENT
    spec = dict(
        # Neither given means the EU gateway; clients.gateway_url() decides, so both given can be refused.
        gateway_url=dict(type="str", fallback=_from_env(env, "gateway_url")),
        # No `choices`: AWX injects an unfilled credential field as "", which means "not set" here.
        region=dict(type="str", fallback=_from_env(env, "region")),
        client_id=dict(type="str", required=True, fallback=_from_env(env, "client_id")),
        access_key=dict(type="str", required=True, no_log=True, fallback=_from_env(env, "access_key")),
        token_cache=dict(type="bool", default=False, fallback=_from_env(env, "token_cache")),
        token_cache_path=dict(type="path", fallback=_from_env(env, "token_cache_path")),
        tenant_name=dict(type="str"),
        credentials_from_env=dict(type="bool", default=False),
    )
    spec.update(_common_http_options(env))
    return spec


def smartpt_argument_spec():
    env = SMARTPT_ENVIRONMENT
    spec = dict(
        api_url=dict(type="str", default=SMARTPT_DEFAULT_API_URL, fallback=_from_env(env, "api_url")),
        company_key=dict(type="str", required=True, no_log=True, fallback=_from_env(env, "company_key")),
    )
    spec.update(_common_http_options(env))
    return spec
