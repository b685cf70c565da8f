"""Write docs/indicators.md: each goal of the catalogue with its indicators, or why it has none.

Run `python scripts/indicator_doc.py` after changing indicators.toml; a test checks that the
document names every goal and every indicator of the shipped catalogue.
"""

from __future__ import annotations

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from etl import catalog as catalog_module  # noqa: E402  (after the path above)

OUT = ROOT / "docs" / "indicators.md"
KINDS = {"level": "Anzahl", "share": "Anteil", "gap": "Lücke", "parity": "Verhältnis"}

# Why a goal has no indicator: no official statistic measures it at city level; it is steered
# through its measures (Maßnahmen). One sentence per kind of goal, said plainly.
QUALITATIVE = (
    "nur über Maßnahmen messbar: Es beschreibt eine Haltung, ein Angebot oder eine Arbeitsweise "
    "von Einrichtungen, die keine amtliche Statistik für die Stadt erfasst"
)
NO_CITY_SERIES = (
    "eine passende amtliche Reihe gibt es nur für das Land oder gar nicht "
    "nach Staatsangehörigkeit; die städtischen Daten (Fachstatistiken, Befragungen) liegen dem "
    "Monitor nicht vor"
)
REASONS = {
    "bildung.lebenslanges_lernen": NO_CITY_SERIES,
    "soziales.quartiere": NO_CITY_SERIES,
    "soziales.gesundheit_pflege": NO_CITY_SERIES,
    "soziales.wohnen": NO_CITY_SERIES,
    "soziales.engagement": NO_CITY_SERIES,
    "stadtleben.kulturarbeit": NO_CITY_SERIES,
    "stadtleben.sport": NO_CITY_SERIES,
    "wirtschaft.internationalisierung": NO_CITY_SERIES,
}


def render() -> str:
    """The document's text for the shipped catalogue."""
    catalog = catalog_module.load(ROOT / "indicators.toml")
    lines = [
        "# Ziele und Indikatoren",
        "",
        f"Für jedes der {len(catalog.goals)} Ziele des Katalogs ({catalog.municipality.strategy}): "
        "seine Indikatoren oder der Grund, warum es keinen hat. Geschrieben von "
        "`scripts/indicator_doc.py` aus `indicators.toml`.",
        "",
        "Konzept: *Staatsangehörigkeit* (Register, Schul- und Sozialstatistik) und "
        "*Migrationshintergrund* (Mikrozensus, Personalbefragung) sind verschiedene Konzepte "
        "und stehen nie in einer Reihe.",
    ]
    sources = _sources()
    for field in catalog.fields:
        lines += ["", f"## {field.name}"]
        for goal in (g for g in catalog.goals if g.field == field.id):
            lines += ["", f"### {goal.title}", "", f"`{goal.id}`", ""]
            own = [i for i in catalog.indicators if i.goal == goal.id]
            if not own:
                lines.append(f"Kein Indikator — {REASONS.get(goal.id, QUALITATIVE)}.")
                continue
            for ind in own:
                used = sorted({s for series in ind.series.values() for s in series.sources})
                sample = any(sources.get(s, False) for s in used)
                role = "Kontext" if ind.contextual else "bewertet"
                marks = f"{KINDS[ind.kind]}, {role}" + (
                    ", Beispieldaten" if sample else ", amtlich"
                )
                lines.append(
                    f"- **{ind.title}** (`{ind.id}`, {ind.unit}; {marks}) — Quellen: "
                    + ", ".join(f"`{s}`" for s in used)
                )
    return "\n".join(lines) + "\n"


def main() -> int:
    OUT.write_text(render(), encoding="utf-8")
    print(f"{OUT.relative_to(ROOT)} written")
    return 0


def _sources() -> dict[str, bool]:
    import tomllib

    manifest = tomllib.loads((ROOT / "data" / "sources.toml").read_text("utf-8"))
    return {s["id"]: s["is_sample"] for s in manifest["source"]}


if __name__ == "__main__":
    sys.exit(main())
