"""The docs generator renders every page clean: markup it cannot read fails `make docs-check`."""

import pytest
from antsibull_docs_parser import dom

from tests import docsgen


@pytest.fixture
def role_context():
    previous = docsgen.PLUGIN
    docsgen.PLUGIN = dom.PluginIdentifier(fqcn="secops.mobile_security.device_enrolment", type="role")
    yield
    docsgen.PLUGIN = previous


def test_a_role_option_reference_renders(role_context):
    text = docsgen.markup("Delete devices within O(device_enrolment_purge_groups) only.")
    assert "device\\_enrolment\\_purge\\_groups" in text
    assert "ERROR" not in text


def test_markup_the_parser_cannot_read_fails_instead_of_printing_an_error(role_context):
    with pytest.raises(SystemExit) as failure:
        docsgen.markup("See O(broken.")
    assert "device_enrolment" in str(failure.value) and "O(broken." in str(failure.value)


def test_no_generated_page_holds_a_rendering_error():
    for rel, text in docsgen.pages().items():
        assert "ERROR while parsing" not in text, rel
