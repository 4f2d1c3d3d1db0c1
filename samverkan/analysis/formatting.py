"""Numbers and test results in Swedish notation: decimal comma, space as thousands separator.

One home for how numbers are written, so a p-value reads the same on every page and in every
report; the sentences around them are written in ``lagesbild.text``.
"""


def format_decimal(value: float, decimals: int = 1) -> str:
    """``5.24`` → ``"5,2"``; thousands separated by a space (``"12 345,0"``), minus as −."""
    rounded = round(value, decimals) + 0.0  # + 0.0 turns -0.0 into 0.0
    return f"{rounded:,.{decimals}f}".replace(",", " ").replace(".", ",").replace("-", "−")


def format_p(p: float) -> str:
    """A p- or q-value as Swedish text: ``0.34`` → ``"0,34"``, ``0.0034`` → ``"0,003"``.

    Two decimals, three below 0.01 and near 0.05, and ``"< 0,001"`` below 0.001, so a tiny
    value never reads as zero. A value just below 0.05 never reads as ``"0,05"`` (which would
    look not significant next to a claim that it is): 0.0496 becomes ``"< 0,05"``.
    """
    if p < 0.001:
        return "< 0,001"
    decimals = 3 if p < 0.01 or 0.045 <= p < 0.055 else 2
    if p < 0.05 <= round(p, decimals):
        return "< 0,05"
    return format_decimal(p, decimals)


def format_stat(name: str, p: float) -> str:
    """``"p = 0,01"`` or ``"p < 0,001"``."""
    text = format_p(p)
    return f"{name} {text}" if text.startswith("<") else f"{name} = {text}"
