"""Kubernetes CronJob schedules -> EventBridge schedule expressions.

Kubernetes speaks five-field cron (minute hour day-of-month month day-of-week, Sunday = 0 or 7)
plus macros (@daily, @every 1h, ...). EventBridge speaks six fields, `cron(min hour dom month dow
year)` with Sunday = 1, and one of the two day fields must be `?`. Kubernetes runs a job when
*either* day field matches if both are restricted; EventBridge cannot say "or", so such a
schedule becomes two expressions.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

MACROS = {
    "@yearly": "0 0 1 1 *", "@annually": "0 0 1 1 *", "@monthly": "0 0 1 * *", "@weekly": "0 0 * * 0",
    "@daily": "0 0 * * *", "@midnight": "0 0 * * *", "@hourly": "0 * * * *",
}
DAY_NAMES = ("SUN", "MON", "TUE", "WED", "THU", "FRI", "SAT")
_TZ_PREFIX = re.compile(r"^(?:CRON_TZ|TZ)=(\S+)\s+")
_DURATION = re.compile(r"(\d+)(h|m|s)")
_FIELD = re.compile(r"^[0-9A-Za-z*?,/-]+$")


class ScheduleError(ValueError):
    """A schedule EventBridge cannot express; the message says why."""


@dataclass(frozen=True)
class Schedule:
    expressions: tuple[str, ...]  # one, or two when Kubernetes ORs the day fields
    timezone: str = ""  # from a CRON_TZ= / TZ= prefix


def eventbridge_schedule(text: str) -> Schedule:
    text = text.strip()
    timezone = ""
    match = _TZ_PREFIX.match(text)
    if match:
        timezone, text = match.group(1), text[match.end():]
    if text.startswith("@every"):
        return Schedule((_rate(text.removeprefix("@every").strip()),), timezone)
    text = MACROS.get(text.lower(), text)
    fields = text.split()
    if len(fields) != 5 or not all(_FIELD.match(f) for f in fields):
        raise ScheduleError(f"{text!r} is not a five-field cron schedule")
    minute, hour, dom, month, dow = (f.replace("?", "*") for f in fields)
    # As in robfig/cron (which Kubernetes uses): a day field starting with * is unrestricted, and
    # only two restricted day fields are ORed; a stepped * (*/2) still narrows the days (AND).
    dom_set, dow_set = not dom.startswith("*"), not dow.startswith("*")
    minute, hour, month = _from_zero(minute), _from_zero(hour), _from_one(month.upper())
    if dom_set and dow_set:
        days = day_of_week(dow)
        return Schedule((_cron(minute, hour, _from_one(dom), month, "?"), _cron(minute, hour, "?", month, days)),
                        timezone)
    if dom != "*" and dow != "*":
        raise ScheduleError(f"day-of-month {dom} and day-of-week {dow} must both match, which EventBridge cannot say")
    if dow != "*":
        return Schedule((_cron(minute, hour, "?", month, day_of_week(dow)),), timezone)
    return Schedule((_cron(minute, hour, _from_one(dom), month, "?"),), timezone)


def _cron(minute: str, hour: str, dom: str, month: str, dow: str) -> str:
    return f"cron({minute} {hour} {dom} {month} {dow} *)"


def _from_zero(field: str) -> str:
    """EventBridge writes "every n" as 0/n in zero-based fields."""
    return re.sub(r"(^|,)\*/", r"\g<1>0/", field)


def _from_one(field: str) -> str:
    return re.sub(r"(^|,)\*/", r"\g<1>1/", field)


def _rate(duration: str) -> str:
    parts = _DURATION.findall(duration)
    if not parts or "".join(n + u for n, u in parts) != duration.replace(" ", ""):
        raise ScheduleError(f"@every {duration!r} is not a duration such as 90m or 1h30m")
    seconds = sum(int(n) * {"h": 3600, "m": 60, "s": 1}[u] for n, u in parts)
    if seconds < 60 or seconds % 60:
        raise ScheduleError(f"@every {duration}: EventBridge rates are whole minutes, at least one")
    minutes = seconds // 60
    for unit, size in (("day", 1440), ("hour", 60), ("minute", 1)):
        if minutes % size == 0:
            count = minutes // size
            return f"rate({count} {unit}{'' if count == 1 else 's'})"
    raise AssertionError("unreachable: minutes divide by 1")


def _day(token: str) -> int:
    token = token.upper()
    if token[:3] in DAY_NAMES and token.isalpha():
        return DAY_NAMES.index(token[:3])
    if token.isdigit() and 0 <= int(token) <= 7:
        return int(token) % 7
    raise ScheduleError(f"{token!r} is not a day of the week (0-7 or SUN-SAT)")


def day_set(field: str) -> set[int]:
    """The days (0 = Sunday) a Kubernetes day-of-week field selects."""
    days: set[int] = set()
    for part in field.split(","):
        span, _, step = part.partition("/")
        if span == "*":
            low, high = 0, 6
        elif "-" in span:
            a, b = span.split("-", 1)
            low, high = _day(a), _day(b)
            if b.strip() == "7":
                high = 7  # 7 is Sunday at the end of a range such as 5-7
            if low > high:
                raise ScheduleError(f"day-of-week range {span} runs backwards")
        else:
            low = high = _day(span)
            if step:
                high = 6
        stride = int(step) if step else 1
        if stride < 1:
            raise ScheduleError(f"step {step!r} must be at least 1")
        days |= {d % 7 for d in range(low, high + 1, stride)}
    return days


def day_of_week(field: str) -> str:
    """A Kubernetes day-of-week field in EventBridge form (names, Sunday first)."""
    if field == "*":
        return "*"
    days = sorted(day_set(field))
    if len(days) == 7:
        return "*"
    runs: list[list[int]] = []
    for day in days:
        if runs and runs[-1][-1] == day - 1:
            runs[-1].append(day)
        else:
            runs.append([day])
    parts = []
    for run in runs:
        if len(run) >= 3:
            parts.append(f"{DAY_NAMES[run[0]]}-{DAY_NAMES[run[-1]]}")
        else:
            parts.extend(DAY_NAMES[d] for d in run)
    return ",".join(parts)
