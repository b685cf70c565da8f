"""Plotly figures: a frame in, a figure out; no Streamlit calls here.

Every figure has a title with the unit, axis titles, whole-year ticks, German number format and
colours after the Okabe–Ito palette, which colour-blind readers can tell apart, each darkened
where needed to stand out 3:1 against the white background (WCAG 1.4.11); and every line has its
own marker and dash, so that no two lines differ by colour alone (WCAG 1.4.1).
"""

from __future__ import annotations

import textwrap

import plotly.graph_objects as go
import polars as pl

# Okabe–Ito's hues; orange, reddish purple, yellow and sky blue (2.3:1 and less on white) are
# darkened to ≥ 3:1, sky blue, which darkened is the first blue again, gives way to slate.
OKABE_ITO = ["#0072B2", "#A65F00", "#009E73", "#AD4F8A", "#5C5C99", "#D55E00", "#7F6F00", "#000000"]
SEX_COLOURS = {"insgesamt": "#0072B2", "weiblich": "#A65F00", "männlich": "#AD4F8A"}
# The total is often the mean of the two sexes and lies on one of them: it is drawn first and
# wide with filled markers, the sexes thin on top of it with open markers it shows through.
SEX_STYLES = {
    "insgesamt": {"dash": "solid", "width": 5, "symbol": "circle", "size": 11},
    "weiblich": {"dash": "dash", "width": 2, "symbol": "triangle-up-open", "size": 10},
    "männlich": {"dash": "dot", "width": 2, "symbol": "square-open", "size": 9},
}
SAMPLE_NOTE = "Beispieldaten – keine amtlichen Zahlen"
# An assumed target is drawn apart from adopted ones: grey (5.7:1 on white), open marker.
ASSUMED_GREY = "#666666"
# Each line of a chart differs by marker and dash too, never by colour alone.
MARKERS = ["circle", "square", "triangle-up", "diamond", "x", "star", "cross", "hexagon"]
DASHES = ["solid", "dash", "dot", "dashdot", "longdash", "longdashdot", "solid", "dash"]


def plain(text: str) -> str:
    """Text for a Plotly label, shown as written: Plotly reads a subset of HTML in titles, legend
    names and hover labels (<a href>, <b>, <br>), so catalogue and region names are escaped.

    >>> plain('<a href="https://x">Klick</a> & <b>fett</b>')
    '&lt;a href="https://x"&gt;Klick&lt;/a&gt; &amp; &lt;b&gt;fett&lt;/b&gt;'
    """
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


# Plotly never wraps a title: a longer one is cut at the figure's edge. 50 characters of the
# bold title fit in a chart of 600 px, the width it has at a window of 640 px.
TITLE_WIDTH = 50


def wrapped(title: str, width: int = TITLE_WIDTH) -> str:
    """A title for Plotly broken into lines of at most `width` characters, each escaped.

    >>> wrapped("Anteil der Neueinstellungen mit Migrationshintergrund – Hannover & <Region>")
    'Anteil der Neueinstellungen mit<br>Migrationshintergrund – Hannover &amp; &lt;Region&gt;'
    """
    return "<br>".join(plain(line) for line in textwrap.wrap(title, width) or [""])


# Axis labels, axis titles and the subtitle: Streamlit's chart theme draws them in a grey of
# 3.7:1 on white; text needs 4.5:1 (WCAG 1.4.3). This grey has 10:1.
TEXT = "#404040"


