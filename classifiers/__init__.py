"""Classifiers: document type, channel, peril, and field extraction with confidence and evidence."""
from __future__ import annotations


def classify(msg, config):
    """foundation.models.ParsedMessage + Config -> foundation.models.Extraction. Implemented in classifiers.pipeline."""
    from classifiers.pipeline import classify as _classify
    return _classify(msg, config)


def warm_up(config) -> None:
    """Load models (spaCy) once per process."""
    from classifiers.pipeline import warm_up as _warm
    _warm(config)
