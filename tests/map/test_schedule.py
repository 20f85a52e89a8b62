"""Kubernetes cron schedules -> EventBridge six-field expressions."""

from __future__ import annotations

import pytest

from migrator.map.schedule import ScheduleError, day_set, eventbridge_schedule


@pytest.mark.parametrize("kubernetes, expected, timezone", [
    ("0 0 * * *", ("cron(0 0 * * ? *)",), ""),
    ("*/5 * * * *", ("cron(0/5 * * * ? *)",), ""),
    ("*/10 */2 * * *", ("cron(0/10 0/2 * * ? *)",), ""),
    ("30 2 * * 1-5", ("cron(30 2 ? * MON-FRI *)",), ""),
    ("30 2 * * mon-fri", ("cron(30 2 ? * MON-FRI *)",), ""),
    ("0 12 * * 5-7", ("cron(0 12 ? * SUN,FRI,SAT *)",), ""),  # 7 is Sunday too
    ("0 0 * * */2", ("cron(0 0 ? * SUN,TUE,THU,SAT *)",), ""),
    ("0 0 * * 0,6", ("cron(0 0 ? * SUN,SAT *)",), ""),
    ("0 0 */2 * *", ("cron(0 0 1/2 * ? *)",), ""),
    ("0 0 1 jan,jul *", ("cron(0 0 1 JAN,JUL ? *)",), ""),
    ("0 0 ? * 1", ("cron(0 0 ? * MON *)",), ""),
    # both day fields restricted: Kubernetes runs when either matches, EventBridge needs two schedules
    ("0 9 1,15 * MON", ("cron(0 9 1,15 * ? *)", "cron(0 9 ? * MON *)"), ""),
    ("@daily", ("cron(0 0 * * ? *)",), ""),
    ("@weekly", ("cron(0 0 ? * SUN *)",), ""),
    ("@yearly", ("cron(0 0 1 1 ? *)",), ""),
    ("@every 90m", ("rate(90 minutes)",), ""),
    ("@every 1h", ("rate(1 hour)",), ""),
    ("@every 48h", ("rate(2 days)",), ""),
    ("CRON_TZ=Europe/Berlin 0 3 * * 0", ("cron(0 3 ? * SUN *)",), "Europe/Berlin"),
    ("TZ=Asia/Tokyo @hourly", ("cron(0 * * * ? *)",), "Asia/Tokyo"),
])
def test_eventbridge_schedule(kubernetes, expected, timezone):
    schedule = eventbridge_schedule(kubernetes)
    assert (schedule.expressions, schedule.timezone) == (expected, timezone)


@pytest.mark.parametrize("kubernetes, problem", [
    ("0 0 * *", "is not a five-field cron schedule"),
    ("15 10 ? * 6L", "is not a day of the week"),
    ("0 0 1 * */2", "must both match"),
    ("0 0 * * 8", "is not a day of the week"),
    ("@every 30s", "whole minutes, at least one"),
    ("@every soon", "is not a duration"),
    ("0 0 * * SAT-SUN", "runs backwards"),
])
def test_schedules_eventbridge_cannot_express(kubernetes, problem):
    with pytest.raises(ScheduleError, match=problem):
        eventbridge_schedule(kubernetes)


@pytest.mark.parametrize("field, days", [
    ("*", {0, 1, 2, 3, 4, 5, 6}), ("7", {0}), ("1-5/2", {1, 3, 5}), ("fri-7", {5, 6, 0}),
    ("3/2", {3, 5}),
])
def test_day_of_week_sets(field, days):
    assert day_set(field) == days