def _layout(fig: go.Figure, title: str, unit: str, sample: bool) -> go.Figure:
    subtitle = f"Einheit: {plain(unit)}" + (f" · {SAMPLE_NOTE}" if sample else "")
    text = wrapped(title)
    extra = 24 * text.count("<br>")  # room for each further line of the title
    fig.update_layout(
        title={"text": text, "subtitle": {"text": subtitle, "font": {"color": TEXT}}},
        font={"color": TEXT},
        separators=",.",
        colorway=OKABE_ITO,
        # No named template: Streamlit's chart theme styles the figure, and copying a Plotly
        # template cost 40 ms a figure (a third of the Indikator page).
        height=430 + extra,
        margin={"t": 80 + extra, "b": 40, "l": 60, "r": 20},
        legend={"orientation": "h", "y": -0.18},
        hovermode="x unified",
    )
    fig.update_xaxes(
        title_text="Jahr", dtick=1, tickformat="d", tickfont_color=TEXT, title_font_color=TEXT
    )
    # Whole numbers with a thousands point (12.500), never the English SI "12,5k".
    fig.update_yaxes(
        title_text=plain(unit),
        rangemode="tozero" if unit == "%" else "normal",
        tickformat=",~f",
        tickfont_color=TEXT,
        title_font_color=TEXT,
    )
    return fig


def _hover(unit: str) -> str:
    """The hover label: the value in German notation and the unit as written.

    A lone "%" is literal in a hovertemplate (only "%{" opens a field), so it is not doubled;
    a "{" in a unit is cut off from a preceding "%" so that it never opens a field.

    >>> _hover("%")
    '%{y:,.2f} %<extra>%{fullData.name}</extra>'
    """
    unit = plain(unit).replace("%{", "% {")
    return "%{y:,.2f} " + unit + "<extra>%{fullData.name}</extra>"


def time_series(
    values: pl.DataFrame,
    *,
    title: str,
    unit: str,
    region: str,
    baseline: tuple[int, float] | None,
    target: tuple[int, float] | None,
    sample: bool,
    target_assumed: bool = False,
) -> go.Figure:
    """One region's series with its baseline, target, straight path to the target and trend.

    `values` has period and value; a missing value stays a gap in the line. An assumed target
    (set by no decision) is drawn in grey with an open marker and named "angenommen".
    """
    periods, ys = values["period"].to_list(), values["value"].to_list()
    fig = go.Figure()
    fig.add_trace(
        go.Scatter(
            x=periods,
            y=ys,
            name=plain(region),
            mode="lines+markers",
            connectgaps=False,
            line={"color": OKABE_ITO[0], "width": 3},
            hovertemplate=_hover(unit),
        )
    )
    if baseline is not None:
        fig.add_trace(
            go.Scatter(
                x=[baseline[0]],
                y=[baseline[1]],
                name=f"Basis {baseline[0]}",
                mode="markers",
                marker={"symbol": "square", "size": 12, "color": "#000000"},
                hovertemplate=_hover(unit),
            )
        )
    if target is not None:
        colour = ASSUMED_GREY if target_assumed else OKABE_ITO[5]
        suffix = " (angenommen)" if target_assumed else ""
        fig.add_trace(
            go.Scatter(
                x=[target[0]],
                y=[target[1]],
                name=f"Ziel {target[0]}{suffix}",
                mode="markers",
                marker={
                    "symbol": "diamond-open" if target_assumed else "diamond",
                    "size": 14,
                    "color": colour,
                    "line": {"width": 2, "color": colour},
                },
                hovertemplate=_hover(unit),
            )
        )
        if baseline is not None:
            fig.add_trace(
                go.Scatter(
                    x=[baseline[0], target[0]],
                    y=[baseline[1], target[1]],
                    name=f"Weg zum Ziel{suffix}",
                    mode="lines",
                    line={"color": colour, "dash": "longdashdot" if target_assumed else "dash"},
                    hoverinfo="skip",
                )
            )
    trend = linear_trend(
        values, since=baseline[0] if baseline else None, until=target[0] if target else None
    )
    if trend is not None:
        fig.add_trace(
            go.Scatter(
                x=trend[0],
                y=trend[1],
                name="Trend (linear seit Basis)",
                mode="lines",
                line={"color": OKABE_ITO[2], "dash": "dot"},
                hoverinfo="skip",
            )
        )
    return _layout(fig, title, unit, sample)


