"""The monitor's shared words, in one place: what the ETL writes into the warehouse and the
dashboard and the report read back (status words, measure states, kinds of target).

Neither side owns them: the ETL (etl/) and the presentation (dashboard/, including the report)
both import this package, and the dashboard never imports etl (DESIGN.md).
"""

from __future__ import annotations

# --- the values of a breakdown, as every reader writes them into observations ----------------
TOTAL = "insgesamt"
MAENNLICH = "männlich"
WEIBLICH = "weiblich"
DIVERS = "divers"
DEUTSCH = "deutsch"
AUSLAENDISCH = "ausländisch"
# The breakdown by sex an indicator with by_sex computes beside the total.
SEXES = (MAENNLICH, WEIBLICH)

# --- outcome status of an indicator, a goal, a field (docs/progress.md) ------------------------
ZIEL_ERREICHT = "Ziel erreicht"
AUF_KURS = "auf Kurs"
DEUTLICHER_FORTSCHRITT = "deutlicher Fortschritt"
MAESSIGER_FORTSCHRITT = "mäßiger Fortschritt"
UNZUREICHENDER_FORTSCHRITT = "unzureichender Fortschritt"
LEICHTE_VERSCHLECHTERUNG = "leichte Verschlechterung"
FALSCHE_RICHTUNG = "Entwicklung in falsche Richtung"
DEUTLICHE_VERSCHLECHTERUNG = "deutliche Verschlechterung"
NICHT_BEWERTBAR = "nicht bewertbar"
KONTEXT = "Kontextindikator"
KEIN_INDIKATOR = "kein Indikator hinterlegt"

# Best first. A goal or field takes the worst status among its assessed parts (docs/progress.md).
ORDER = (
    ZIEL_ERREICHT,
    AUF_KURS,
    DEUTLICHER_FORTSCHRITT,
    MAESSIGER_FORTSCHRITT,
    UNZUREICHENDER_FORTSCHRITT,
    LEICHTE_VERSCHLECHTERUNG,
    FALSCHE_RICHTUNG,
    DEUTLICHE_VERSCHLECHTERUNG,
)
NOT_ASSESSED = (NICHT_BEWERTBAR, KONTEXT, KEIN_INDIKATOR)
ALL_STATUSES = ORDER + NOT_ASSESSED

# The four steps the overview shows beside the words: on track, slow, wrong direction, no data.
LEVEL = {
    ZIEL_ERREICHT: "gut",
    AUF_KURS: "gut",
    DEUTLICHER_FORTSCHRITT: "gut",
    MAESSIGER_FORTSCHRITT: "langsam",
    UNZUREICHENDER_FORTSCHRITT: "langsam",
    LEICHTE_VERSCHLECHTERUNG: "falsch",
    FALSCHE_RICHTUNG: "falsch",
    DEUTLICHE_VERSCHLECHTERUNG: "falsch",
    NICHT_BEWERTBAR: "offen",
    KONTEXT: "offen",
    KEIN_INDIKATOR: "offen",
}

# --- measures: the states an owner reports per round (data/massnahmen/<round>.csv) --------------
# Their order is the order of progress; "verzögert" stands level with "in Umsetzung" and
# "gestrichen" ends a measure: a later round that goes back needs a comment (etl/rounds.py).
MEASURE_STATES = (
    "geplant",
    "beschlossen",
    "in Umsetzung",
    "verzögert",
    "umgesetzt",
    "gestrichen",
)

# --- Umsetzungsstand: a goal's second kind of status, from its measures, never mixed with the
# outcome status (etl/progress.py, implementation()) ---------------------------------------------
WEDER_NOCH = "weder Indikator noch Maßnahme erfasst"
UMSETZUNG_IM_PLAN = "Umsetzung im Plan"
UMSETZUNG_TEILWEISE = "Umsetzung teilweise im Plan"
UMSETZUNG_NICHT = "Umsetzung nicht im Plan"
UMSETZUNG_ABGESCHLOSSEN = "Umsetzung abgeschlossen"
UMSETZUNG_KEINE_MELDUNG = "keine Meldung"
KEINE_MASSNAHME = "keine Maßnahme erfasst"
ALLE_GESTRICHEN = "alle Maßnahmen gestrichen"
IMPLEMENTATION_STATUSES = (
    UMSETZUNG_ABGESCHLOSSEN,
    UMSETZUNG_IM_PLAN,
    UMSETZUNG_TEILWEISE,
    UMSETZUNG_NICHT,
    UMSETZUNG_KEINE_MELDUNG,
    ALLE_GESTRICHEN,
    KEINE_MASSNAHME,
)

# --- indicators and their targets ---------------------------------------------------------------
KINDS = ("level", "share", "gap", "parity")
# The value a gap or parity indicator reaches at parity.
PARITY = {"gap": 0.0, "parity": 1.0}
# Where a target or a due year comes from. "adopted": set by a decision (council paper, steering
# group); "derived": computed from an adopted rule ("half of the expert groups" → 50 %);
# "assumed": set by the analyst where no paper gives one. Only adopted and derived targets decide
# a status; an assumed one is drawn and labelled, never judged against (docs/progress.md).
TARGET_KINDS = ("adopted", "derived", "assumed")


# --- the warehouse's count columns: one per status or state, spelled out once here and declared
# in etl/load.py's SCHEMA; the ETL fills them and the dashboard reads them by these names ---------
STATUS_COUNT_COLUMNS = {
    ZIEL_ERREICHT: "n_ziel_erreicht",
    AUF_KURS: "n_auf_kurs",
    DEUTLICHER_FORTSCHRITT: "n_deutlicher_fortschritt",
    MAESSIGER_FORTSCHRITT: "n_maessiger_fortschritt",
    UNZUREICHENDER_FORTSCHRITT: "n_unzureichender_fortschritt",
    LEICHTE_VERSCHLECHTERUNG: "n_leichte_verschlechterung",
    FALSCHE_RICHTUNG: "n_falsche_richtung",
    DEUTLICHE_VERSCHLECHTERUNG: "n_deutliche_verschlechterung",
    NICHT_BEWERTBAR: "n_nicht_bewertbar",
    KONTEXT: "n_kontextindikator",
    KEIN_INDIKATOR: "n_kein_indikator_hinterlegt",
}
MEASURE_STATE_COLUMNS = {
    "geplant": "measures_geplant",
    "beschlossen": "measures_beschlossen",
    "in Umsetzung": "measures_in_umsetzung",
    "verzögert": "measures_verzoegert",
    "umgesetzt": "measures_umgesetzt",
    "gestrichen": "measures_gestrichen",
}
