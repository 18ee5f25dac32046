"""Settings of the nightly service, read once from defaults, ``FAZHI_SCHEDULE_*`` variables and the CLI.

The resolved settings travel inside the APScheduler job as a plain dict (:meth:`ScheduleConfig.to_dict`):
a persistent job store pickles job arguments, so they must be plain data, not objects with engines.
"""

from __future__ import annotations

import os
import re
import shlex
import sys
from collections.abc import Mapping
from dataclasses import asdict, dataclass, field, fields
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from apscheduler.triggers.cron import CronTrigger

from archive.db import DEFAULT_DB_URL, resolve_db_url
from crawler.registry import DEFAULT_REGISTRY
from scheduler.cadence import SEASON_MONTHS

DEFAULT_CRAWL_COMMAND = (sys.executable, "-m", "scrapy", "crawl", "reports")

# field name -> environment variable; the CLI overrides both.
ENV_VARS = {
    "cron": "FAZHI_SCHEDULE_CRON",
    "timezone": "FAZHI_SCHEDULE_TIMEZONE",
    "jitter": "FAZHI_SCHEDULE_JITTER",
    "misfire_grace_time": "FAZHI_SCHEDULE_MISFIRE_GRACE",
    "retry_interval": "FAZHI_SCHEDULE_RETRY_INTERVAL",
    "backoff_base": "FAZHI_SCHEDULE_BACKOFF",
    "flag_after": "FAZHI_SCHEDULE_FLAG_AFTER",
    "batch_size": "FAZHI_SCHEDULE_BATCH_SIZE",
    "crawl_timeout": "FAZHI_SCHEDULE_CRAWL_TIMEOUT",
    "stop_timeout": "FAZHI_SCHEDULE_STOP_TIMEOUT",
    "lease_ttl": "FAZHI_SCHEDULE_LEASE_TTL",
    "log_file": "FAZHI_SCHEDULE_LOG_FILE",
    "crawl_command": "FAZHI_CRAWL_COMMAND",
    "queue": "FAZHI_QUEUE",
    "queue_name": "FAZHI_QUEUE_NAME",
    "queue_visibility": "FAZHI_QUEUE_VISIBILITY",
}


class ConfigError(ValueError):
    """A setting that cannot be used; the message names it."""


@dataclass(frozen=True)
class ScheduleConfig:
    """Everything the service needs; times are seconds."""

    registry: str = str(DEFAULT_REGISTRY)
    db_url: str = DEFAULT_DB_URL
    cron: str = "0 2 * * *"  # minute hour day month weekday, in ``timezone``
    timezone: str = "Asia/Shanghai"
    jitter: int = 900  # random delay added to each nightly fire time
    misfire_grace_time: int = 12 * 3600  # a missed night is caught up if the service is back within this
    retry_interval: int = 1800  # how often the service looks for failed portals whose backoff has passed
    backoff_base: int = 3600  # first retry after a failure; doubles per consecutive failure
    flag_after: int = 4  # consecutive failures after which a portal is flagged (no more early retries)
    season_months: tuple[int, ...] = SEASON_MONTHS  # publication season: reports are due before 1 April
    batch_size: int = 50  # portals per crawl subprocess (failing portals always get their own)
    crawl_timeout: int = 6 * 3600  # a crawl running longer is stopped and recorded as failed
    stop_timeout: int = 90  # after forwarding SIGTERM, wait this long before killing the crawl
    lease_ttl: int = 600  # a portal lease not renewed for this long is free for another scheduler
    log_file: str | None = "fazhi-schedule.log"
    crawl_command: tuple[str, ...] = DEFAULT_CRAWL_COMMAND
    crawl_settings: dict[str, str] = field(default_factory=dict)  # extra ``-s NAME=VALUE`` for the crawl
    queue: str | None = None  # a broker URL (redis://…): enqueue crawls for ``fazhi worker`` instead
    queue_name: str = "fazhi-crawls"
    queue_visibility: int = 3600  # a task taken but not acknowledged this long is handed to another worker

    def __post_init__(self) -> None:
        for name in (
            "misfire_grace_time",
            "retry_interval",
            "backoff_base",
            "lease_ttl",
            "stop_timeout",
            "queue_visibility",
        ):
            if getattr(self, name) <= 0:
                raise ConfigError(f"{name} must be positive, got {getattr(self, name)}")
        if self.jitter < 0:
            raise ConfigError(f"jitter must be >= 0, got {self.jitter}")
        if self.batch_size < 1 or self.flag_after < 1 or self.crawl_timeout < 1:
            raise ConfigError("batch_size, flag_after and crawl_timeout must be >= 1")
        if not self.crawl_command:
            raise ConfigError("crawl_command is empty")
        if not set(self.season_months) <= set(range(1, 13)):
            raise ConfigError(f"season_months must be 1..12, got {self.season_months}")
        self.tzinfo  # noqa: B018  (validates)
        self.trigger()

    @property
    def tzinfo(self) -> ZoneInfo:
        try:
            return ZoneInfo(self.timezone)
        except (ZoneInfoNotFoundError, ValueError):
            raise ConfigError(
                f"unknown timezone {self.timezone!r} (use an IANA name such as Asia/Shanghai)"
            ) from None

    def trigger(self, *, jitter: bool = True) -> CronTrigger:
        """The nightly trigger; a bad expression is a ConfigError naming it."""
        return cron_trigger(self.cron, self.tzinfo, self.jitter if jitter else 0)

    def to_dict(self) -> dict[str, Any]:
        """Plain, picklable data for the persistent job."""
        data = asdict(self)
        data["crawl_command"] = list(self.crawl_command)
        data["season_months"] = list(self.season_months)
        return data

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> ScheduleConfig:
        known = {f.name for f in fields(cls)}
        values = {k: v for k, v in data.items() if k in known}
        for name in ("crawl_command", "season_months"):
            if name in values:
                values[name] = tuple(values[name])
        return cls(**values)


