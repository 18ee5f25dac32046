"""Settings: crontab parsing (with crontab's weekday numbers), environment variables, clear errors."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest

from scheduler.config import ConfigError, ScheduleConfig, load_config

SH = ZoneInfo("Asia/Shanghai")


def test_default_is_two_in_the_morning_shanghai_time() -> None:
    config = ScheduleConfig(jitter=0)
    fire = config.trigger().get_next_fire_time(None, datetime(2025, 3, 1, 12, 0, tzinfo=SH))
    assert fire == datetime(2025, 3, 2, 2, 0, tzinfo=SH)


def test_crontab_weekday_zero_is_sunday() -> None:
    """APScheduler 3.x counts weekdays from Monday; a crontab user means Sunday by 0."""
    config = ScheduleConfig(cron="0 3 * * 0", jitter=0)
    fire = config.trigger().get_next_fire_time(None, datetime(2025, 3, 3, 12, 0, tzinfo=SH))  # a Monday
    assert fire == datetime(2025, 3, 9, 3, 0, tzinfo=SH)  # the next Sunday
    weekdays = ScheduleConfig(cron="30 1 * * 1-5", jitter=0).trigger()
    assert (
        weekdays.get_next_fire_time(None, datetime(2025, 3, 8, 12, 0, tzinfo=SH)).weekday() == 0
    )  # Sat → Mon


def test_jitter_stays_within_bounds() -> None:
    trigger = ScheduleConfig(jitter=600).trigger()
    base = datetime(2025, 3, 2, 2, 0, tzinfo=SH)
    fires = {trigger.get_next_fire_time(None, datetime(2025, 3, 1, 12, tzinfo=SH)) for _ in range(20)}
    assert all(base <= f <= base.replace(minute=10) for f in fires)
    assert len(fires) > 1


def test_environment_then_cli() -> None:
    env = {
        "FAZHI_SCHEDULE_CRON": "15 3 * * *",
        "FAZHI_SCHEDULE_JITTER": "5",
        "FAZHI_CRAWL_COMMAND": "python x.py -v",
    }
    config = load_config(env=env, db="sqlite:///x.db", cron="0 4 * * *")
    assert config.cron == "0 4 * * *"  # CLI wins
    assert config.jitter == 5
    assert config.crawl_command == ("python", "x.py", "-v")
    assert config.db_url == "sqlite:///x.db"
    assert ScheduleConfig.from_dict(config.to_dict()) == config  # survives the trip through the job store


@pytest.mark.parametrize(
    ("values", "message"),
    [
        ({"cron": "0 2 * *"}, "expected 5 fields"),
        ({"cron": "0 25 * * *"}, "bad cron expression"),
        ({"timezone": "Mars/Olympus"}, "unknown timezone"),
        ({"misfire_grace_time": 0}, "misfire_grace_time must be positive"),
        ({"season_months": (0, 13)}, "season_months"),
    ],
)
def test_bad_settings_are_named(values: dict, message: str) -> None:
    with pytest.raises(ConfigError, match=message):
        ScheduleConfig(**values)


def test_bad_number_in_environment() -> None:
    with pytest.raises(ConfigError, match="FAZHI_SCHEDULE_JITTER"):
        load_config(env={"FAZHI_SCHEDULE_JITTER": "soon"})
