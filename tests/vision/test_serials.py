from __future__ import annotations

from datetime import date

import pytest

from clara.vision.serials import decode, family

TODAY = date(2026, 12, 4)


@pytest.mark.parametrize(
    "serial, manufacturer, made",
    [
        ("1104B12345", "Carrier", "2004-03"),  # week 11 of 2004
        ("1824C12345", "Bryant", "2024-05"),
        ("5208E54321", "Payne", "2008-12"),  # week 52
        ("17103N6MF4", "Trane", "2017-03"),  # 2010 on: YYWW
        ("81422S41G", "American Standard", "2008-04"),  # 2002-2009: YWW
        ("5898G07568", "Lennox", "1998-07"),  # plant 58, 98, G = July
        ("5818L12345", "Lennox Industries Inc.", "2018-11"),
        ("W1G7123456", "York", "2017-07"),  # year digits 1 and 7, G = July
        ("N0D6653823", "Luxaire", "2006-04"),
        ("E2N4123456", "Coleman", "2024-12"),  # N = December (I and J skipped)
        ("W291013412", "Rheem", "2010-07"),  # plant line W, week 29, 2010
        ("0R177M280700097", "Ruud", "2007-07"),  # factory code first
    ],
)
def test_each_manufacturers_scheme_dates_its_serials(serial: str, manufacturer: str, made: str) -> None:
    decoded = decode(serial, manufacturer, today=TODAY)
    assert decoded.manufactured == made
    assert decoded.serial == serial


def test_a_serial_is_read_under_its_makers_scheme_only() -> None:
    # Four digits, a letter, five digits: Carrier's week-year-plant and Lennox's plant-year-month alike
    assert decode("5818L12345", "Carrier", today=TODAY).manufactured is None  # week 58 does not exist
    assert decode("1824C12345", "Lennox", today=TODAY).manufactured == "2024-03"  # C = March
    assert decode("1824C12345", "Goodman", today=TODAY).manufactured is None  # a scheme we do not know
    assert decode("1824C12345", None, today=TODAY).manufactured is None


def test_dates_outside_a_schemes_era_or_in_the_future_are_refused() -> None:
    assert decode("W1G9123456", "York", today=TODAY).manufactured == "2019-07"  # fine now ...
    assert decode("W1G9123456", "York", today=date(2019, 1, 2)).manufactured is None  # ... not before it happened
    assert decode("0912345678", "Trane", today=TODAY).manufactured is None  # 2009 is not in the 2010 format
    assert decode("N0C3123456", "York", today=TODAY).manufactured is None  # March 2003: the old all-letter era


def test_ocr_confusions_are_repaired_where_the_scheme_wants_a_digit_or_a_letter() -> None:
    decoded = decode("I8Z4CIZ345", "Carrier", today=TODAY)
    assert (decoded.serial, decoded.manufactured) == ("1824C12345", "2024-05")
    decoded = decode("W1671Z3456", "York", today=TODAY)  # 6 where the month letter G stands
    assert (decoded.serial, decoded.manufactured) == ("W1G7123456", "2017-07")
    undecodable = decode("X-1O4", "Carrier", today=TODAY)
    assert (undecodable.serial, undecodable.manufactured) == ("X-1O4", None)


def test_brand_names_map_to_their_scheme_family() -> None:
    assert family("Bryant Heating & Cooling") == "carrier" and family("DAY & NIGHT") == "carrier"
    assert family("American Standard") == "trane" and family("Johnson Controls") == "york"
    assert family("Ruud") == "rheem" and family("Goodman") is None and family(None) is None
