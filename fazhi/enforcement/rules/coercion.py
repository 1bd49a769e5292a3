"""Administrative coercion (《行政强制法》, rulebook §1.9): approvals and time limits, as pure
functions over `MeasureFacts`. The case table (`rules/cases.py`) calls them as guards; the
supervision rules may call `coercion_overdue(facts, now)`. Nothing here touches the database or
the calendar tables: the caller says whether a day is a rest day (production:
`fazhi.core.calendar`).

* Coercive measures need the head's prior approval (art. 18 (一)) and two officers (art. 18 (二)).
  In an emergency the officers act on the spot and report to the head within 24 hours, who
  approves afterwards (补办批准) or releases the measure at once (art. 19).
* Sealing or seizure (查封、扣押) lasts at most 30 days; in a complex case the head may extend it
  once by at most 30 days (art. 25 ¶1). Freezing deposits (冻结) has the same limits (art. 32).
  The day the measure starts is not counted (rulebook §0.2; 《民事诉讼法》第八十五条), and the
  last day does not roll over to the next working day: the limit restricts the party's property,
  so it is never lengthened by a holiday. Periods for testing or appraisal, which art. 25 ¶3
  leaves out of the count, are not modelled yet.
* Coercive execution (行政强制执行) is never carried out at night or on a statutory holiday,
  except in an emergency (art. 43 ¶1: "行政机关不得在夜间或者法定节假日实施行政强制执行。但是，
  情况紧急的除外。"). The Compulsion Law does not define 夜间; we use the statutory definition of
  《噪声污染防治法》第八十八条 (晚上十点至次日早晨六点, [PRAC], `NIGHT_STARTS` / `NIGHT_ENDS`).
  法定节假日 are the rest days of the official calendar (weekly rest days and holidays; a make-up
  working day (调休) is a working day), rulebook §0.2.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from enum import StrEnum

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

ART_MEASURE = "《行政强制法》第十八条"
ART_EMERGENCY = "《行政强制法》第十九条"
ART_SEIZURE = "《行政强制法》第二十五条"
ART_FREEZE = "《行政强制法》第三十二条"
ART_NIGHT_HOLIDAY = "《行政强制法》第四十三条"
PRAC_NIGHT = "《噪声污染防治法》第八十八条（夜间：晚上十点至次日早晨六点）[PRAC]"

#: Sealing or seizure at most 30 days (art. 25), freezing 30 days (art. 32).
MEASURE_DAYS = 30
#: One extension of at most 30 days with the head's approval (arts. 25, 32).
EXTENSION_DAYS = 30
#: An emergency measure is reported to the head within 24 hours (art. 19).
EMERGENCY_REPORT_HOURS = 24
#: 夜间 (art. 43): 22:00 (included) to 06:00 (excluded), 《噪声污染防治法》第八十八条 [PRAC].
NIGHT_STARTS = time(22, 0)
NIGHT_ENDS = time(6, 0)


class MeasureKind(StrEnum):
    """Coercive measures of art. 9 that the platform records."""

    SEAL = "seal"  # 查封场所、设施或者财物 (arts. 22–28)
    SEIZE = "seize"  # 扣押财物 (arts. 22–28)
    FREEZE = "freeze"  # 冻结存款、汇款 (arts. 29–33)
    OTHER = "other"  # 其他行政强制措施


MEASURE_KIND_LABELS = {
    MeasureKind.SEAL: gettext_lazy("Sealing up premises, facilities or property"),
    MeasureKind.SEIZE: gettext_lazy("Seizure of property"),
    MeasureKind.FREEZE: gettext_lazy("Freezing of deposits or remittances"),
    MeasureKind.OTHER: gettext_lazy("Other coercive measure"),
}

#: Measures with a statutory maximum duration, and the article that sets it.
LIMITED_KINDS = {
    MeasureKind.SEAL.value: ART_SEIZURE,
    MeasureKind.SEIZE.value: ART_SEIZURE,
    MeasureKind.FREEZE.value: ART_FREEZE,
}


@dataclass(frozen=True)
class MeasureFacts:
    """One coercive measure: when it started, its last day, whether it was an emergency, when the
    head approved it (before it, or afterwards on the report of an emergency measure) and the
    days of an approved extension (0: none)."""

    kind: str
    started_at: datetime | None
    ends_on: date | None
    emergency: bool = False
    approved_at: datetime | None = None
    extension_days: int = 0
    released_on: date | None = None


def measure_last_day(started_on: date, *, extension_days: int = 0) -> date:
    """The last day a sealing, seizure or freeze may last: 30 days after the day it started
    (that day not counted), plus an approved extension of at most 30 days (arts. 25, 32)."""
    extra = min(max(extension_days, 0), EXTENSION_DAYS)
    return started_on + timedelta(days=MEASURE_DAYS + extra)


def measure_period_problems(m: MeasureFacts) -> list[str]:
    """Start and last day recorded, the end not before the start; for sealing, seizure and
    freezing at most 30 days without a recorded extension, and never more than 60 (arts. 25,
    32)."""
    if m.started_at is None or m.ends_on is None:
        return [
            _(
                "Record when the coercive measure started and its last day "
                "(《行政强制法》第二十四条、第二十五条)."
            )
        ]
    started_on = m.started_at.date()
    if m.ends_on < started_on:
        return [_("The coercive measure cannot end before it started.")]
    article = LIMITED_KINDS.get(m.kind)
    if article is None:
        return []
    if m.ends_on > measure_last_day(started_on, extension_days=EXTENSION_DAYS):
        return [
            _(
                "A sealing, seizure or freeze lasts at most 30 days, extended once by at most 30 "
                "days: its last day can be %(day)s at the latest (%(article)s)."
            )
            % {
                "day": measure_last_day(started_on, extension_days=EXTENSION_DAYS).isoformat(),
                "article": article,
            }
        ]
    limit = measure_last_day(started_on, extension_days=m.extension_days)
    if m.ends_on > limit:
        if m.extension_days:
            return [
                _("The approved extension of %(days)s days ends on %(day)s (%(article)s).")
                % {"days": m.extension_days, "day": limit.isoformat(), "article": article}
            ]
        return [
            _(
                "A sealing, seizure or freeze lasts at most 30 days (until %(day)s); a longer "
                "period needs an extension approved by the head of the organ (%(article)s)."
            )
            % {"day": limit.isoformat(), "article": article}
        ]
    return []


def approval_problems(m: MeasureFacts) -> list[str]:
    """A coercive measure needs the head's approval before it starts (art. 18 (一)), unless it
    was taken on the spot in an emergency (art. 19, reported afterwards)."""
    if m.emergency:
        return []
    if m.approved_at is None or (m.started_at is not None and m.approved_at > m.started_at):
        return [
            _(
                "A coercive measure needs the approval of the head of the organ before it is "
                "taken; record the approval, or mark the measure as an emergency taken on the "
                "spot (《行政强制法》第十八条、第十九条)."
            )
        ]
    return []


def emergency_report_due(m: MeasureFacts) -> datetime | None:
    """When the report of an emergency measure is due: 24 hours after it started (art. 19)."""
    if not m.emergency or m.started_at is None:
        return None
    return m.started_at + timedelta(hours=EMERGENCY_REPORT_HOURS)


def emergency_report_late(m: MeasureFacts) -> bool:
    """An emergency measure reported (approved) more than 24 hours after it started (art. 19).
    Exactly 24 hours is in time."""
    due = emergency_report_due(m)
    return due is not None and m.approved_at is not None and m.approved_at > due


def emergency_report_problems(m: MeasureFacts) -> list[str]:
    """The step after an emergency measure needs its report to the head and the approval made
    afterwards (补办批准手续, art. 19). A late report is recorded (and flagged by
    `coercion_overdue`) rather than refused: refusing it would leave the measure without any
    approval or release for ever."""
    if not m.emergency or m.approved_at is not None:
        return []
    due = emergency_report_due(m)
    return [
        _(
            "The measure was taken on the spot in an emergency: report it to the head of the "
            "organ and record the approval first (due by %(due)s; 《行政强制法》第十九条)."
        )
        % {"due": due.strftime("%Y-%m-%d %H:%M") if due else "—"}
    ]


@dataclass(frozen=True)
class Overdue:
    """One time limit of a coercive measure that has passed: a stable code, the moment it fell
    due and its article."""

    code: str  # emergency_unreported | emergency_report_late | measure_expired
    due: datetime | date
    basis: str


def coercion_overdue(facts: MeasureFacts, now: datetime) -> list[Overdue]:
    """The time limits of a measure passed at `now`, for a supervision rule:

    * ``emergency_unreported``: an emergency measure still not reported 24 hours after it started
      (art. 19; at exactly 24 hours it is not overdue yet);
    * ``emergency_report_late``: reported, but after the 24 hours (art. 19);
    * ``measure_expired``: a sealing, seizure or freeze not released after its last day (its
      extension included; arts. 25, 27, 32).

    `now` and the measure's times must be alike (both aware, or both naive)."""
    out: list[Overdue] = []
    due = emergency_report_due(facts)
    if due is not None:
        if facts.approved_at is None and now > due:
            out.append(Overdue("emergency_unreported", due, ART_EMERGENCY))
        elif emergency_report_late(facts):
            out.append(Overdue("emergency_report_late", due, ART_EMERGENCY))
    article = LIMITED_KINDS.get(facts.kind)
    if article is not None and facts.started_at is not None and facts.released_on is None:
        last = measure_last_day(facts.started_at.date(), extension_days=facts.extension_days)
        if facts.ends_on is not None and facts.ends_on < last:
            last = facts.ends_on
        if now.date() > last:
            out.append(Overdue("measure_expired", last, article))
    return out


def is_night(moment: time) -> bool:
    """22:00 up to (not including) 06:00 (《噪声污染防治法》第八十八条 [PRAC], art. 43)."""
    return moment >= NIGHT_STARTS or moment < NIGHT_ENDS


def execution_time_problems(local_time: time, *, rest_day: bool, emergency: bool) -> list[str]:
    """Coercive execution neither at night nor on a statutory holiday, except in an emergency
    (art. 43 ¶1). `local_time` is the platform's local time (Asia/Shanghai); `rest_day` comes from
    the official calendar (a make-up working day is a working day)."""
    if emergency:
        return []
    problems = []
    if is_night(local_time):
        problems.append(
            _(
                "Coercive execution may not be carried out at night (22:00–06:00) unless the "
                "situation is urgent (《行政强制法》第四十三条)."
            )
        )
    if rest_day:
        problems.append(
            _(
                "Coercive execution may not be carried out on a statutory holiday or rest day "
                "unless the situation is urgent (《行政强制法》第四十三条)."
            )
        )
    return problems
