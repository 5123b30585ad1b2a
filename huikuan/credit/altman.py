"""Altman Z-scores from a customer's financial statements (SPEC §5.3). Pure; no ORM.

The model follows the company's kind: the original Z for listed manufacturers (market value
of equity), Z′ for private manufacturers and Z″ for non-manufacturers (book equity). Every
ratio is returned beside the score. The score is rounded to 2 places (half up) and its zone
judged on that figure: below the lower cut-off is distress, above the upper one safe, and
both cut-offs themselves belong to the grey zone.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from django.utils.translation import gettext_noop

from huikuan.core.money import quantize_ratio

LISTED_MANUFACTURER = "listed_manufacturer"
PRIVATE_MANUFACTURER = "private_manufacturer"
NON_MANUFACTURER = "non_manufacturer"
KINDS = (LISTED_MANUFACTURER, PRIVATE_MANUFACTURER, NON_MANUFACTURER)

SAFE, GREY, DISTRESS = "safe", "grey", "distress"
RATIO_PLACES = Decimal("0.0001")
SCORE_PLACES = Decimal("0.01")


@dataclass(frozen=True)
class AltmanModel:
    name: str
    # Coefficients of X1 … X5 (X5 absent from Z″).
    coefficients: tuple[Decimal, ...]
    distress_below: Decimal
    safe_above: Decimal
    uses_market_equity: bool


Z = AltmanModel(
    "Z",
    tuple(Decimal(c) for c in ("1.2", "1.4", "3.3", "0.6", "1.0")),
    Decimal("1.81"),
    Decimal("2.99"),
    True,
)
Z_PRIME = AltmanModel(
    "Z′",
    tuple(Decimal(c) for c in ("0.717", "0.847", "3.107", "0.420", "0.998")),
    Decimal("1.23"),
    Decimal("2.90"),
    False,
)
Z_DOUBLE_PRIME = AltmanModel(
    "Z″",
    tuple(Decimal(c) for c in ("6.56", "3.26", "6.72", "1.05")),
    Decimal("1.10"),
    Decimal("2.60"),
    False,
)
MODEL_BY_KIND = {LISTED_MANUFACTURER: Z, PRIVATE_MANUFACTURER: Z_PRIME, NON_MANUFACTURER: Z_DOUBLE_PRIME}


@dataclass(frozen=True)
class Statement:
    working_capital: Decimal
    retained_earnings: Decimal
    ebit: Decimal
    book_equity: Decimal
    total_liabilities: Decimal
    sales: Decimal
    total_assets: Decimal
    market_equity: Decimal | None = None


@dataclass(frozen=True)
class AltmanResult:
    model: str
    ratios: dict[str, Decimal]
    score: Decimal
    zone: str

    def as_dict(self) -> dict:
        return {
            "model": self.model,
            "ratios": {name: str(value) for name, value in self.ratios.items()},
            "score": str(self.score),
            "zone": self.zone,
        }


def zone_for(score: Decimal, model: AltmanModel) -> str:
    if score < model.distress_below:
        return DISTRESS
    if score > model.safe_above:
        return SAFE
    return GREY


def altman_score(statement: Statement, kind: str) -> AltmanResult:
    """The model for ``kind`` applied to ``statement``: ratios X1…, score and zone."""
    if kind not in MODEL_BY_KIND:
        raise ValueError(f"unknown company kind {kind!r}; one of {', '.join(KINDS)}")
    model = MODEL_BY_KIND[kind]
    if statement.total_assets <= 0:
        raise ValueError(gettext_noop("total assets must be positive"))
    if statement.total_liabilities <= 0:
        raise ValueError(gettext_noop("total liabilities must be positive"))
    equity = statement.book_equity
    if model.uses_market_equity:
        if statement.market_equity is None:
            raise ValueError(gettext_noop("a listed manufacturer's Z-score needs the market value of equity"))
        equity = statement.market_equity
    assets = statement.total_assets
    exact = {
        "x1_working_capital_to_assets": statement.working_capital / assets,
        "x2_retained_earnings_to_assets": statement.retained_earnings / assets,
        "x3_ebit_to_assets": statement.ebit / assets,
        "x4_equity_to_liabilities": equity / statement.total_liabilities,
        "x5_sales_to_assets": statement.sales / assets,
    }
    used = list(exact.items())[: len(model.coefficients)]
    raw = sum((c * value for c, (_, value) in zip(model.coefficients, used, strict=True)), Decimal(0))
    score = quantize_ratio(raw, SCORE_PLACES)
    ratios = {name: quantize_ratio(value, RATIO_PLACES) for name, value in used}
    return AltmanResult(model=model.name, ratios=ratios, score=score, zone=zone_for(score, model))
