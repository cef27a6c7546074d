"""`intake eval --calibrate`: how often a field read at confidence c is right, and the curves that make the
confidence a probability (applied by classifiers.calibration), fitted on labelled messages.

Why: the classifiers' confidences are hand-set scores (0.95 for a labelled value, 0.6 for a guess in prose).
A reviewer, and the rules stage's `trust_threshold`, need probabilities: a field at 0.95 should be right about
95 % of the time. The fit is isotonic (pool-adjacent-violators, so a higher raw score never maps to a lower
probability) with add-one smoothing, per field when it has enough observations, else one default curve.

The auto-open threshold is then chosen from the same data: the lowest threshold on the least confident key
field of an auto-opened order at which both the observed share of auto-opens with a wrong key field and the
expected share (1 - product of the key fields' probabilities) stay under `max_wrong` (0.5 %).
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Iterable, Optional, TextIO

from intake.evaluate import get, normalise

# the record's confidence key -> the evaluated field name
CALIBRATED = {"claim_number": "claim_number", "order_number": "order_number", "intermediary_code": "intermediary_code",
              "last_name": "insured.last_name", "phone": "insured.phone", "postcode": "insured.postcode",
              "city": "insured.city", "occupancy": "occupancy", "dwelling": "dwelling", "loss_date": "loss_date",
              "amount_eur": "amount_eur", "cause_repaired": "cause_repaired"}
KEY_FIELDS = ("claim_number", "order_number", "intermediary_code", "last_name", "phone", "postcode")
BINS = (0.0, 0.5, 0.7, 0.8, 0.9, 0.95, 0.98, 1.0)
MIN_PER_FIELD = 40


@dataclass(frozen=True)
class Observation:
    field: str          # the record's confidence key (claim_number, last_name, ...)
    confidence: float   # as the record carries it
    correct: bool
    file: str


@dataclass(frozen=True)
class BinRow:
    low: float
    high: float
    count: int
    mean_confidence: float
    accuracy: float


@dataclass(frozen=True)
class ThresholdRow:
    threshold: float
    auto_opens: int
    wrong: int              # auto-opens with a wrong key field
    expected_wrong: float   # sum over auto-opens of 1 - product of the key fields' confidences


def _key(record: dict) -> str:
    from pathlib import Path
    return Path(record.get("source", {}).get("uri", "")).name


def observations(records: Iterable[dict], expected: dict[str, dict]) -> list[Observation]:
    """One observation per field the product read (a value) where the expected record states that field."""
    out: list[Observation] = []
    for record in records:
        name = _key(record)
        want = expected.get(name)
        if want is None or want.get("document_type") != "mission_order":
            continue
        for key, scored in CALIBRATED.items():
            f = (record.get("fields") or {}).get(key)
            got = get(record, scored)
            if f is None or got is None or not _asserted(want, scored):
                continue
            right = normalise(scored, got) == normalise(scored, get(want, scored))
            out.append(Observation(key, float(f.get("confidence") or 0.0), right, name))
    return out


def _asserted(want: dict, name: str) -> bool:
    if name.startswith("insured."):
        return name.split(".", 1)[1] in (want.get("insured") or {})
    return name in want


def reliability(obs: list[Observation], bins: tuple[float, ...] = BINS) -> list[BinRow]:
    rows: list[BinRow] = []
    for low, high in zip(bins, bins[1:]):
        inside = [o for o in obs if (low <= o.confidence < high) or (high == bins[-1] and o.confidence == high)]
        if inside:
            rows.append(BinRow(low, high, len(inside), sum(o.confidence for o in inside) / len(inside),
                               sum(o.correct for o in inside) / len(inside)))
    return rows


def fit_isotonic(obs: list[Observation]) -> list[tuple[float, float]]:
    """Pool adjacent violators on (confidence, correct), add-one smoothed: ascending [bound, probability]."""
    if not obs:
        return []
    points = sorted((o.confidence, 1.0 if o.correct else 0.0) for o in obs)
    # groups of equal raw confidence first, then merge while probabilities decrease
    blocks: list[list[float]] = []   # [upper bound, successes, count]
    for conf, ok in points:
        if blocks and blocks[-1][0] == conf:
            blocks[-1][1] += ok
            blocks[-1][2] += 1
        else:
            blocks.append([conf, ok, 1.0])
    merged: list[list[float]] = []
    for block in blocks:
        merged.append(block)
        while len(merged) > 1 and _p(merged[-2]) >= _p(merged[-1]):
            top = merged.pop()
            merged[-1] = [top[0], merged[-1][1] + top[1], merged[-1][2] + top[2]]
    curve = [(round(b[0], 4), round(_p(b), 4)) for b in merged]
    curve[-1] = (1.0, curve[-1][1])
    return curve


def _p(block: list[float]) -> float:
    return (block[1] + 1.0) / (block[2] + 2.0)


def fit(obs: list[Observation], min_per_field: int = MIN_PER_FIELD) -> dict:
    """The `calibration` configuration section: a curve per well-observed field and a default curve."""
    fields = {}
    for key in CALIBRATED:
        mine = [o for o in obs if o.field == key]
        if len(mine) >= min_per_field:
            fields[key] = [list(p) for p in fit_isotonic(mine)]
    return {"enabled": True, "fields": fields, "default": [list(p) for p in fit_isotonic(obs)]}


def thresholds(records: Iterable[dict], expected: dict[str, dict],
               grid: tuple[float, ...] = (0.5, 0.6, 0.7, 0.75, 0.8, 0.85, 0.9, 0.93, 0.95, 0.97)) -> list[ThresholdRow]:
    """For each threshold: the orders the product auto-opened whose least confident key field reaches it."""
    cases: list[tuple[float, bool, float]] = []   # (min key confidence, any key field wrong, P(all right))
    for record in records:
        want = expected.get(_key(record))
        if want is None or record.get("decision") != "auto_open":
            continue
        confs, wrong, p_all = [], want.get("decision") != "auto_open", 1.0
        for key in KEY_FIELDS:
            scored = CALIBRATED[key]
            f = (record.get("fields") or {}).get(key)
            if f is None or get(record, scored) is None:
                continue
            confs.append(float(f.get("confidence") or 0.0))
            p_all *= confs[-1]
            if _asserted(want, scored) and normalise(scored, get(record, scored)) != normalise(scored, get(want, scored)):
                wrong = True
        cases.append((min(confs) if confs else 0.0, wrong, p_all))
    rows = []
    for t in grid:
        kept = [c for c in cases if c[0] >= t]
        rows.append(ThresholdRow(t, len(kept), sum(c[1] for c in kept), sum(1 - c[2] for c in kept)))
    return rows


def choose(rows: list[ThresholdRow], max_wrong: float = 0.005) -> Optional[ThresholdRow]:
    for row in rows:
        if row.auto_opens and row.wrong / row.auto_opens <= max_wrong and row.expected_wrong / row.auto_opens <= max_wrong:
            return row
    return None


def print_reliability(obs: list[Observation], rows: list[ThresholdRow], out: TextIO) -> None:
    out.write("\nreliability (every field read, where the expected record states it)\n")
    out.write(f"{'confidence':<14}{'fields':>8}{'mean conf.':>12}{'observed':>10}\n")
    for b in reliability(obs):
        out.write(f"[{b.low:.2f}, {b.high:.2f}{']' if b.high == 1.0 else ')'}  {b.count:>8}{b.mean_confidence:>12.3f}"
                  f"{b.accuracy:>10.3f}\n")
    out.write("\nauto-open threshold on the least confident key field "
              f"({', '.join(KEY_FIELDS)})\n")
    out.write(f"{'threshold':<11}{'auto-opens':>11}{'wrong':>7}{'observed':>10}{'expected':>10}\n")
    for r in rows:
        share = r.wrong / r.auto_opens if r.auto_opens else 0.0
        exp = r.expected_wrong / r.auto_opens if r.auto_opens else 0.0
        out.write(f"{r.threshold:<11.2f}{r.auto_opens:>11}{r.wrong:>7}{share:>10.2%}{exp:>10.2%}\n")
    best = choose(rows)
    out.write(f"chosen (wrong auto-opens under 0.5 %, observed and expected): "
              f"{best.threshold if best else 'none reaches it'}\n")
