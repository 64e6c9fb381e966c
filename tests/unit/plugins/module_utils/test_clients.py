"""The one client factory: defaults, regions, and one validation of every connection setting."""

import base64
import json

import pytest

from ansible_collections.secops.mobile_security.plugins.module_utils import clients
from ansible_collections.secops.mobile_security.plugins.module_utils.errors import UserError

CREDS = {"client_id": "cid", "access_key": "secret-key"}


def built(**settings):
    client = clients.harmony_mobile_client(dict(CREDS, **settings))
    client.transport.close()
    return client


@pytest.mark.parametrize("settings,url", [
    ({}, "https://cloudinfra-gw.portal.checkpoint.com"),
    ({"region": "eu"}, "https://cloudinfra-gw.portal.checkpoint.com"),
    ({"region": "us"}, "https://cloudinfra-gw-us.portal.checkpoint.com"),
    ({"region": "AP "}, "https://cloudinfra-gw-ap.portal.checkpoint.com"),
    ({"region": "in"}, "https://cloudinfra-gw-in.portal.checkpoint.com"),
    ({"region": "", "gateway_url": "http://127.0.0.1:8787/"}, "http://127.0.0.1:8787"),
    ({"region": "us", "gateway_url": ""}, "https://cloudinfra-gw-us.portal.checkpoint.com"),
    ({"region": None, "gateway_url": None}, "https://cloudinfra-gw.portal.checkpoint.com"),
])
def test_gateway_from_region_or_url(settings, url):
    assert built(**settings).transport.base_url == url


@pytest.mark.parametrize("settings,message", [
    ({"region": "mars"}, "region: 'mars' is not one of ap, eu, in, us"),
    ({"region": "us", "gateway_url": "https://gw.example.com"},
     "region: 'us' and gateway_url: 'https://gw.example.com' are both set"),
    ({"gateway_url": "gw.example.com"}, "gateway_url: 'gw.example.com' is not an http(s) URL"),
    ({"timeout": 0}, "timeout: must be greater than 0"),
    ({"timeout": "soon"}, "timeout: 'soon' is not a number"),
    ({"retries": -1}, "retries: must be 0 or more"),
    ({"rate_limit_wait": -5}, "rate_limit_wait: must be 0 or more"),
    ({"proxy_url": "proxy:3128"}, "proxy_url: 'proxy:3128' is not an http(s) URL"),
    ({"validate_certs": "maybe"}, "validate_certs: 'maybe' is not a boolean"),
    ({"client_id": ""}, "client_id: not set"),
])
def test_bad_settings_name_the_field_and_value(settings, message):
    with pytest.raises(UserError) as err:
        built(**settings)
    assert message in str(err.value)
    assert "secret-key" not in str(err.value)


def test_settings_reach_the_transport():
    client = built(timeout="12.5", retries="2", validate_certs="false", proxy_url="http://proxy:3128",
                   rate_limit_wait=7)
    transport = client.transport
    assert transport.timeout == 12.5
    assert transport.retry_policy.retries == 2
    assert transport.session.verify is False
    assert transport.session.proxies == {"http": "http://proxy:3128", "https": "http://proxy:3128"}
    assert transport.pacer.wait_budget == 7
    assert client.client_id == "cid"


def test_defaults_are_the_modules_defaults():
    transport = built().transport
    assert transport.timeout == clients.DEFAULT_TIMEOUT
    assert transport.retry_policy.retries == clients.DEFAULT_RETRIES
    assert transport.session.verify is True
    assert not transport.session.proxies


def test_concurrency_timeout_and_token_cache_are_set_up_once_and_read_from_the_client(tmp_path):
    client = clients.harmony_mobile_client(dict(CREDS, concurrency=32, timeout=7, token_cache=True,
                                                token_cache_path=str(tmp_path / "tokens.json")))
    assert client.concurrency == client.transport.pacer.ceiling == 32
    assert client.timeout == client.transport.timeout == 7
    assert client.token_cache.path == str(tmp_path / "tokens.json")
    client.transport.close()
    default = built()
    assert default.concurrency == clients.DEFAULT_CEILING and default.timeout == clients.DEFAULT_TIMEOUT
    assert default.token_cache is None
    assert built(token_cache="false").token_cache is None


