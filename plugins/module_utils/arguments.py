# -*- coding: utf-8 -*-
# Copyright: (c) 2026, secops.mobile_security contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Connection options shared by the modules; documented in the doc fragments of the same names."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

from ansible.module_utils.basic import env_fallback

from ansible_collections.secops.mobile_security.plugins.module_utils.pacing import DEFAULT_WAIT_BUDGET

HM_DEFAULT_GATEWAY = "https://cloudinfra-gw.portal.checkpoint.com"
SMARTPT_DEFAULT_API_URL = "https://security-api.smartpt.co.il"


def _common_http_options(prefix):
    return dict(
        validate_certs=dict(type="bool", default=True, fallback=(env_fallback, [prefix + "_VALIDATE_CERTS"])),
        timeout=dict(type="float", default=30.0),
        retries=dict(type="int", default=5),
        proxy_url=dict(type="str", fallback=(env_fallback, [prefix + "_PROXY_URL"])),
        rate_limit_wait=dict(type="float", default=DEFAULT_WAIT_BUDGET),
    )


def harmony_mobile_argument_spec():
    spec = dict(
        gateway_url=dict(type="str", default=HM_DEFAULT_GATEWAY, fallback=(env_fallback, ["HM_GATEWAY_URL"])),
        client_id=dict(type="str", required=True, fallback=(env_fallback, ["HM_CLIENT_ID"])),
        access_key=dict(type="str", required=True, no_log=True, fallback=(env_fallback, ["HM_ACCESS_KEY"])),
        token_cache=dict(type="bool", default=False, fallback=(env_fallback, ["HM_TOKEN_CACHE"])),
        token_cache_path=dict(type="path", fallback=(env_fallback, ["HM_TOKEN_CACHE_PATH"])),
    )
    spec.update(_common_http_options("HM"))
    return spec


def smartpt_argument_spec():
    spec = dict(
        api_url=dict(type="str", default=SMARTPT_DEFAULT_API_URL, fallback=(env_fallback, ["SMARTPT_API_URL"])),
        company_key=dict(type="str", required=True, no_log=True, fallback=(env_fallback, ["SMARTPT_COMPANY_KEY"])),
    )
    spec.update(_common_http_options("SMARTPT"))
    return spec
