"""One OCR page inside the whole pipeline against the raw `tesseract` CLI on the same page, step by step.

For each fax / scan page (samples/messages faxes, tests/parsers/scans, or the paths given), measured in one
run, interleaved, best of `--repeat`:
  raw CLI       `tesseract page.png stdout -l fra --psm 3 --dpi D tsv` on the page as decoded (no preparing)
  OCR step      `TesseractEngine.ocr_image` (preprocess, orientation, checkboxes, recognise, layout)
  pipeline      `intake.pipeline.process` of the whole message, divided by its OCR pages
and the time of each step inside the pipeline run (steps wrapped with timers by this script), with the steps
skipped (not called) shown as "-". Models are loaded before the clock starts; OMP_THREAD_LIMIT=1.
Nothing is asserted.

    .venv/bin/python bench/bench_ocr_page.py [--repeat 3] [PATH ...]
"""
from __future__ import annotations

import argparse
import email
import io
import os
import subprocess
import sys
import tempfile
import time
from collections import defaultdict
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))
os.environ["OMP_THREAD_LIMIT"] = "1"

DEFAULT = ["samples/messages/FAX_20260715_1620.TIF", "samples/messages/agence_fax_01_dde_reparee.eml",
           "samples/messages/agence_fax_04_choc_vehicule.eml", "tests/parsers/scans/s01_cases_dde_fax_180.eml",
           "tests/parsers/scans/s02_colonnes_bdg_copieur_90.eml", "tests/parsers/scans/s03_bandeau_cles_fax_270.tif"]

# (label, module, attribute): the steps timed inside the pipeline
STEPS = [("decode", "parsers.images", "open_image"),
         ("photo check", "parsers.photo", "is_photo"),
         ("scale", "parsers.ocr", "square_and_scale"),
         ("deskew", "parsers.ocr", "straighten"),
         ("checkboxes", "parsers.checkboxes", "normalise"),
         ("quarter-turn check", "parsers.orientation", "quarter_turned"),
         ("orientation decide (OSD / strip)", "parsers.orientation", "decide"),
         ("OSD call", "parsers._exec.tesseract", "osd"),
         ("image to tesseract", "parsers._exec.tesseract", "_stdin_image"),
         ("tesseract recognise", "parsers._exec.tesseract", "_run"),
         ("layout", "parsers.ocr", "words_to_page"),
         ("classify", "intake.pipeline", "decide_parsed")]


class Timers:
    def __init__(self):
        self.spent: dict[str, float] = defaultdict(float)
        self.calls: dict[str, int] = defaultdict(int)

    def install(self) -> None:
        import importlib
        for label, module_name, attr in STEPS:
            module = importlib.import_module(module_name)
            original = getattr(module, attr, None)
            if original is None:
                continue
            setattr(module, attr, self._wrap(label, original))
            for other in ("parsers.ocr", "parsers.images", "parsers.orientation", "intake.pipeline"):
                mod = importlib.import_module(other)   # names imported with `from x import y` too
                if getattr(mod, attr, None) is original:
                    setattr(mod, attr, getattr(module, attr))

    def _wrap(self, label, fn):
        def timed(*args, **kwargs):
            start = time.perf_counter()
            try:
                return fn(*args, **kwargs)
            finally:
                self.spent[label] += time.perf_counter() - start
                self.calls[label] += 1
        return timed

    def reset(self) -> None:
        self.spent.clear()
        self.calls.clear()


def pages_of(path: Path) -> list[tuple[bytes, int]]:
    """The image pages of a file or of a mail's image attachments, as 1-bit PNGs at their dpi, for the CLI."""
    from PIL import Image
    datas = []
    if path.suffix.lower() == ".eml":
        message = email.message_from_bytes(path.read_bytes())
        datas = [p.get_payload(decode=True) for p in message.walk() if p.get_content_maintype() == "image"]
    elif path.suffix.lower() in (".tif", ".tiff", ".png", ".jpg"):
        datas = [path.read_bytes()]
    out = []
    for data in datas:
        image = Image.open(io.BytesIO(data))
        for index in range(getattr(image, "n_frames", 1)):
            image.seek(index)
            dpi = int(round((image.info.get("dpi") or (200, 200))[0]))
            buffer = io.BytesIO()
            image.save(buffer, format="PNG", dpi=(dpi, dpi))
            out.append((buffer.getvalue(), dpi))
    return out


