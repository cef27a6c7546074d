"""The shadow report of a re-decision (`intake reprocess --from-store --config NEW.yaml --dry-run`):
per channel, how many decisions and values would change; each changed record; a Markdown file and a PNG
plot (decisions per channel before and after; auto-open rate against the trust threshold) for a manager.
"""
from __future__ import annotations

from collections import Counter, defaultdict
from pathlib import Path
from typing import Optional

from intake.reprocess import Redecision

DECISIONS = ("auto_open", "manual_review", "attach", "ignore")


def decision_counts(result: Redecision) -> tuple[dict[str, Counter], dict[str, Counter]]:
    before: dict[str, Counter] = defaultdict(Counter)
    after: dict[str, Counter] = defaultdict(Counter)
    for c in result.changes:
        before[c.channel_before][c.decision_before] += 1
        after[c.channel_before][c.decision_after] += 1
    return dict(before), dict(after)


def _table(header: list[str], rows: list[list]) -> list[str]:
    lines = ["| " + " | ".join(header) + " |", "|" + "|".join("---" for _ in header) + "|"]
    lines += ["| " + " | ".join(str(v).replace("|", "\\|") for v in row) + " |" for row in rows]
    return lines


def markdown(result: Redecision, plot_name: Optional[str] = None) -> str:
    mode = "dry run: nothing stored" if result.dry_run else "applied"
    lines = [f"# Reprocessing report ({mode})", "", f"Configuration: `{result.config}`", "",
             f"Records: {len(result.changes)} ({result.cached} from the parse cache, {result.reread} read again); "
             f"failed: {len(result.failed)}", "", "## Per channel", ""]
    rows = [[ch, n["records"], n["decision"], n["to_review"], n["to_auto"], n["fields"], n["kept"]]
            for ch, n in result.per_channel().items()]
    lines += _table(["channel", "records", "decisions changed", "auto-open to review", "review to auto-open",
                     "values changed", "kept"], rows)
    changed = [c for c in result.changes if c.changed]
    lines += ["", f"## Changed records ({len(changed)})", ""]
    lines += _table(["record", "source", "channel", "decision before", "decision after", "values", "outcome"],
                    [[c.record_id, c.uri, c.channel_before if c.channel_before == c.channel_after
                      else f"{c.channel_before} -> {c.channel_after}", c.decision_before, c.decision_after,
                      ", ".join(c.fields) or "-", c.outcome + (f" ({c.kept})" if c.kept else "")] for c in changed])
    if result.curve:
        lines += ["", "## Auto-open rate of mission orders against the trust threshold", ""]
        lines += _table(["threshold", "auto-opened", "mission orders", "rate"],
                        [[f"{t:.2f}", a, n, f"{a / n:.0%}" if n else "-"] for t, (a, n) in sorted(result.curve.items())])
    if result.failed:
        lines += ["", "## Failed", ""] + _table(["record", "reason"], [[r, why] for r, why in result.failed])
    if plot_name:
        lines += ["", f"![decisions and auto-open rate]({plot_name})"]
    return "\n".join(lines) + "\n"


def plot(result: Redecision, path: Path) -> None:
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    before, after = decision_counts(result)
    channels = sorted(set(before) | set(after)) or ["(none)"]
    fig, (left, right) = plt.subplots(1, 2, figsize=(12, 4.5))
    width = 0.38
    for side, (counts, offset, hatch) in enumerate(((before, -width / 2, ""), (after, width / 2, "//"))):
        bottom = [0] * len(channels)
        for d in DECISIONS:
            values = [counts.get(ch, Counter())[d] for ch in channels]
            left.bar([i + offset for i in range(len(channels))], values, width, bottom=bottom, hatch=hatch,
                     color=f"C{DECISIONS.index(d)}", edgecolor="black", linewidth=0.3,
                     label=d if side == 0 else None)
            bottom = [b + v for b, v in zip(bottom, values)]
    left.set_xticks(range(len(channels)), channels, rotation=20, ha="right", fontsize=8)
    left.set_title("Decisions per channel: before (plain) / after (hatched)")
    left.legend(fontsize=8)
    points = sorted((t, a / n) for t, (a, n) in result.curve.items() if n)
    if points:
        right.plot([p[0] for p in points], [p[1] for p in points], marker="o")
    right.set_xlabel("trust threshold (rules.trust_threshold)")
    right.set_ylabel("auto-open rate of mission orders")
    right.set_ylim(0, 1)
    right.set_title("Auto-open rate against the confidence threshold")
    right.grid(alpha=0.3)
    fig.tight_layout()
    fig.savefig(path, dpi=100)
    plt.close(fig)


def write_report(result: Redecision, out: Path) -> tuple[Path, Path]:
    """OUT.md and OUT.png next to it."""
    out = Path(out)
    if out.suffix.lower() != ".md":
        out = out.with_suffix(".md")
    out.parent.mkdir(parents=True, exist_ok=True)
    png = out.with_suffix(".png")
    plot(result, png)
    out.write_text(markdown(result, png.name), encoding="utf-8")
    return out, png
