"""The reviewers of bench/bench_load.py: N portal users on asyncio + httpx, each logging in (password + TOTP)
then looping: list the queue (first page, a channel filter, a later page), open a record seen there, now and
then post a correction of one field, with a think time between requests. Every request is timed; a status
outside 2xx/3xx, a timeout or a refused connection is an error.
"""
from __future__ import annotations

import asyncio
import random
import re
import time
from dataclasses import dataclass, field

import httpx
import pyotp

CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')
RECORD_LINK = re.compile(r'href="/records/(\d+)"')
CHANNELS = ("allianz_c2s", "allianz_agence", "allianz_courtage", "allianz_cs2i")
POSTCODES = ("69003", "75011", "13008", "33000", "59000", "44000")


@dataclass(frozen=True)
class Account:
    email: str
    password: str
    totp_secret: str


@dataclass
class Timings:
    """Per kind of request, (time.monotonic() at the end, milliseconds); the errors (kind -> count, with one
    example each)."""
    ms: dict[str, list[tuple[float, float]]] = field(default_factory=dict)
    errors: dict[str, int] = field(default_factory=dict)
    examples: dict[str, str] = field(default_factory=dict)

    def add(self, kind: str, ms: float) -> None:
        self.ms.setdefault(kind, []).append((time.monotonic(), ms))

    def values(self, kinds: tuple[str, ...], since: float = 0.0, until: float = float("inf")) -> list[float]:
        return [ms for kind in kinds for at, ms in self.ms.get(kind, []) if since <= at < until]

    def error(self, kind: str, what: str) -> None:
        self.errors[kind] = self.errors.get(kind, 0) + 1
        self.examples.setdefault(kind, what)


class Reviewer:
    def __init__(self, base_url: str, account: Account, timings: Timings, rng: random.Random,
                 think_s: float, correct_share: float):
        self.client = httpx.AsyncClient(base_url=base_url, follow_redirects=False, timeout=60.0)
        self.account, self.timings, self.rng = account, timings, rng
        self.think_s, self.correct_share = think_s, correct_share
        self.seen: list[int] = []

    async def request(self, kind: str, method: str, path: str, **kwargs) -> httpx.Response | None:
        started = time.perf_counter()
        try:
            response = await self.client.request(method, path, **kwargs)
        except httpx.HTTPError as error:
            self.timings.error(kind, f"{type(error).__name__}: {error}"[:200])
            return None
        self.timings.add(kind, (time.perf_counter() - started) * 1000)
        if response.status_code >= 400:
            self.timings.error(kind, f"HTTP {response.status_code} {method} {path}")
            return None
        return response

    async def login(self) -> bool:
        page = await self.request("login", "GET", "/login")
        if page is None:
            return False
        data = {"email": self.account.email, "password": self.account.password,
                "csrf_token": CSRF.search(page.text).group(1)}
        if await self.request("login", "POST", "/login", data=data) is None:
            return False
        page = await self.request("login", "GET", "/login/totp")
        if page is None or not CSRF.search(page.text):
            self.timings.error("login", "no TOTP form after the password")
            return False
        data = {"code": pyotp.TOTP(self.account.totp_secret).now(), "csrf_token": CSRF.search(page.text).group(1)}
        done = await self.request("login", "POST", "/login/totp", data=data)
        if done is None or done.status_code != 303:
            self.timings.error("login", f"TOTP step answered {done.status_code if done else 'nothing'}")
            return False
        return True

    async def think(self) -> None:
        await asyncio.sleep(self.rng.uniform(0.5, 1.5) * self.think_s)

    async def list_queue(self) -> None:
        roll = self.rng.random()
        if roll < 0.6:
            kind, path = "queue", "/queue"
        elif roll < 0.85:
            kind, path = "queue filtered", f"/queue?channel={self.rng.choice(CHANNELS)}"
        else:
            kind, path = "queue later page", f"/queue?page={self.rng.randint(2, 6)}"
        page = await self.request(kind, "GET", path)
        if page is not None:
            found = [int(n) for n in RECORD_LINK.findall(page.text)]
            if found:
                self.seen = found

    async def open_record(self) -> None:
        record_id = self.rng.choice(self.seen)
        page = await self.request("record", "GET", f"/records/{record_id}")
        if page is None or self.rng.random() >= self.correct_share:
            return
        token = CSRF.search(page.text)
        if token is None:
            self.timings.error("correction", f"no form on record {record_id}")
            return
        await self.think()
        data = {"postcode": self.rng.choice(POSTCODES), "csrf_token": token.group(1)}
        await self.request("correction", "POST", f"/records/{record_id}/fields", data=data)

    async def run(self, stop: asyncio.Event) -> None:
        try:
            await asyncio.sleep(self.rng.uniform(0, 2))       # the team does not log in at the same instant
            if not await self.login():
                return
            while not stop.is_set():
                await self.list_queue()
                await self.think()
                for _ in range(self.rng.randint(1, 3) if self.seen else 0):
                    if stop.is_set():
                        break
                    await self.open_record()
                    await self.think()
        finally:
            await self.client.aclose()


async def run_reviewers(base_url: str, accounts: list[Account], stop: asyncio.Event, think_s: float,
                        correct_share: float, seed: int = 12) -> Timings:
    """All reviewers until `stop` is set; returns the timings of every request."""
    timings = Timings()
    team = [Reviewer(base_url, account, timings, random.Random(seed + n), think_s, correct_share)
            for n, account in enumerate(accounts)]
    await asyncio.gather(*(reviewer.run(stop) for reviewer in team))
    return timings


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(share * (len(ordered) - 1))))] if ordered else 0.0