def raw_cli(png: bytes, dpi: int) -> None:
    with tempfile.NamedTemporaryFile(suffix=".png") as f:
        f.write(png)
        f.flush()
        subprocess.run(["tesseract", f.name, "stdout", "-l", "fra", "--psm", "3", "--dpi", str(dpi), "tsv"],
                       capture_output=True, check=True, env=dict(os.environ, OMP_THREAD_LIMIT="1"))


def best(fn, repeat: int) -> float:
    out = float("inf")
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        out = min(out, time.perf_counter() - start)
    return out * 1000


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("paths", nargs="*", default=DEFAULT)
    args = parser.parse_args()
    from PIL import Image

    from foundation.config import load_config
    from intake.pipeline import process, warm_up
    from intake.sources.files import read_tasks
    from parsers.ocr import DEFAULT_ENGINE, preprocess

    config = load_config(None)
    warm_up(config)
    timers = Timers()
    timers.install()
    load_start = open("/proc/loadavg").read().split()[:3]
    rows = []
    for name in args.paths:
        path = REPO / name if not os.path.isabs(name) else Path(name)
        task = next(iter(read_tasks([str(path)])))
        pages = pages_of(path)
        if not pages:
            continue
        images = [Image.open(io.BytesIO(png)) for png, _dpi in pages]
        for im, (_png, dpi) in zip(images, pages):
            im.load()
            im.info["dpi"] = (dpi, dpi)
        raw = ocr = whole = float("inf")
        steps: dict[str, float] = {}
        calls: dict[str, int] = {}
        notes: list[str] = []
        for _ in range(args.repeat):      # interleaved: the machine is shared
            raw = min(raw, sum(best(lambda p=p, d=d: raw_cli(p, d), 1) for p, d in pages))
            ocr = min(ocr, sum(best(lambda im=im: DEFAULT_ENGINE.ocr_image(im, config.limits), 1) for im in images))
            timers.reset()
            start = time.perf_counter()
            done = process(task.raw, task.source, config)
            elapsed = (time.perf_counter() - start) * 1000
            if elapsed < whole:
                whole, steps, calls = elapsed, dict(timers.spent), dict(timers.calls)
                notes = [n for d in (done.message.documents() if done.message else []) for n in d.notes]
        n = len(pages)
        prepared = [preprocess(im, config.limits).image for im in images]   # as tesseract got it before: a PNG
        steps["PNG, as before"] = sum(best(lambda p=p: p.save(io.BytesIO(), format="PNG", compress_level=1),
                                           args.repeat) for p in prepared) / 1000
        calls["PNG, as before"] = n
        rows.append((path.name, n, raw / n, ocr / n, whole / n, {k: 1000 * v / n for k, v in steps.items()}, calls, notes))
        print(f"  done: {path.name}", file=sys.stderr)
    load_end = open("/proc/loadavg").read().split()[:3]
    print(f"ms per page, best of {args.repeat}; load average {' '.join(load_start)} at start, {' '.join(load_end)} at end\n")
    print("| page | pages | raw CLI | OCR step | whole pipeline | pipeline / raw | notes |")
    print("|---|---:|---:|---:|---:|---:|---|")
    for name, n, raw, ocr, whole, _steps, _calls, notes in rows:
        print(f"| {name} | {n} | {raw:.0f} | {ocr:.0f} | {whole:.0f} | {whole / raw:.2f}x | {'; '.join(notes)} |")
    print("\nsteps inside the whole pipeline, ms per page (calls per message); - : skipped\n")
    labels = [label for label, _m, _a in STEPS] + ["PNG, as before"]
    print("| page | " + " | ".join(labels) + " |")
    print("|---|" + "---:|" * len(labels))
    for name, n, _raw, _ocr, _whole, steps, calls, _notes in rows:
        cells = [f"{steps[l]:.0f} ({calls[l]})" if calls.get(l) else "-" for l in labels]
        print(f"| {name} | " + " | ".join(cells) + " |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
