"""Free text a job stores (notes, a deficiency's description and location, a unit's labels), from a route or a
tool alike: trimmed, bounded, and refused with the field named when it holds what the app cannot show."""

from __future__ import annotations

from clara.web.errors import validation_error
from clara.web.text import CONTROL_RULE, has_control


def stored_text(field: str, value: str | None, max_length: int) -> str | None:
    """Free text for a column: trimmed, bounded, without control characters; None when empty."""
    if value is None:
        return None
    text = value.strip()
    if len(text) > max_length:
        raise validation_error(field, f"{field} must be at most {max_length} characters")
    if "\x00" in text:
        raise validation_error(field, f"{field} must not contain NUL characters")
    if has_control(text):
        raise validation_error(field, f"{field} {CONTROL_RULE}")
    return text or None