def test_environment_fills_only_what_is_unset():
    env = {"HM_REGION": "us", "HM_CLIENT_ID": "from-env", "HM_ACCESS_KEY": "k", "HM_GATEWAY_URL": ""}
    merged = clients.with_environment({"client_id": "given", "access_key": ""}, clients.HM_ENVIRONMENT, env)
    assert merged == {"client_id": "given", "access_key": "k", "region": "us"}


def test_smartpt_client_defaults_and_checks():
    client = clients.smartpt_client({"company_key": "ck"})
    assert client.transport.base_url == clients.SMARTPT_DEFAULT_API_URL
    client.transport.close()
    with pytest.raises(UserError, match="api_url: 'nope' is not an http"):
        clients.smartpt_client({"company_key": "ck", "api_url": "nope"})
    with pytest.raises(UserError, match="company_key: not set"):
        clients.smartpt_client({})


def jwt(claims):
    def part(data):
        return base64.urlsafe_b64encode(json.dumps(data).encode()).rstrip(b"=").decode()
    return "%s.%s.%s" % (part({"alg": "RS256"}), part(claims), "c2lnbmF0dXJl")


def test_the_tenant_names_gateway_client_and_token_tenant_never_the_key():
    client = built(gateway_url="http://127.0.0.1:8787/tenants/t03")
    settings = dict(CREDS, gateway_url="http://127.0.0.1:8787/tenants/t03", tenant_name="acme")
    assert clients.tenant_of(settings) == {
        "name": "acme", "gateway_url": "http://127.0.0.1:8787/tenants/t03", "client_id": "cid", "tenant_id": None,
        "label": "acme: cid at 127.0.0.1:8787/tenants/t03"}
    client._token = jwt({"tenantId": "8b0e-42", "clientId": "cid"})
    tenant = clients.tenant_of(settings, client)
    assert tenant["tenant_id"] == "8b0e-42" and tenant["label"] == "acme: cid at 127.0.0.1:8787/tenants/t03 (tenant 8b0e-42)"
    assert "secret-key" not in json.dumps(tenant)
    # An opaque token carries no tenant id; a region names its gateway.
    client._token = "opaque-token"
    assert clients.tenant_of(dict(CREDS, region="in"), client) == {
        "name": None, "gateway_url": "https://cloudinfra-gw-in.portal.checkpoint.com", "client_id": "cid",
        "tenant_id": None, "label": "cid at cloudinfra-gw-in.portal.checkpoint.com"}


@pytest.mark.parametrize("task_args,missing", [
    ({"access_key": "k", "region": "us"}, "client_id not set"),
    ({"client_id": "c", "access_key": "", "gateway_url": "http://gw"}, "access_key not set"),
    ({"client_id": "c", "access_key": "k"}, "region or gateway_url not set"),
    ({}, "client_id and access_key and region or gateway_url not set"),
])
def test_a_named_tenant_never_takes_credentials_from_the_environment_or_a_default(task_args, missing):
    # The settings as AnsibleModule filled them: the rest came from HM_* variables of some other tenant.
    settings = dict(CREDS, region="eu", tenant_name="acme")
    with pytest.raises(UserError) as err:
        clients.check_tenant_settings(settings, task_args)
    assert str(err.value).startswith("tenant acme: " + missing)
    assert "credentials_from_env: true" in str(err.value) and "secret-key" not in str(err.value)


def test_the_environment_is_allowed_when_asked_for_or_without_a_tenant_name():
    clients.check_tenant_settings(dict(CREDS, tenant_name="acme", credentials_from_env=True), {})
    clients.check_tenant_settings(dict(CREDS), {})
    clients.check_tenant_settings(dict(CREDS, tenant_name="acme"), dict(CREDS, region="in"))


@pytest.mark.parametrize("task_gives,environment_gave", [
    ({"region": "in"}, {"gateway_url": "https://gw-of-another-tenant.example.com"}),
    ({"gateway_url": "https://gw.acme.example.com"}, {"region": "us"}),
])
def test_a_named_tenant_s_gateway_is_the_task_s_never_the_environment_s(task_gives, environment_gave):
    # Before: the environment's gateway met the task's region and the task failed with "both set".
    settings = dict(CREDS, tenant_name="acme", gateway_url=None, region=None)
    settings.update(environment_gave)
    settings.update(task_gives)
    clients.check_tenant_settings(settings, dict(CREDS, **task_gives))
    assert clients.gateway_url(settings) == clients.gateway_url(dict(task_gives))
    assert [field for field in environment_gave if settings[field] is not None] == []
