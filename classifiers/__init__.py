"""Classifiers: document type, channel, peril, and field extraction with confidence and evidence."""
from __future__ import annotations


def classify(msg, config):
    """foundation.models.ParsedMessage + Config -> foundation.models.Extraction, confidences calibrated.
    Implemented in classifiers.pipeline (reading) and classifiers.calibration (confidence as a probability)."""
    from classifiers import ocr_doubt
    from classifiers.calibration import calibrate
    from classifiers.pipeline import classify as _classify
    return ocr_doubt.apply(calibrate(_classify(msg, config), config), msg, config)


def warm_up(config) -> None:
    """Load models (spaCy) once per process."""
    from classifiers.pipeline import warm_up as _warm
    _warm(config)
