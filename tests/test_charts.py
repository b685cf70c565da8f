"""The charts read without colour vision: every colour stands out from the white background
(WCAG 1.4.11), no two lines differ by colour alone (1.4.1), and a long title wraps (1.4.10)."""

from __future__ import annotations

import itertools
import re
from pathlib import Path

import plotly.graph_objects as go
import polars as pl
import pytest

from dashboard import charts

YEARS = [2019, 2020, 2021, 2022]


def contrast(colour: str, background: str = "#FFFFFF") -> float:
    """The WCAG 2.1 contrast ratio of two sRGB colours."""

    def luminance(hex_colour: str) -> float:
        channels = [int(hex_colour.lstrip("#")[i : i + 2], 16) / 255 for i in (0, 2, 4)]
        r, g, b = (c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4 for c in channels)
        return 0.2126 * r + 0.7152 * g + 0.0722 * b

    light, dark = sorted([luminance(colour), luminance(background)], reverse=True)
    return (light + 0.05) / (dark + 0.05)


def test_contrast_of_known_pairs() -> None:
    assert contrast("#000000") == pytest.approx(21.0)
    assert contrast("#767676") == pytest.approx(4.54, abs=0.01)
    assert contrast("#E69F00") < 3  # Okabe–Ito's orange, as it was


def _regions(n: int) -> pl.DataFrame:
    return pl.DataFrame(
        {
            "region_name": [f"Region {i}" for i in range(n) for _ in YEARS],
            "period": YEARS * n,
            "value": [float(i + j) for i in range(n) for j in range(len(YEARS))],
        }
    )


def _by_sex() -> pl.DataFrame:
    # The total lies exactly on the women's line, the men's a little above: the worst case.
    return pl.DataFrame(
        {
            "sex": [s for s in ("männlich", "insgesamt", "weiblich") for _ in YEARS],
            "period": YEARS * 3,
            "value": [21.0, 22.0, 23.0, 24.0] + [20.0, 21.0, 22.0, 23.0] * 2,
        }
    )


def _figures() -> list[go.Figure]:
    series = pl.DataFrame({"period": YEARS, "value": [1.0, None, 3.0, 4.0]})
    return [
        charts.time_series(
            series,
            title="Anteil",
            unit="%",
            region="Hannover",
            baseline=(2019, 1.0),
            target=(2026, 8.0),
            sample=True,
            target_assumed=assumed,
        )
        for assumed in (False, True)
    ] + [
        charts.lines(_regions(8), by="region_name", title="Vergleich", unit="%", sample=False),
        charts.lines(
            _by_sex(),
            by="sex",
            title="nach Geschlecht",
            unit="%",
            sample=False,
            colours=charts.SEX_COLOURS,
            styles=charts.SEX_STYLES,
        ),
    ]


def _colours(fig: go.Figure) -> set[str]:
    found = set(fig.layout.colorway)
    for trace in fig.data:
        found |= {trace.line.color, trace.marker.color} - {None}
        if trace.marker.line is not None:
            found |= {trace.marker.line.color} - {None}
    return found


def test_every_colour_the_chart_module_uses_stands_out_3_to_1_on_white() -> None:
    source = Path(charts.__file__).read_text("utf-8")
    written = set(re.findall(r"#[0-9A-Fa-f]{6}\b", source))
    drawn = set().union(*(_colours(f) for f in _figures()))
    assert drawn <= written | {c.upper() for c in written}  # no colour from elsewhere
    too_faint = {c: round(contrast(c), 2) for c in written | drawn if contrast(c) < 3}
    assert not too_faint


@pytest.mark.parametrize("figure", range(4))
def test_no_two_lines_of_a_chart_differ_by_colour_alone(figure: int) -> None:
    fig = _figures()[figure]
    looks = [
        (
            trace.mode,
            trace.line.dash if "lines" in trace.mode else None,
            trace.marker.symbol if "markers" in trace.mode else None,
        )
        for trace in fig.data
    ]
    assert len(set(looks)) == len(looks), looks


def test_lines_of_a_comparison_have_each_their_own_marker() -> None:
    fig = charts.lines(_regions(8), by="region_name", title="V", unit="%", sample=False)
    assert len({t.marker.symbol for t in fig.data}) == 8


def test_by_sex_lines_lying_on_top_of_each_other_stay_distinguishable() -> None:
    fig = _figures()[3]
    traces = {t.name: t for t in fig.data}
    # the total is drawn first (underneath), wider than both sexes, which show it through their
    # open markers; every pair differs in dash and in marker
    assert fig.data[0].name == "insgesamt"
    total = traces["insgesamt"]
    for sex in ("weiblich", "männlich"):
        assert traces[sex].line.width < total.line.width
        assert traces[sex].marker.symbol.endswith("-open")
    for a, b in itertools.combinations(fig.data, 2):
        assert a.line.dash != b.line.dash
        assert a.marker.symbol != b.marker.symbol


def test_a_long_title_wraps_instead_of_being_cut() -> None:
    title = "Anteil der Neueinstellungen mit Migrationshintergrund – Landeshauptstadt Hannover"
    fig = charts.time_series(
        pl.DataFrame({"period": YEARS, "value": [1.0, 2.0, 3.0, 4.0]}),
        title=title,
        unit="%",
        region="Hannover",
        baseline=None,
        target=None,
        sample=False,
    )
    lines = fig.layout.title.text.split("<br>")
    assert len(lines) == 2
    assert all(len(line) <= charts.TITLE_WIDTH for line in lines)
    assert " ".join(lines) == title
    assert fig.layout.margin.t > 80  # room for the second line


def test_every_chart_keeps_its_title_unit_and_axis_titles() -> None:
    for fig in _figures():
        assert fig.layout.title.text
        assert fig.layout.title.subtitle.text.startswith("Einheit: ")
        assert fig.layout.xaxis.title.text == "Jahr"
        assert fig.layout.yaxis.title.text


@pytest.mark.parametrize("figure", range(len(_figures())))
def test_the_text_of_every_chart_stands_out_4_5_to_1(figure: int) -> None:
    """Axis labels, axis titles and the subtitle ("Einheit: % · Beispieldaten …") are text:
    Streamlit's theme draws them at 3.7:1, so the figure sets its own colour (WCAG 1.4.3)."""
    fig = _figures()[figure]
    layout = fig.layout
    colours = {
        "font": layout.font.color,
        "subtitle": layout.title.subtitle.font.color,
        "x ticks": layout.xaxis.tickfont.color,
        "x title": layout.xaxis.title.font.color,
        "y ticks": layout.yaxis.tickfont.color,
        "y title": layout.yaxis.title.font.color,
    }
    assert None not in colours.values(), colours
    assert {k: c for k, c in colours.items() if contrast(c) < 4.5} == {}
