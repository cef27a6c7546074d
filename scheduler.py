"""The service: poll each mailbox folder and fax folder on its interval, read what came, stop cleanly.

`intake poll` runs one round now (`poll_once`); `intake run` runs them on APScheduler 3 with the review
portal beside (`run_service`). Two guards keep one mailbox from being polled twice at once:
`max_instances=1` per job inside a process, and a lease across processes (two `intake run` on two
machines, or a `poll` started by hand while the service runs). The lease frees itself the moment its
holder dies (a PostgreSQL session advisory lock, an flock beside the SQLite file: outputs/leases.py), so a
restart right after a crash polls at once. A database outage pauses the jobs with back-off and one warning
(intake/outage.py), and a poll that fails part-way still reports what it stored.

After each poll the pending raws are read through the pure pipeline (`intake.ingest`), in Date order, a few
at a time so SIGINT/SIGTERM stops after the current message. A raw whose reading failed is retried a few
times (the store's attempt counter), then left `failed` for a person. A mailbox that keeps failing is
retried with exponential back-off.
"""
from __future__ import annotations

import logging
import signal
import threading
from datetime import datetime, timedelta, timezone
from typing import Optional

from foundation.errors import ExitCode, IntakeError
from intake.mailboxes import FaxDirConfig, MailboxConfig
from intake.service import MAX_ATTEMPTS, PROCESS_CHUNK, Service, _stored  # noqa: F401 - the service's jobs

log = logging.getLogger("intake.scheduler")

REMINDER_INTERVAL_S = 300.0


def poll_once(database_url: str, config_path: Optional[str] = None, *, process: bool = True,
              workers: Optional[int] = None, out=None, as_json: bool = False) -> int:
    """`intake poll`: every mailbox and fax folder once, then read what is pending. Exit code 0 when every
    source answered, `ExitCode.mailbox` when one failed (the others were still polled). With `out`, ends with
    the table per mailbox folder and fax folder (new, stored, duplicates, errors), or its JSON."""
    from intake.service_report import print_poll
    service = Service(database_url, config_path, workers=workers)
    try:
        if not service.sources.mailboxes and not service.sources.fax_dirs:
            log.warning("no mailbox or fax folder configured (INTAKE_MAILBOXES, INTAKE_FAX_DIRS or --config)")
        new = service.poll_all()
        summary = service.process_pending() if process else None
        log.info("poll done", extra={"new": new, **(summary.as_dict() if summary else {})})
        if out is not None:
            print_poll(service.poll_rows, out, as_json=as_json, read=summary.as_dict() if summary else None)
        if service.database.down:
            return ExitCode.database
        return ExitCode.mailbox if service._failures else ExitCode.ok
    finally:
        service.close()


def build_scheduler(service: Service):
    """APScheduler jobs: one per mailbox and fax folder (max_instances=1, coalesced), and the reminders."""
    from apscheduler.schedulers.background import BackgroundScheduler

    scheduler = BackgroundScheduler(timezone="UTC", job_defaults={"coalesce": True, "max_instances": 1,
                                                                  "misfire_grace_time": 30})
    start = datetime.now(timezone.utc)

    def mailbox_job(box: MailboxConfig) -> None:
        service.poll_mailbox(box)
        service.process_pending()  # also what an earlier poll or another door left pending

    def fax_job(fax: FaxDirConfig) -> None:
        service.poll_fax(fax)
        service.process_pending()

    for box in service.sources.mailboxes:
        scheduler.add_job(mailbox_job, "interval", seconds=box.interval_s, args=[box], id=f"mail:{box.label}",
                          next_run_time=start)
    for fax in service.sources.fax_dirs:
        scheduler.add_job(fax_job, "interval", seconds=fax.interval_s, args=[fax], id=f"fax:{fax.path}",
                          next_run_time=start)
    scheduler.add_job(service.reminders, "interval", seconds=REMINDER_INTERVAL_S, id="reminders",
                      next_run_time=start + timedelta(seconds=5))
    scheduler.add_job(service.deliver_webhooks, "interval", seconds=_webhook_interval(service), id="webhooks",
                      next_run_time=start + timedelta(seconds=1))
    return scheduler


def _webhook_interval(service: Service) -> float:
    from foundation.config import load_config
    from intake.webhooks import webhook_settings
    return webhook_settings(load_config(service.config_path)).every_s  # a bad section stops the start, clearly


def _start_portal(database_url: str, host: str, port: int, config_path: Optional[str] = None):
    """The review portal in a thread (uvicorn), when reviewdesk is installed; returns the server or None."""
    try:
        from reviewdesk.app import create_app
    except ImportError:
        log.warning("review portal not available (reviewdesk not installed): scheduler only")
        return None
    import uvicorn
    from foundation.config import load_config

    app = create_app(database_url, bind_host=host, config=load_config(config_path))  # the service's own --config
    server = uvicorn.Server(uvicorn.Config(app, host=host, port=port, log_level="info",
                                           server_header=False, proxy_headers=False))
    server.install_signal_handlers = lambda: None  # type: ignore[method-assign] - the main thread owns signals
    threading.Thread(target=server.run, name="portal", daemon=True).start()
    return server


def run_service(database_url: str, config_path: Optional[str] = None, host: str = "127.0.0.1",
                port: int = 8000, portal: bool = True) -> int:
    """`intake run`: the scheduler (and the portal) until SIGINT/SIGTERM; then finish the current message,
    release the leases and exit 0."""
    service = Service(database_url, config_path)
    scheduler = build_scheduler(service)
    stopping = threading.Event()

    def on_signal(signum, _frame) -> None:
        log.info("stopping after the current message", extra={"signal": signal.Signals(signum).name})
        service.stop.set()
        stopping.set()

    previous = {sig: signal.signal(sig, on_signal) for sig in (signal.SIGINT, signal.SIGTERM)}
    server = None
    watchers: list = []
    try:
        server = _start_portal(database_url, host, port, config_path) if portal else None
        scheduler.start()
        watchers = service.start_idle_watchers()      # push where offered; the interval polls stay as a net
        log.info("intake running", extra={"mailboxes": len(service.sources.mailboxes),
                                          "fax_dirs": len(service.sources.fax_dirs),
                                          "portal": f"http://{host}:{port}/" if server else None})
        while not stopping.wait(1.0):
            pass
    finally:
        service.stop.set()
        if scheduler.running:
            scheduler.shutdown(wait=True)     # running jobs see the stop flag and end after their message
        for watcher in watchers:
            watcher.join(10)
        if server is not None:
            server.should_exit = True
        service.close()
        for sig, handler in previous.items():
            signal.signal(sig, handler)
    log.info("intake stopped")
    return ExitCode.ok


if __name__ == "__main__":  # pragma: no cover - `python scheduler.py DATABASE_URL` = intake run --no-portal
    import sys
    from intake.logs import setup_logging
    setup_logging()
    try:
        sys.exit(run_service(sys.argv[1] if len(sys.argv) > 1 else "sqlite:///intake.db", portal=False))
    except IntakeError as error:
        print(f"intake: {error}", file=sys.stderr)
        sys.exit(error.exit_code)