def linear_trend(
    values: pl.DataFrame, since: int | None, until: int | None
) -> tuple[list[int], list[float]] | None:
    """Least-squares line through the values since the baseline, drawn on to the target year.

    >>> frame = pl.DataFrame({"period": [2019, 2020, 2021], "value": [1.0, 2.0, 3.0]})
    >>> linear_trend(frame, since=2019, until=2023)
    ([2019, 2023], [1.0, 5.0])
    """
    points = values.filter(pl.col("value").is_not_null())
    if since is not None:
        points = points.filter(pl.col("period") >= since)
    if points.height < 2:
        return None
    xs, ys = points["period"].to_list(), points["value"].to_list()
    n = len(xs)
    mean_x, mean_y = sum(xs) / n, sum(ys) / n
    slope = sum((x - mean_x) * (y - mean_y) for x, y in zip(xs, ys, strict=True)) / sum(
        (x - mean_x) ** 2 for x in xs
    )
    end = max(until or xs[-1], xs[-1])
    line_x = [xs[0], end]
    return line_x, [round(mean_y + slope * (x - mean_x), 10) for x in line_x]


def lines(
    values: pl.DataFrame,
    *,
    by: str,
    title: str,
    unit: str,
    sample: bool,
    colours: dict[str, str] | None = None,
    styles: dict[str, dict] | None = None,
) -> go.Figure:
    """One line per value of `by` (regions or sexes), gaps kept; each line with its own marker
    and dash, or the one `styles` gives it (dash, width, symbol, size)."""
    fig = go.Figure()
    keys = values[by].unique(maintain_order=True).to_list()
    if styles:  # in the order of `styles`: what is drawn later lies on top
        order = list(styles)
        keys.sort(key=lambda k: order.index(k) if k in order else len(order))
    for i, key in enumerate(keys):
        part = values.filter(pl.col(by) == key)
        colour = (colours or {}).get(key, OKABE_ITO[i % len(OKABE_ITO)])
        style = {"dash": DASHES[i % len(DASHES)], "width": 2}
        style |= {"symbol": MARKERS[i % len(MARKERS)], "size": 8}
        style |= (styles or {}).get(key, {})
        fig.add_trace(
            go.Scatter(
                x=part["period"].to_list(),
                y=part["value"].to_list(),
                name=plain(str(key)),
                mode="lines+markers",
                connectgaps=False,
                line={"color": colour, "dash": style["dash"], "width": style["width"]},
                marker={"symbol": style["symbol"], "size": style["size"], "color": colour},
                hovertemplate=_hover(unit),
            )
        )
    return _layout(fig, title, unit, sample)


def as_index(values: pl.DataFrame, by: str) -> tuple[pl.DataFrame, int | None]:
    """Each line as an index on the first year in which every line has a value (= 100), so
    that counts of regions of very different size can be compared by their course.

    >>> frame = pl.DataFrame({"r": ["A", "A", "A", "B", "B"],
    ...                       "period": [2018, 2019, 2020, 2019, 2020],
    ...                       "value": [900.0, 1300.0, 1430.0, 8519.0, 8519.0]})
    >>> index, base = as_index(frame, "r")
    >>> base, [round(v, 1) for v in index["value"].to_list()]
    (2019, [69.2, 100.0, 110.0, 100.0, 100.0])
    """
    lines = values[by].n_unique()
    known = values.drop_nulls("value").group_by("period").agg(pl.col(by).n_unique().alias("n"))
    common = known.filter(pl.col("n") == lines)["period"]
    if common.is_empty():
        return values.with_columns(pl.lit(None, pl.Float64).alias("value")), None
    base = int(common.min())
    at_base = pl.col("value").filter(pl.col("period") == base).first().over(by)
    return values.with_columns((100 * pl.col("value") / at_base).alias("value")), base
