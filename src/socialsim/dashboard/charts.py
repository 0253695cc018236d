"""The dashboard's figures as ECharts options: plain dictionaries, built without a browser.

Solara draws them with ECharts in the browser (``solara.FigureEcharts``), so a new day sends
numbers, not images. Animation is off: a live view that eases every update lags behind it.
"""

from __future__ import annotations

import html
import math

from socialsim.dashboard.picture import Sample

__all__ = ["SIDE_COLOURS", "kpi_chart", "network_svg"]

SIDE_COLOURS = ("#1f4e79", "#e07b00")
"""Line colours of the two sides: a dark blue and an orange, told apart in greyscale too."""


def kpi_chart(series: dict[str, list[float]]) -> dict:
    """One KPI over the days so far, a line per side.

    Parameters
    ----------
    series : dict of str to list of float
        Each side's values from day 0; NaN (no value that day) leaves a gap.

    Returns
    -------
    dict
        An ECharts option.

    Examples
    --------
    >>> option = kpi_chart({"A": [20.0, 21.5], "B": [20.0, float("nan")]})
    >>> option["series"][1]["data"]
    [[0, 20.0], [1, None]]
    """
    lines = [
        {
            "name": name,
            "type": "line",
            "showSymbol": False,
            "connectNulls": False,
            # the first side's line is wider, so it still shows where the two coincide
            "lineStyle": {"width": 4 if i == 0 else 2},
            "color": SIDE_COLOURS[i % len(SIDE_COLOURS)],
            "data": [[day, None if math.isnan(v) else v] for day, v in enumerate(values)],
        }
        for i, (name, values) in enumerate(series.items())
    ]
    return {
        "animation": False,
        "tooltip": {"trigger": "axis"},
        "legend": {"bottom": 0, "textStyle": {"fontSize": 10}},
        "grid": {"top": 12, "left": 52, "right": 16, "bottom": 42},
        "xAxis": {"type": "value", "name": "day", "nameGap": 4, "minInterval": 1},
        "yAxis": {"type": "value", "scale": True},
        "series": lines,
    }


def network_svg(drawn: Sample, style: dict[str, list], title: str) -> str:
    """The sampled people at their fixed places, as an SVG picture.

    Fill colours and rings are as :func:`~socialsim.dashboard.picture.styles` says; people who
    posted today or whom the brand answered are drawn larger, with a ring in the colour of
    their post (or of the reply). Each person's status shows on hover. Drawn on the server, so
    the browser gets finished shapes and the ties are drawn exactly between the people.

    Examples
    --------
    >>> import numpy as np
    >>> drawn = Sample(np.arange(2), np.array([[0, 1]]), np.array([[0.0, 0.0], [1.0, 1.0]]))
    >>> style = {"colour": ["#c7ccd1", "#3b3b3b"], "ring": [None, "#d62728"], "status": ["prospect", "churned"]}
    >>> svg = network_svg(drawn, style, "A")
    >>> svg.count("<circle"), 'stroke="#d62728"' in svg, "M0,0L1,1" in svg
    (2, True, True)
    """
    ties = "".join(
        f"M{_f(drawn.xy[a, 0])},{_f(drawn.xy[a, 1])}L{_f(drawn.xy[b, 0])},{_f(drawn.xy[b, 1])}"
        for a, b in drawn.edges
    )
    people = "".join(
        f'<circle cx="{_f(x)}" cy="{_f(y)}" r="{0.018 if ring is None else 0.034}" '
        f'fill="{colour}" stroke="{ring or "#ffffff"}" '
        f'stroke-width="{0.004 if ring is None else 0.014}">'
        f"<title>person {int(person)}: {status}</title></circle>"
        for person, (x, y), colour, ring, status in zip(
            drawn.nodes, drawn.xy, style["colour"], style["ring"], style["status"], strict=True
        )
    )
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="-1.08 -1.08 2.16 2.16" '
        f'role="img" aria-label="{html.escape(title)}" style="width: 100%; height: 100%;">'
        f'<path d="{ties}" stroke="#8a939c" stroke-opacity="0.35" stroke-width="0.004" '
        f'fill="none"/>{people}</svg>'
    )


def _f(value: float) -> str:
    """A coordinate, short enough to keep a picture of hundreds of people small."""
    return f"{value:.3f}".rstrip("0").rstrip(".")
