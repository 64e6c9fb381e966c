"""devices_file as users save it: Excel's CSV UTF-8 (with a byte-order mark), headers in any case and spacing."""

import pytest

from ansible_collections.secops.mobile_security.plugins.module_utils import device_input
from ansible_collections.secops.mobile_security.plugins.module_utils.device_input import read_file as read_devices_file


def test_excel_csv_utf8_with_bom_and_loose_headers(tmp_path):
    path = tmp_path / "devices.csv"
    path.write_bytes(u"\ufeffEmail , Name,NUMBER, Groups \r\nana@example.com, Ana Lima ,+4915112345678,Sales;EMEA\r\n"
                     u"\r\nbo@example.com,Bo,,\r\n".encode("utf-8"))
    assert read_devices_file(str(path)) == [
        ("devices_file %s line 2" % path,
         {"email": "ana@example.com", "name": "Ana Lima", "number": "+4915112345678", "groups": "Sales;EMEA"}),
        ("devices_file %s line 4" % path, {"email": "bo@example.com", "name": "Bo", "number": None, "groups": None})]


def test_rows_are_named_by_file_and_line_in_errors(tmp_path):
    path = tmp_path / "devices.csv"
    path.write_text('email,name,groups\nana@example.com,Ana,Sales\n"bo@example.com","Bo\nBerg",Sales\n'
                    'not-an-email,Cy,Sales\n')
    rows = read_devices_file(str(path))
    assert [label for label, _row in rows] == ["devices_file %s line %d" % (path, n) for n in (2, 4, 5)]
    label, row = rows[2]
    with pytest.raises(ValueError) as err:
        device_input.entry(row, label)
    assert str(err.value) == "devices_file %s line 5: email: 'not-an-email' is not a valid email address" % path
    # Entries from the devices option keep their option path.
    with pytest.raises(ValueError, match=r"^devices\[0\]\.email: 'x' is not"):
        device_input.entry({"email": "x", "name": "X"}, "devices[0]")


def test_a_csv_without_an_email_column_names_what_it_found(tmp_path):
    path = tmp_path / "devices.csv"
    path.write_text("mail,name\nana@example.com,Ana\n")
    with pytest.raises(ValueError, match=r"has no 'email' column .*found 'mail', 'name'"):
        read_devices_file(str(path))
