"""devices_file as users save it: Excel's CSV UTF-8 (with a byte-order mark), headers in any case and spacing."""

import pytest

from ansible_collections.secops.mobile_security.plugins.modules.hm_device_sync import read_devices_file


def test_excel_csv_utf8_with_bom_and_loose_headers(tmp_path):
    path = tmp_path / "devices.csv"
    path.write_bytes(u"\ufeffEmail , Name,NUMBER, Groups \r\nana@example.com, Ana Lima ,+4915112345678,Sales;EMEA\r\n"
                     u"\r\nbo@example.com,Bo,,\r\n".encode("utf-8"))
    assert read_devices_file(str(path)) == [
        {"email": "ana@example.com", "name": "Ana Lima", "number": "+4915112345678", "groups": "Sales;EMEA"},
        {"email": "bo@example.com", "name": "Bo", "number": None, "groups": None}]


def test_a_csv_without_an_email_column_names_what_it_found(tmp_path):
    path = tmp_path / "devices.csv"
    path.write_text("mail,name\nana@example.com,Ana\n")
    with pytest.raises(ValueError, match=r"has no 'email' column .*found 'mail', 'name'"):
        read_devices_file(str(path))
