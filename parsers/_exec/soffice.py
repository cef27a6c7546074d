"""The one place that runs LibreOffice headless (`soffice --convert-to`), after OCRmyPDF's `_exec/` wrappers.

Why a subprocess: Debian's LibreOffice is the converter many document systems use for the formats no
maintained Python library reads (.doc), and a process can be killed. Each call gets its own temporary
profile (`-env:UserInstallation`), so parallel workers never share or lock one profile and a crashed call
leaves nothing behind; the call runs in its own process group, killed whole (soffice.bin included) on the
timeout. The input is written to a private temporary directory under a neutral name: the sender's file
name is never used on disk.
"""
from __future__ import annotations

import os
import shutil
import signal
import subprocess
import tempfile
from pathlib import Path
from typing import Optional

BINARIES = ("soffice", "libreoffice")


class SofficeError(RuntimeError):
    """LibreOffice failed or is missing; `reason` is a short stable code ("timeout", "convert_failed",
    "converter_missing")."""

    def __init__(self, reason: str, detail: str = ""):
        super().__init__(f"{reason}: {detail}" if detail else reason)
        self.reason = reason


def binary() -> Optional[str]:
    for name in BINARIES:
        found = shutil.which(name)
        if found:
            return found
    return None


def available() -> bool:
    return binary() is not None


def _env(profile: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("SAL_", "OOO_"))}
    env["HOME"] = str(profile)          # some builds write beside the profile all the same
    env["SAL_USE_VCLPLUGIN"] = "svp"    # no display
    env["OMP_THREAD_LIMIT"] = "1"
    return env


def _kill_group(proc: subprocess.Popen) -> None:
    try:
        os.killpg(proc.pid, signal.SIGKILL)
    except (ProcessLookupError, PermissionError):
        pass
    try:
        proc.wait(timeout=5)
    except subprocess.TimeoutExpired:
        pass


def convert(data: bytes, suffix: str, target: str = "pdf", *, timeout_s: float = 60.0,
            max_output_bytes: int = 60_000_000, tmp_root: Optional[Path] = None) -> bytes:
    """`data` (a file of type `suffix`, e.g. ".doc") converted by LibreOffice to `target` ("pdf", "txt"...).

    Its files live in a fresh directory under `tmp_root` (the system's temporary folder by default).
    Raises SofficeError on a missing binary, a timeout (the whole process group is killed), a failed
    conversion or an output past `max_output_bytes`."""
    exe = binary()
    if exe is None:
        raise SofficeError("converter_missing", "soffice binary not found")
    with tempfile.TemporaryDirectory(prefix="intake-soffice-", dir=tmp_root) as tmp:
        work = Path(tmp)
        profile, outdir = work / "profile", work / "out"
        profile.mkdir()
        outdir.mkdir()
        source = work / f"input{suffix if suffix.startswith('.') else '.' + suffix}"
        source.write_bytes(data)
        args = [exe, f"-env:UserInstallation={profile.as_uri()}", "--headless", "--invisible", "--nologo",
                "--nodefault", "--nofirststartwizard", "--norestore", "--nolockcheck",
                "--convert-to", target, "--outdir", str(outdir), str(source)]
        try:
            proc = subprocess.Popen(args, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                    env=_env(profile), cwd=str(work), start_new_session=True)
        except OSError as error:
            raise SofficeError("convert_failed", str(error)) from error
        try:
            _, err = proc.communicate(timeout=timeout_s)
        except subprocess.TimeoutExpired as error:
            _kill_group(proc)
            raise SofficeError("timeout", f"soffice ran past {timeout_s:.0f} s") from error
        finally:
            if proc.poll() is None:
                _kill_group(proc)
        # soffice may leave a helper (oosplash's child) behind in the group even after a clean exit
        _kill_group(proc)
        produced = sorted(outdir.iterdir())
        if not produced:
            raise SofficeError("convert_failed", (err or b"").decode("utf-8", "replace")[-300:] or f"exit {proc.returncode}")
        out = produced[0]
        if out.stat().st_size > max_output_bytes:
            raise SofficeError("convert_failed", f"output past {max_output_bytes} bytes")
        return out.read_bytes()
