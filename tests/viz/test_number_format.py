"""The one number formatter: significant digits or decimals, scientific beyond readable magnitudes."""

from __future__ import annotations

import math

import pytest
from hypothesis import given
from hypothesis import strategies as st

from viz.number_format import NumberFormat, format_gradient, format_number
from viz.options import DrawOptions

FOUR, TWO_DECIMALS = NumberFormat(digits=4), NumberFormat(decimals=2)


@pytest.mark.parametrize(
    ("x", "number_format", "text"),
    [
        (-0.19661193324148188, FOUR, "-0.1966"),
        (0.7310585786300049, FOUR, "0.7311"),
        (2.0, FOUR, "2.000"),
        (99990.0, FOUR, "99990"),
        (99999.0, FOUR, "1.000e5"),
        (99999.6, FOUR, "1.000e5"),  # rounding decides the exponent
        (0.99996, FOUR, "1.000"),
        (0.001, FOUR, "0.001000"),
        (0.000999, FOUR, "9.990e-4"),
        (-1e6, FOUR, "-1.000e6"),
        (1e300, FOUR, "1.000e300"),
        (5e-324, FOUR, "4.941e-324"),
        (0.0, FOUR, "0.000"),
        (-0.19661193324148188, TWO_DECIMALS, "-0.20"),
        (0.002, TWO_DECIMALS, "2.0e-3"),  # never a misleading 0.00
        (0.0099, TWO_DECIMALS, "9.9e-3"),
        (0.01, TWO_DECIMALS, "0.01"),
        (1000000.0, TWO_DECIMALS, "1.0e6"),  # never 1000000.00
        (12345.678, TWO_DECIMALS, "12345.68"),
        (0.0, TWO_DECIMALS, "0.00"),
        (2.5, NumberFormat(decimals=0), "2"),
        (0.4, NumberFormat(decimals=0), "4e-1"),
        (math.nan, FOUR, "nan"),
        (-math.inf, TWO_DECIMALS, "-inf"),
    ],
)
def test_numbers_read_at_every_magnitude(x: float, number_format: NumberFormat, text: str) -> None:
    assert format_number(x, number_format) == text


@given(st.floats(-1e300, 1e300), st.integers(1, 6))
def test_text_is_short_and_rounds_back_to_the_number(x: float, digits: int) -> None:
    for number_format in (NumberFormat(digits=digits), NumberFormat(decimals=digits)):
        text = format_number(x, number_format)
        assert len(text) <= digits + 10, text
        if x == 0.0:
            continue
        shown = float(text)
        if number_format.decimals is not None and "e" not in text:
            # positional with decimals: within half a unit of the last decimal (0.00346 with 3 decimals is 0.003)
            assert abs(shown - x) <= 0.5 * 10.0 ** -number_format.decimals + 1e-15 * abs(x), text
        else:
            # as close as the significant digits shown allow
            assert math.isclose(shown, x, rel_tol=10.0 ** (1 - min(digits, number_format.digits)) * 5), text


def test_a_missing_gradient_is_a_dash() -> None:
    assert format_gradient(None, FOUR) == "—" and format_gradient(-0.5, FOUR) == "-0.5000"


@pytest.mark.parametrize(
    ("precision", "decimals", "message"),
    [
        (0, None, "draw: precision must be an int from 1 to 17"),
        (18, None, "precision must be an int from 1 to 17"),
        (True, None, "precision must be an int"),
        (None, -1, "draw: decimals must be an int from 0 to 17"),
        (2, 2, "not both"),
    ],
)
def test_bad_choices_name_the_caller_and_the_range(precision: object, decimals: object, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        DrawOptions.build("draw", precision=precision, decimals=decimals)  # type: ignore[arg-type]