def _parse_env(name: str, raw: str) -> Any:
    kind = {f.name: f.type for f in fields(ScheduleConfig)}[name]
    if name == "crawl_command":
        return tuple(shlex.split(raw))
    if name in ("log_file", "queue"):
        return raw or None
    if kind == "int":
        try:
            return int(raw)
        except ValueError:
            raise ConfigError(f"{ENV_VARS[name]}={raw!r}: expected a whole number of seconds") from None
    return raw


_CRON_WEEKDAYS = ("sun", "mon", "tue", "wed", "thu", "fri", "sat", "sun")


def _cron_weekdays(field_: str) -> str:
    """Crontab weekday numbers (0 or 7 = Sunday) as names: APScheduler 3.x numbers them from Monday."""
    return re.sub(r"(?<![/\d])([0-7])(?!\d)", lambda m: _CRON_WEEKDAYS[int(m.group(1))], field_)


def cron_trigger(expr: str, tz: ZoneInfo, jitter: int = 0) -> CronTrigger:
    """A CronTrigger from a standard 5-field crontab expression, with crontab's weekday numbering."""
    values = expr.split()
    if len(values) != 5:
        raise ConfigError(f"bad cron expression {expr!r}: expected 5 fields, got {len(values)}")
    minute, hour, day, month, weekday = values
    try:
        return CronTrigger(
            minute=minute,
            hour=hour,
            day=day,
            month=month,
            day_of_week=_cron_weekdays(weekday),
            timezone=tz,
            jitter=jitter or None,
        )
    except ValueError as exc:
        raise ConfigError(f"bad cron expression {expr!r}: {exc}") from None


def load_config(
    *, registry: str | None = None, db: str | None = None, env: Mapping[str, str] | None = None, **cli: Any
) -> ScheduleConfig:
    """Defaults, then ``FAZHI_SCHEDULE_*`` variables, then CLI values (None = not given)."""
    env = os.environ if env is None else env
    values: dict[str, Any] = {}
    for name, var in ENV_VARS.items():
        if env.get(var) is not None:
            values[name] = _parse_env(name, env[var])
    values.update({k: v for k, v in cli.items() if v is not None})
    if registry is not None:
        values["registry"] = registry
    values["db_url"] = resolve_db_url(db)
    return ScheduleConfig(**values)
