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
    """Bars per month scaled to the largest month; a negative month (refunds) hangs below the line."""
    count = max(len(points), 1)
    slot = WIDTH / count
    largest = max((abs(p.revenue) for p in points), default=Decimal(0)) or Decimal(1)
    lowest = min((p.revenue for p in points), default=Decimal(0))
    room = HEIGHT - TOP - BOTTOM
    negative_room = room * float(-lowest / (largest - lowest)) if lowest < 0 else 0.0
    positive_room = room - negative_room
    baseline = TOP + positive_room
    bars = []
    for index, (point, label) in enumerate(zip(points, labels, strict=True)):
        share = float(abs(point.revenue) / largest)
        height = share * (positive_room if point.revenue >= 0 else negative_room or positive_room)
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
