"""Targets page helpers: filters by indicator and document, and a server-rendered SVG chart per indicator.

The targets view (``explore.targets``) hands the template its rows grouped by year and indicator;
:func:`targets_view` filters them by the page's ``indicator`` and ``doc`` arguments and builds one chart
per (indicator, unit) over the years: values in different units never share an axis ("22 hạng" and
"6,08 điểm" are two charts), one line per source document. No script, no chart library: plain SVG.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from html import escape

from markupsafe import Markup

PALETTE = ["#1d4ed8", "#e15759", "#59a14f", "#f28e2b", "#b07aa1", "#76b7b2", "#9c755f"]


@dataclass
class Point:
    year: int
    value: float
    text: str  # the value as printed on the chart (comparator, Vietnamese number, range)
    document: str
    target: str


@dataclass
class Chart:
    indicator: str
    unit: str
    points: list[Point] = field(default_factory=list)

    @property
    def years(self) -> list[int]:
        return sorted({p.year for p in self.points})


@dataclass
class TargetsView:
    by_year: dict[str, dict[str, list[dict]]]
    count: int
    charts: list[Chart]
    indicators: list[tuple[str, int]]  # (indicator, number of targets), for the filter
    documents: list[tuple[str, int]]  # (document IRI, number of targets)


def vn_number(value: object) -> str:
    """A number the Vietnamese way: decimal comma, thousands grouped by dots (6,08; 1.500.000); text as is."""
    text = str(value).strip()
    try:
        number = Decimal(text)
    except (InvalidOperation, ValueError):
        return text
    if not number.is_finite():
        return text
    if number == number.to_integral_value():
        number = number.quantize(Decimal(1))
    else:
        number = number.normalize()
    sign = "-" if number < 0 else ""
    whole, _, frac = f"{abs(number):f}".partition(".")
    grouped = f"{int(whole):,}".replace(",", ".")
    return sign + grouped + ("," + frac if frac else "")


def _number(term) -> float | None:  # noqa: ANN001
    try:
        return float(Decimal(term.value)) if term is not None else None
    except (InvalidOperation, ValueError):
        return None


def targets_view(by_year: Mapping[str, Mapping[str, list[dict]]], args: Mapping[str, str]) -> TargetsView:
    """The rows kept by the ``indicator`` and ``doc`` filters of ``args``, their charts and filter choices."""
    want_ind = args.get("indicator", "").strip()
    want_doc = args.get("doc", "").strip()
    kept: dict[str, dict[str, list[dict]]] = {}
    indicators: dict[str, int] = {}
    documents: dict[str, int] = {}
    charts: dict[tuple[str, str], Chart] = {}
    count = 0
    for year, groups in by_year.items():
        for ind, rows in groups.items():
            for r in rows:
                doc = r["doc"].value if r.get("doc") is not None else ""
                if not want_doc or doc == want_doc:
                    indicators[ind] = indicators.get(ind, 0) + 1
                if not want_ind or ind == want_ind:
                    if doc:
                        documents[doc] = documents.get(doc, 0) + 1
                if (want_ind and ind != want_ind) or (want_doc and doc != want_doc):
                    continue
                kept.setdefault(year, {}).setdefault(ind, []).append(r)
                count += 1
                value = _number(r.get("value"))
                if value is None or not year.isdigit():
                    continue
                unit = r["unit"].value if r.get("unit") is not None else ""
                comparator = r["comparator"].value if r.get("comparator") is not None else ""
                text = vn_number(r["value"].value)
                if r.get("upper") is not None:
                    text += "–" + vn_number(r["upper"].value)
                if comparator and comparator not in ("=", "range"):
                    text = f"{comparator} {text}"
                chart = charts.setdefault((ind, unit), Chart(ind, unit))
                chart.points.append(Point(int(year), value, text, doc, r["t"].value))
    # a chart is worth drawing for a series over two years or more
    drawn = sorted((c for c in charts.values() if len(c.years) >= 2), key=lambda c: (-len(c.points), c.indicator))
    return TargetsView(kept, count, drawn,
                       sorted(indicators.items(), key=lambda x: x[0].casefold()),
                       sorted(documents.items(), key=lambda x: -x[1]))


def svg_chart(chart: Chart, label: Callable[[str], str], width: int = 360, height: int = 200) -> Markup:
    """A line chart of ``chart``: years on x, values on y (from zero), one line per source document."""
    docs = list(dict.fromkeys(p.document for p in chart.points))
    legend = docs[:3]
    left, right, top, bottom = 16, 16, 26, 28 + 14 * len(legend)
    years = chart.years
    lo_year, hi_year = years[0], years[-1]
    values = [p.value for p in chart.points]
    lo, hi = min(0.0, min(values)), max(values)
    if hi == lo:
        hi = lo + 1
    hi += (hi - lo) * 0.12

    def x(year: int) -> float:
        return left + (year - lo_year) / max(1, hi_year - lo_year) * (width - left - right)

    def y(value: float) -> float:
        return top + (hi - value) / (hi - lo) * (height - top - bottom)

    title = f"{chart.indicator} ({chart.unit})" if chart.unit else chart.indicator
    out = [f'<svg class="chart" viewBox="0 0 {width} {height}" role="img" aria-label="{escape(title)}" '
           f'xmlns="http://www.w3.org/2000/svg"><title>{escape(title)}</title>',
           f'<line x1="{left}" y1="{y(lo):.1f}" x2="{width - right}" y2="{y(lo):.1f}" stroke="#9aa5b1"/>']
    for year in years:
        out.append(f'<text x="{x(year):.1f}" y="{height - bottom + 16}" text-anchor="middle" '
                   f'font-size="12" fill="#52606d">{year}</text>')
    for i, doc in enumerate(docs):
        colour = PALETTE[i % len(PALETTE)]
        pts = sorted((p for p in chart.points if p.document == doc), key=lambda p: p.year)
        if len(pts) > 1:
            path = " ".join(f"{x(p.year):.1f},{y(p.value):.1f}" for p in pts)
            out.append(f'<polyline points="{path}" fill="none" stroke="{colour}" stroke-width="2"/>')
        for p in pts:
            anchor = "start" if p.year == lo_year else "end" if p.year == hi_year else "middle"
            out.append(f'<circle cx="{x(p.year):.1f}" cy="{y(p.value):.1f}" r="4" fill="{colour}">'
                       f'<title>{p.year}: {escape(p.text)} {escape(chart.unit)} — {escape(label(doc))}</title>'
                       f'</circle><text x="{x(p.year):.1f}" y="{y(p.value) - 8:.1f}" text-anchor="{anchor}" '
                       f'font-size="12" fill="#1f2933">{escape(p.text)}</text>')
    for i, doc in enumerate(legend):
        out.append(f'<text x="{left}" y="{height - 6 - (len(legend) - 1 - i) * 14}" font-size="11" '
                   f'fill="{PALETTE[i % len(PALETTE)]}"><title>{escape(label(doc)) if doc else ""}</title>'
                   f'■ {escape(_clip(label(doc), 52)) if doc else "—"}</text>')
    out.append("</svg>")
    return Markup("".join(out))


def _clip(text: str, n: int) -> str:
    return text if len(text) <= n else text[: n - 1].rstrip() + "…"
