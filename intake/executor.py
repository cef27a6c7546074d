"""Run the pure pipeline in worker processes with a deadline and a memory ceiling per message.

A hostile document (a decompression bomb, a looping PDF, a crashing decoder) can only cost its own
worker: the worker is killed, replaced, and the message gets an `unreadable_input` record. Workers are
forked after the models are loaded, so spaCy and friends are loaded once and shared.
"""
from __future__ import annotations

import itertools
import logging
import multiprocessing as mp
import os
import queue
import signal
import threading
import time
from dataclasses import dataclass
from typing import Iterable, Iterator, Optional

import psutil

from foundation.config import Config, load_config
from foundation.models import SourceRef
from foundation.models import Processed
from foundation.record import sha256_hex, unreadable_record

log = logging.getLogger(__name__)

_POLL_S = 0.05


@dataclass
class Task:
    raw: bytes
    source: SourceRef


def _worker_main(conn, config_path: Optional[str]) -> None:  # pragma: no cover - runs in the child
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # the parent decides when to stop
    os.environ.setdefault("OMP_THREAD_LIMIT", "1")
    from intake.pipeline import process

    config = load_config(config_path)
    while True:
        try:
            task = conn.recv()
        except (EOFError, OSError):
            return
        if task is None:
            return
        raw, source = task
        try:
            conn.send(("ok", process(raw, source, config)))
        except BaseException as error:  # a bug must not kill the run: report it as the message's reason
            log.exception("pipeline failed on %s", source.uri)
            conn.send(("error", f"{type(error).__name__}: {error}"))


class Worker:
    """One child process running `process_message`, restartable."""

    def __init__(self, config: Config):
        self.config = config
        self.proc: Optional[mp.Process] = None
        self.conn = None
        self._start()

    def _start(self) -> None:
        ctx = mp.get_context("fork")
        parent, child = ctx.Pipe()
        self.proc = ctx.Process(target=_worker_main, args=(child, _config_path(self.config)), daemon=True)
        self.proc.start()
        child.close()
        self.conn = parent

    def _kill(self) -> None:
        if self.proc is not None and self.proc.is_alive():
            self.proc.kill()
        if self.proc is not None:
            self.proc.join(5)
        if self.conn is not None:
            self.conn.close()

    def run(self, task: Task) -> Processed:
        limits = self.config.limits
        deadline = time.monotonic() + limits.document_timeout_s
        max_rss = limits.max_rss_mb * 1024 * 1024
        try:
            self.conn.send((task.raw, task.source))
        except (BrokenPipeError, OSError):
            self._kill(); self._start()
            self.conn.send((task.raw, task.source))
        ps = psutil.Process(self.proc.pid)
        problem = None
        while True:
            if self.conn.poll(_POLL_S):
                try:
                    status, payload = self.conn.recv()
                except (EOFError, OSError):
                    problem = "worker_crashed: the reader process died on this input"
                    break
                if status == "ok":
                    return payload
                problem = f"internal_error: {payload}"
                return Processed(unreadable_record(task.source, sha256_hex(task.raw), problem))
            if not self.proc.is_alive():
                problem = f"worker_crashed: exit code {self.proc.exitcode}"
                break
            if time.monotonic() > deadline:
                problem = f"timeout: reading took more than {limits.document_timeout_s:g} s"
                break
            try:
                rss = ps.memory_info().rss
            except psutil.Error:
                rss = 0
            if rss > max_rss:
                problem = f"memory_limit: reading used more than {limits.max_rss_mb} MB"
                break
        log.warning("%s: %s; worker restarted", task.source.uri, problem)
        self._kill()
        self._start()
        return Processed(unreadable_record(task.source, sha256_hex(task.raw), problem))

    def close(self) -> None:
        try:
            self.conn.send(None)
        except (BrokenPipeError, OSError):
            pass
        if self.proc is not None:
            self.proc.join(2)
        self._kill()


def _config_path(config: Config) -> Optional[str]:
    from foundation.config import DEFAULT_CONFIG_PATH
    return None if config.source_path in (None, str(DEFAULT_CONFIG_PATH)) else config.source_path



class Executor:
    """Processes tasks on N workers and yields `Processed` results in the order of the tasks.

    `workers=0` runs in-process (no deadline, no isolation): for debugging and profiling only.
    """

    def __init__(self, config: Config, workers: int = 1):
        self.config = config
        self.inline = workers == 0
        self.size = max(1, workers)
        self.workers: list[Worker] = []
        self._started = False

    def _start(self) -> None:
        """Load the models and fork the workers on first use: a run with nothing to read costs nothing."""
        if self._started:
            return
        from intake.pipeline import warm_up
        warm_up(self.config)
        if not self.inline:
            self.workers = [Worker(self.config) for _ in range(self.size)]
        self._started = True

    def map(self, tasks: Iterable[Task]) -> Iterator[Processed]:
        tasks = iter(tasks)
        first = next(tasks, None)
        if first is None:
            return
        self._start()
        tasks = itertools.chain([first], tasks)
        if self.inline:
            from intake.pipeline import process
            for task in tasks:
                yield process(task.raw, task.source, self.config)
            return
        if len(self.workers) == 1:
            for task in tasks:
                yield self.workers[0].run(task)
            return
        yield from self._map_parallel(tasks)

    def _map_parallel(self, tasks: Iterable[Task]) -> Iterator[Processed]:
        todo: queue.Queue = queue.Queue(maxsize=len(self.workers) * 2)
        results: dict[int, Processed] = {}
        done = threading.Condition()

        def serve(worker: Worker) -> None:
            while True:
                item = todo.get()
                if item is None:
                    return
                index, task = item
                record = worker.run(task)
                with done:
                    results[index] = record
                    done.notify_all()

        threads = [threading.Thread(target=serve, args=(w,), daemon=True) for w in self.workers]
        for t in threads:
            t.start()
        count = 0
        next_out = 0

        def feeder() -> None:
            nonlocal count
            for index, task in enumerate(tasks):
                todo.put((index, task))
                count = index + 1
            for _ in threads:
                todo.put(None)

        feed = threading.Thread(target=feeder, daemon=True)
        feed.start()
        while True:
            with done:
                while next_out not in results:
                    if not feed.is_alive() and next_out >= count:
                        break
                    done.wait(0.1)
                if next_out not in results:
                    break
                record = results.pop(next_out)
            yield record
            next_out += 1
        for t in threads:
            t.join()

    def close(self) -> None:
        for worker in self.workers:
            worker.close()

    def __enter__(self) -> "Executor":
        return self

    def __exit__(self, *exc) -> None:
        self.close()


def default_workers() -> int:
    from intake.settings import get_settings
    n = get_settings().workers
    return n if n > 0 else max(1, os.cpu_count() or 1)
