"""Calibrated confidence: the isotonic fit, the curve lookup, the config section, and `intake eval --calibrate`
end to end on bundled samples (real pipeline, real files)."""
from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
import yaml
from pydantic import ValidationError

from classifiers.calibration import CalibrationSettings, apply_curve, calibrate
from foundation.config import Config, load_config
from foundation.models import Extraction, FieldValue
from intake.calibration import Observation, choose, fit, fit_isotonic, reliability, ThresholdRow

REPO = Path(__file__).resolve().parents[2]


def obs(conf: float, ok: bool, field: str = "claim_number") -> Observation:
    return Observation(field, conf, ok, "x.eml")


def test_isotonic_fit_is_monotone_and_smoothed() -> None:
    # raw 0.6 is right 1 time in 4, raw 0.8 right 9 in 10, raw 0.95 right 1 in 2: the last two pool together
    data = [obs(0.6, i == 0) for i in range(4)] + [obs(0.8, i < 9) for i in range(10)] + [obs(0.95, i == 0) for i in range(2)]
    curve = fit_isotonic(data)
    probs = [p for _, p in curve]
    assert probs == sorted(probs)
    assert curve[0] == (0.6, round(2 / 6, 4))            # (1 + 1) / (4 + 2)
    assert curve[-1] == (1.0, round(11 / 14, 4))          # pooled 0.8 and 0.95: (10 + 1) / (12 + 2)


def test_curve_lookup_takes_the_first_bound_not_exceeded() -> None:
    curve = [(0.6, 0.3), (0.9, 0.8), (1.0, 0.99)]
    assert apply_curve(curve, 0.5) == 0.3 and apply_curve(curve, 0.6) == 0.3
    assert apply_curve(curve, 0.61) == 0.8 and apply_curve(curve, 0.95) == 0.99
    assert apply_curve([], 0.42) == 0.42


def test_calibrate_maps_read_fields_and_keeps_raw_and_corrections() -> None:
    config = Config.model_validate({"calibration": {"fields": {"claim_number": [[0.9, 0.5], [1.0, 0.97]]},
                                                    "default": [[1.0, 0.9]]}})
    ex = Extraction(fields={"claim_number": FieldValue(value="B1234567", confidence=0.95),
                            "phone": FieldValue(value="+33600000000", confidence=0.6),
                            "city": FieldValue(value="Lyon", confidence=0.6, corrected_by="anne"),
                            "email": FieldValue(value=None, confidence=0.0)})
    calibrate(ex, config)
    assert ex.fields["claim_number"].confidence == 0.97 and ex.fields["claim_number"].raw_confidence == 0.95
    assert ex.fields["phone"].confidence == 0.9
    assert ex.fields["city"].confidence == 0.6 and ex.fields["email"].raw_confidence is None


def test_a_curve_out_of_order_is_refused() -> None:
    with pytest.raises(ValidationError):
        CalibrationSettings.model_validate({"fields": {"phone": [[0.9, 0.5], [0.5, 0.9]]}})
    with pytest.raises(ValidationError):
        CalibrationSettings.model_validate({"default": [[1.0, 1.5]]})


def test_fit_gives_a_loadable_section_and_reliability_bins() -> None:
    data = [obs(0.95, i % 20 != 0) for i in range(60)] + [obs(0.6, i % 2 == 0, "last_name") for i in range(10)]
    section = fit(data, min_per_field=40)
    assert set(section["fields"]) == {"claim_number"}       # last_name: too few observations, default curve
    settings = CalibrationSettings.model_validate(section)
    assert settings.curve("last_name") == settings.default
    rows = reliability(data)
    assert sum(r.count for r in rows) == 70 and rows[-1].accuracy == pytest.approx(57 / 60)


def test_threshold_choice_needs_both_observed_and_expected_under_the_bound() -> None:
    rows = [ThresholdRow(0.7, 100, 3, 0.2), ThresholdRow(0.9, 80, 0, 1.0), ThresholdRow(0.95, 50, 0, 0.1)]
    assert choose(rows).threshold == 0.95
    assert choose(rows[:2]) is None


def test_eval_calibrate_writes_a_section_the_product_then_applies(tmp_path) -> None:
    names = ["c2s_01_dde_reparee.eml", "agence_pdf_01_dde_reparee.eml", "courtage_01_dde_reparee.eml"]
    paths = [str(p) for n in names for p in (REPO / "samples" / "messages").glob(n)]
    assert len(paths) >= 2
    out = tmp_path / "calibration.yaml"
    run = subprocess.run([sys.executable, "-m", "intake", "eval", *paths, "--calibrate", str(out), "--workers", "0"],
                         capture_output=True, text=True, timeout=600, cwd=REPO)
    assert run.returncode == 0, run.stderr
    assert "reliability" in run.stdout and "auto-open threshold" in run.stdout
    section = yaml.safe_load(out.read_text(encoding="utf-8"))["calibration"]
    assert section["default"] and section["fitted_on"].startswith(tuple("0123456789"))
    config = load_config(str(out))
    assert CalibrationSettings.model_validate(config.section("calibration")).default == [tuple(p) for p in section["default"]]
