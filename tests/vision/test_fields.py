"""Field extraction from OCR rows as RapidOCR gives them: spaces mostly dropped, confusions in the digits."""

from __future__ import annotations

from clara.vision.fields import Row, Segment, extract, normalise, text_of


def row(*texts: str, score: float = 0.98) -> Row:
    """Segments side by side, 400 pixels apart (a table's label and value columns)."""
    return [Segment(text, score, 40 + 400 * i, 340 + 400 * i) for i, text in enumerate(texts)]


def test_labelled_values_on_one_line_without_spaces() -> None:
    fields, confidence = extract([
        row("CARRIERCORPORATIONSYRACUSENEWYORK"),
        row("MODELNO.50TCQA06A2A5A0A0A0SERIALNO.1824C12345"),
        row("VOLTS208/230PH3HZ60"),
        row("MINCKTAMPS25.0MAXFUSE/BKR35"),
        row("REFRIGERANTR-410AFACTORYCHARGE7LBS4OZ"),
        row("COMPRESSORRLA16.0LRA110"),
    ])
    assert fields.present() == {
        "manufacturer": "Carrier", "model": "50TCQA06A2A5A0A0A0", "serial": "1824C12345", "voltage": "208/230",
        "phase": "3", "hz": "60", "mca": "25.0", "mocp": "35", "refrigerant": "R-410A", "charge": "7 lb 4 oz",
        "rla": "16.0", "lra": "110",
    }
    assert set(confidence) == set(fields.present()) and all(0.9 <= c <= 1 for c in confidence.values())


def test_ocr_confusions_in_numbers_are_repaired_and_cost_confidence() -> None:
    fields, confidence = extract([
        row("M/N 5OTCQAO6"), row("MIN CKT AMPS 2S.O   MAX FUSE 3S"), row("VOLTS 2O8/23O  PH I"),
    ])
    assert (fields.model, fields.mca, fields.mocp, fields.voltage, fields.phase) == (
        "50TCQA06", "25.0", "35", "208/230", "1")
    assert confidence["mca"] < 0.98 and confidence["model"] < 0.98
    labels, _ = extract([row("M0DEL N0.24ACC636A003  SER1AL N0.4323P85568"), row("M1N CKT AMPS 25  MAX FUSE 0R BKR 35")])
    assert (labels.model, labels.serial, labels.mca, labels.mocp) == ("24ACC636A003", "4323P85568", "25", "35")


def test_table_and_stacked_layouts() -> None:
    table, _ = extract([row("TRANE"), row("MODEL NO.", "YSC060A3RHA"), row("SERIAL NO.", "17103N6MF4"),
                        row("MAX FUSE", "15"), row("CHARGE", "9.5 LBS")])
    assert (table.manufacturer, table.model, table.serial, table.mocp, table.charge) == (
        "Trane", "YSC060A3RHA", "17103N6MF4", "15", "9.5 lb")
    stacked, confidence = extract([row("LENNOX"), row("MODEL NO.", "SERIAL NO."), row("LGH048H4BS2G", "5818L12345"),
                                   row("208/230V-3PH-60HZ")])
    assert (stacked.model, stacked.serial, stacked.voltage, stacked.phase, stacked.hz) == (
        "LGH048H4BS2G", "5818L12345", "208/230", "3", "60")
    assert confidence["model"] < 0.95  # read from under its label


def test_a_short_label_inside_a_model_number_does_not_cut_it() -> None:
    fields, _ = extract([row("MODELNO.GPH1448H41SERIALNO.1608990659"), row("208/230-1-60")])
    assert (fields.model, fields.serial, fields.phase) == ("GPH1448H41", "1608990659", "1")
    alone, _ = extract([row("MODEL NO. XPH1A36")])  # nor is its "PH1" read as a phase
    assert alone.present() == {"model": "XPH1A36"}


def test_values_that_cannot_be_what_the_label_says_are_left_out() -> None:
    fields, _ = extract([row("PHONE 555-0100"), row("VOLTS 9000"), row("MODEL"), row("NEW YORK NY")])
    assert fields.present() == {}


def test_a_refrigerant_without_a_label_and_a_charge_in_ounces() -> None:
    fields, _ = extract([row("R-454B"), row("CHARGE 116 OZ")])
    assert (fields.refrigerant, fields.charge) == ("R-454B", "116 oz")


def test_text_keeps_rows_and_gaps() -> None:
    assert text_of([row("MODEL NO.", "YSC060"), row("TRANE")]) == "MODEL NO.  YSC060\nTRANE"


def test_another_readers_values_take_the_same_form() -> None:
    assert normalise("voltage", "208-230 V") == "208/230"
    assert normalise("charge", "7 lbs 4 oz") == "7 lb 4 oz"
    assert normalise("manufacturer", "Carrier Corporation") == "Carrier"
    assert normalise("manufacturer", "Acme Cooling") == "Acme Cooling"
    assert normalise("model", " ") is None
