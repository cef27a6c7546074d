"""YAML with line numbers, and configuration errors that say where: `file:line: unknown key rules.trust_treshold
(did you mean trust_threshold?)`.

`read_yaml` returns the data and a map from each key path (("rules", "trust_threshold"), ("limits",),
("classifiers", "perils", 0, "name")...) to the file and line it was written at. `explain` turns a pydantic
ValidationError of one section into such lines, with the nearest known key (difflib) for an unknown one.
"""
from __future__ import annotations

import difflib
import types
from pathlib import Path
from typing import Any, Iterable, Optional, Union, get_args, get_origin

import yaml
from pydantic import BaseModel, ValidationError

from foundation.errors import ConfigError

Loc = tuple[Any, ...]
Marks = dict[Loc, tuple[str, int]]


def _walk(node: yaml.Node, path: Loc, source: str, marks: Marks) -> None:
    if isinstance(node, yaml.MappingNode):
        for key_node, value_node in node.value:
            key = key_node.value
            marks[path + (key,)] = (source, key_node.start_mark.line + 1)
            _walk(value_node, path + (key,), source, marks)
    elif isinstance(node, yaml.SequenceNode):
        for index, item in enumerate(node.value):
            marks[path + (index,)] = (source, item.start_mark.line + 1)
            _walk(item, path + (index,), source, marks)


def read_yaml(path: Path) -> tuple[dict[str, Any], Marks]:
    """The mapping at the top of a YAML file, and where each of its keys (at any depth) was written."""
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError as error:
        raise ConfigError(f"configuration file not found: {path}") from error
    except (OSError, UnicodeDecodeError) as error:
        raise ConfigError(f"cannot read configuration file {path}: {error}") from error
    loader = yaml.SafeLoader(text)
    try:
        node = loader.get_single_node()
        data = loader.construct_document(node) if node is not None else {}
    except yaml.YAMLError as error:
        raise ConfigError(f"configuration file {path} is not valid YAML: {error}") from error
    finally:
        loader.dispose()
    if data is None:
        data = {}
    if not isinstance(data, dict):
        raise ConfigError(f"configuration file {path} must hold a mapping at the top level")
    marks: Marks = {}
    if node is not None:
        _walk(node, (), str(path), marks)
    return data, marks


def where(marks: Marks, loc: Loc) -> str:
    """`file:line` of the deepest written part of `loc` ("" when nothing of it was written in a file)."""
    for end in range(len(loc), 0, -1):
        hit = marks.get(tuple(loc[:end]))
        if hit:
            return f"{hit[0]}:{hit[1]}"
    return ""


def _unwrap(tp: Any) -> Any:
    if get_origin(tp) in (Union, types.UnionType):
        args = [a for a in get_args(tp) if a is not type(None)]
        models = [a for a in args if isinstance(a, type) and issubclass(a, BaseModel)]
        return models[0] if models else (args[0] if args else tp)
    return tp


def known_keys(model: Any, path: Iterable[Any]) -> list[str]:
    """The field names a pydantic model accepts at `path` (dict keys and list indexes stepped over)."""
    tp = model
    for part in path:
        tp = _unwrap(tp)
        if isinstance(tp, type) and issubclass(tp, BaseModel):
            field = tp.model_fields.get(str(part))
            if field is None:
                return []
            tp = field.annotation
            continue
        args = get_args(tp)
        if not args:
            return []
        tp = args[-1] if get_origin(tp) is dict else args[0]
    tp = _unwrap(tp)
    return list(tp.model_fields) if isinstance(tp, type) and issubclass(tp, BaseModel) else []


def nearest(word: str, choices: Iterable[str]) -> Optional[str]:
    found = difflib.get_close_matches(str(word), list(choices), n=1, cutoff=0.6)
    return found[0] if found else None


def unknown_key(loc: Loc, choices: Iterable[str], marks: Marks) -> str:
    name = ".".join(str(p) for p in loc)
    place = where(marks, loc)
    guess = nearest(loc[-1], choices)
    hint = f" (did you mean {guess}?)" if guess else ""
    return f"{place + ': ' if place else ''}unknown key {name}{hint}"


def explain(error: ValidationError, model: Any, prefix: Loc, marks: Marks) -> list[str]:
    """One line per problem of a section: where, which key, what is wrong (never the value: it may be a secret)."""
    lines = []
    for item in error.errors():
        loc = prefix + tuple(item["loc"])
        if item["type"] == "extra_forbidden":
            lines.append(unknown_key(loc, known_keys(model, item["loc"][:-1]), marks))
            continue
        place = where(marks, loc)
        name = ".".join(str(p) for p in loc)
        lines.append(f"{place + ': ' if place else ''}{name}: {item['msg']}")
    return lines


def merge_marks(base: Marks, override: Marks) -> Marks:
    """Where each key of the merged configuration comes from: the operator's file wins for what it sets."""
    return {**base, **override}  # paths only in base that the merge dropped are never asked for
