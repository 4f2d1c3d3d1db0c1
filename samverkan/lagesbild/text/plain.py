"""The lägesbild as plain Swedish text (the command line's ``--format text``)."""

from typing import Any

from django.utils.translation import gettext as _

from samverkan.analysis.formatting import format_decimal


def _pct(value: float | None) -> str:
    return "–" if value is None else f"{format_decimal(100 * value, 1)} %"


def as_text(result: dict[str, Any]) -> str:
    p, k = result["parameters"], result["key_figures"]
    lines = [
        _("Lägesbild: %(t)s, %(a)s–%(b)s")
        % {"t": p.get("agreement_title", ""), "a": p["date_from"], "b": p["date_to"]},
    ]
    if p.get("district_names"):
        lines.append(_("Områden: %s") % ", ".join(p["district_names"]))
    if p.get("categories"):
        lines.append(_("Kategorier: %s") % ", ".join(p["categories"]))
    lines.append(_("Omfattning: %s") % result["scope"].get("kind", ""))
    lines += ["", _("Nyckeltal"), _("  Händelser: %s") % k["total"]]
    if k["previous_total"] is not None:
        lines.append(_("  Samma period året innan: %s") % k["previous_total"])
    lines.append(_("  Helgnätter: %s") % k["weekend_night_sentence"])
    lines += ["", _("Per kategori")]
    lines += [f"  {r['name']}: {r['count']}" for r in result["counts"]["by_category"]]
    lines += ["", _("Per område")]
    lines += [f"  {r['name']}: {r['count']}" for r in result["counts"]["by_district"]]
    lines += _rates_lines(result["rates"])
    lines += ["", _("Per månad")]
    lines += [f"  {r['period']}: {r['count']}" for r in result["counts"]["by_month"]]
    lines += ["", _("Helgnätter per kategori")]
    lines += [f"  {r['sentence']}" for r in result["weekend_nights"]["by_category"]]
    lines += ["", _("Säsong"), f"  {result['seasonality'].get('sentence', '')}"]
    lines += ["", _("Helgdagar och aftnar"), f"  {result['holidays'].get('sentence', '')}"]
    lines += ["", _("Trender")]
    total = result["trends"].get("total") or {}
    lines.append(f"  {_('Alla händelser')}: {total.get('sentence', '')}")
    for key, title in (("by_district", _("Område")), ("by_category", _("Kategori"))):
        for t in result["trends"][key]:
            lines.append(f"  {title} {t['name']}: {t['sentence']}")
    monthly = result["trends"].get("monthly") or {}
    if monthly:
        lines.append(f"  {monthly.get('explanation', '')}")
        if monthly.get("total"):
            lines.append(f"  {_('Månad för månad')}: {monthly['total']['sentence']}")
            for t in monthly["by_district"]:
                lines.append(
                    f"  {_('Område')} {t['name']} ({_('månad för månad')}): {t['sentence']}"
                )
    c = result["comparison"]
    lines += ["", _("Jämförelse med samma period året innan"), f"  {c['sentence']}"]
    if c.get("summary"):
        lines.append(f"  {c['summary']}")
    lines += [f"  {s}" for s in c["flagged"]]
    h = result["hotspots"]
    lines += ["", _("Hot spots (Gi*, rutor om %s m)") % format_decimal(h["cell"], 0)]
    lines.append(
        _(
            "  %(hot)d heta och %(cold)d kalla rutor på 95 %%-nivån av %(n)d; %(e)s händelser med exakt position."
        )
        % {
            "hot": h["n_hot"]["95"],
            "cold": h["n_cold"]["95"],
            "n": (h.get("area") or {}).get("cells") or len(h["cells"]),
            "e": h["events"],
        }
    )
    lines += [f"  {n}" for n in h["notes"]]
    cells = (result["concentration"] or {}).get("cells")
    if cells:
        for row in cells["top"]:
            lines.append(
                _("  De %(u)s mest drabbade rutorna (%(s)s) har %(e)s av händelserna.")
                % {
                    "u": row["units"],
                    "s": _pct(row["share_of_units"]),
                    "e": _pct(row["share_of_events"]),
                }
            )
    if result["notes"]:
        lines += ["", _("Att tänka på")] + [f"  {n}" for n in result["notes"]]
    return "\n".join(lines) + "\n"


def _rates_lines(rates: dict[str, Any]) -> list[str]:
    """Events per 100 000 inhabitants, as the page shows them, or why there are none."""
    lines = ["", _("Per 100 000 invånare")]
    if rates["available"]:
        lines.append(f"  {rates['label']}")
        lines.append(_("  Alla händelser: %s") % _rate(rates["per_100k"]))
        if isinstance(rates.get("per_year"), (int, float)) and isinstance(
            rates.get("year_ci_low"), (int, float)
        ):
            lines.append(
                _("  Omräknat till helår: %(rate)s per 100 000 och år (95 %% KI %(lo)s–%(hi)s)")
                % {
                    "rate": format_decimal(rates["per_year"], 1),
                    "lo": format_decimal(rates["year_ci_low"], 1),
                    "hi": format_decimal(rates["year_ci_high"], 1),
                }
            )
        lines += [f"  {c['name']}: {_rate(c['per_100k'])}" for c in rates["by_category"]]
    else:
        lines.append(f"  {rates['note']}")
    if rates["by_district"]:
        lines.append(f"  {rates['district_label']}")
        lines += [
            f"  {_('Område')} {d['name']}: {_rate(d['per_100k'])}" for d in rates["by_district"]
        ]
    return lines


def _rate(value) -> str:
    """A rate, or "–" where it is withheld (small-count suppression) or missing."""
    return "–" if value is None else format_decimal(value, 1)
