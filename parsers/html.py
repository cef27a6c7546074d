"""HTML mail bodies to plain text that keeps the layout extraction needs.

Insurer platforms send HTML tables ("Numéro de sinistre | B1234567"); a flat tag strip would glue labels
to values. Here block elements become line breaks and table cells are joined with " | " per row, so
"Label : value" and "Label | value" layouts survive. selectolax (lexbor) parses in linear time; the input
is capped first (limits.html_max_bytes) so a parser bomb costs bounded time and memory.
"""
from __future__ import annotations

import re

from selectolax.lexbor import LexborHTMLParser

_BLOCK = frozenset(
    "p div br hr h1 h2 h3 h4 h5 h6 ul ol li dl dt dd blockquote pre address section article header footer "
    "nav aside main form fieldset legend table thead tbody tfoot caption center title".split()
)
_DROP = ("script", "style", "head", "noscript", "template", "object", "embed", "iframe", "svg")
MAX_NODES = 300_000
MAX_DEPTH = 2_000
_TAG = re.compile(r"<(/?)([a-zA-Z][a-zA-Z0-9]*)[^<>]*?(/?)>")
_VOID = frozenset("area base br col embed hr img input link meta param source track wbr".split())


def html_to_text(html: str, max_bytes: int = 2_000_000) -> str:
    """Readable text of an HTML document; never raises."""
    if not html:
        return ""
    if len(html) > max_bytes:
        html = html[:max_bytes]
    if html.count("<") > 10_000 and max_depth(html) > MAX_DEPTH:
        return _fallback(html)  # lexbor's tree building is superlinear on deep nesting: strip tags instead
    try:
        tree = LexborHTMLParser(html)
    except Exception:
        return _fallback(html)
    root = tree.body or tree.root
    if root is None:
        return ""
    for tag in _DROP:
        try:
            for node in root.css(tag):
                node.decompose()
        except Exception:
            pass
    out: list[str] = []
    _walk(root, out)
    return _tidy("".join(out))


def max_depth(html: str) -> int:
    """Deepest element nesting, by a linear scan of the tags (void and self-closed tags ignored)."""
    depth = deepest = 0
    for m in _TAG.finditer(html):
        closing, name, selfclose = m.groups()
        if closing:
            depth = max(depth - 1, 0)
        elif not selfclose and name.lower() not in _VOID:
            depth += 1
            if depth > deepest:
                deepest = depth
    return deepest


def _walk(root, out: list[str]) -> None:
    """Iterative walk (deeply nested bombs would overflow a recursive one)."""
    budget = MAX_NODES
    stack: list[tuple[object, bool]] = [(root, False)]
    while stack and budget > 0:
        node, closing = stack.pop()
        tag = node.tag or ""
        if closing:
            if tag in ("td", "th"):
                out.append(" | ")
            elif tag == "tr" or tag in _BLOCK:
                out.append("\n")
            continue
        budget -= 1
        if tag == "-text":
            text = node.text_content or ""
            out.append(text.replace("\xa0", " "))
            continue
        if tag in ("-comment", "!doctype") or tag in _DROP:
            continue
        if tag == "br":
            out.append("\n")
            continue
        if tag == "img":
            alt = (node.attributes.get("alt") or "").strip() if node.attributes else ""
            if alt:
                out.append(f" {alt} ")
            continue
        if tag in _BLOCK:
            out.append("\n")
        stack.append((node, True))
        children = []
        child = node.child
        while child is not None and len(children) < MAX_NODES:
            children.append(child)
            child = child.next
        for c in reversed(children):
            stack.append((c, False))


def _tidy(text: str) -> str:
    lines = []
    for line in text.split("\n"):
        line = re.sub(r"[ \t\r\f\v]+", " ", line)
        line = re.sub(r"(\s*\|\s*)+", " | ", line).strip()
        line = line.strip("| ").strip()
        lines.append(line)
    text = "\n".join(lines)
    return re.sub(r"\n{3,}", "\n\n", text).strip()


def _fallback(html: str) -> str:
    text = re.sub(r"(?is)<(script|style)[^>]*>.*?</\1>", " ", html)
    text = re.sub(r"(?i)<br\s*/?>|</(p|div|tr|li|h\d)>", "\n", text)
    text = re.sub(r"<[^>]{0,2000}>|<[^>]*$", " ", text)
    return _tidy(text)
