"""A small monthly revenue chart as inline SVG, drawn on the server: no chart library, no JavaScript."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from lojal.sales.selectors import MonthPoint

WIDTH, HEIGHT, GAP, TOP, BOTTOM = 600, 120, 6, 6, 16


@dataclass
class Bar:
    x: float
    y: float
    width: float
    height: float
    label: str
    value: Decimal
    is_negative: bool

    @property
    def label_x(self) -> float:
        return self.x + self.width / 2


@dataclass
class Chart:
    currency: str
    bars: list[Bar]
    width: int = WIDTH
    height: int = HEIGHT
    baseline: float = 0


def monthly_chart(currency: str, points: list[MonthPoint], labels: list[str]) -> Chart:
    """Bars per month on one scale; a negative month (refunds) hangs below the line. The line sits where
    the highest and lowest months leave it, so a chart of only refunds is not half empty."""
    count = max(len(points), 1)
    slot = WIDTH / count
    highest = max([Decimal(0), *(p.revenue for p in points)])
    lowest = min([Decimal(0), *(p.revenue for p in points)])
    room = HEIGHT - TOP - BOTTOM
    span = highest - lowest
    scale = room / float(span) if span else 0.0
    baseline = TOP + float(highest) * scale if span else TOP + room
    bars = []
    for index, (point, label) in enumerate(zip(points, labels, strict=True)):
        height = float(abs(point.revenue)) * scale
        y = baseline - height if point.revenue >= 0 else baseline
        bars.append(
            Bar(
                x=index * slot + GAP / 2,
                y=y,
                width=slot - GAP,
                height=max(height, 0.5 if point.revenue else 0),
                label=label,
                value=point.revenue,
                is_negative=point.revenue < 0,
            )
        )
    return Chart(currency=currency, bars=bars, baseline=baseline)
