"""Statutory periods of a penalty case (rulebook §0.2, §1.3, §1.5–1.7), as pure functions.

Every function takes the working-day calendar as a parameter (production passes
`fazhi.core.calendar.official_calendar()`), so the rules stay free of the database and of the
package's holiday data. Counting follows `fazhi.core.rules.calendar.add_period`: the start day is
not counted, a calendar-day period ending on a rest day rolls over to the next working day
(《民事诉讼法》第八十五条), and the "N days" of the Administrative Penalty Law below 10 are
working days (《行政处罚法》第八十五条); 15, 60, 90 days are calendar days.
"""

from __future__ import annotations

from datetime import date

from fazhi.core.rules.calendar import (
    Deadline,
    PeriodUnit,
    WorkingDayCalendar,
    add_months,
    add_period,
)

BASIS_DECISION = "《行政处罚法》第六十条"
BASIS_SERVICE = "《行政处罚法》第六十一条"
BASIS_PAYMENT = "《行政处罚法》第六十七条"
BASIS_HEARING = "《行政处罚法》第六十四条"
BASIS_STATEMENT = "《行政处罚法》第四十四条、第四十五条"
BASIS_LIMITATION = "《行政处罚法》第三十六条"

#: Decision within 90 (calendar) days of filing, unless law provides otherwise (art. 60).
DECISION_DAYS = 90
#: Service within 7 working days when the party is absent at announcement (art. 61).
SERVICE_WORKING_DAYS = 7
#: Payment within 15 (calendar) days of receiving the decision (art. 67).
PAYMENT_DAYS = 15
#: Hearing request within 5 working days after the notice (art. 64 (一)).
HEARING_REQUEST_WORKING_DAYS = 5
#: Hearing time and place notified at least 7 working days before it (art. 64 (二)).
HEARING_NOTICE_WORKING_DAYS = 7
#: Statement and defence period: no statutory number; 3–5 working days in practice (rulebook
#: §1.6 row 7 [PRAC]); configurable per sector through settings.FAZHI_ENFORCEMENT_STATEMENT_DAYS.
DEFAULT_STATEMENT_WORKING_DAYS = 5
#: Limitation (art. 36): 2 years; 5 years where life, health, safety or financial security is
#: involved and harm resulted.
LIMITATION_YEARS = 2
LIMITATION_YEARS_SERIOUS = 5


def decision_due(filed_on: date, cal: WorkingDayCalendar, *, extension_days: int = 0) -> Deadline:
    """Last day for the decision: 90 calendar days after filing plus the approved extensions
    (art. 60; extensions per sector practice, rulebook §1.6 row 10 [PRAC])."""
    return Deadline(
        add_period(filed_on, DECISION_DAYS + max(extension_days, 0), PeriodUnit.CALENDAR_DAY, cal),
        BASIS_DECISION,
    )


def decision_overdue(
    filed_on: date, decided_on: date, cal: WorkingDayCalendar, *, extension_days: int = 0
) -> bool:
    """True when the decision came after the art. 60 deadline (the due day itself is in time)."""
    return decided_on > decision_due(filed_on, cal, extension_days=extension_days).due


def service_due(decided_on: date, cal: WorkingDayCalendar) -> Deadline:
    """Last day to serve a decision not handed over on announcement: 7 working days (art. 61)."""
    return Deadline(
        add_period(decided_on, SERVICE_WORKING_DAYS, PeriodUnit.WORKING_DAY, cal), BASIS_SERVICE
    )


def payment_due(served_on: date, cal: WorkingDayCalendar) -> Deadline:
    """Last day to pay the fine: 15 days after receiving the decision (art. 67)."""
    return Deadline(
        add_period(served_on, PAYMENT_DAYS, PeriodUnit.CALENDAR_DAY, cal), BASIS_PAYMENT
    )


def hearing_request_due(notified_on: date, cal: WorkingDayCalendar) -> Deadline:
    """Last day on which the party may ask for a hearing: 5 working days after the notice
    (art. 64 (一))."""
    return Deadline(
        add_period(notified_on, HEARING_REQUEST_WORKING_DAYS, PeriodUnit.WORKING_DAY, cal),
        BASIS_HEARING,
    )


def hearing_earliest_day(hearing_notice_on: date, cal: WorkingDayCalendar) -> date:
    """Earliest day the hearing may be held when its time and place were notified on
    `hearing_notice_on`: the 7th working day after the notice, so the notice is 7 working days
    before the hearing (art. 64 (二); the notice day itself is not counted)."""
    return add_period(hearing_notice_on, HEARING_NOTICE_WORKING_DAYS, PeriodUnit.WORKING_DAY, cal)


def hearing_notice_in_time(
    hearing_notice_on: date, hearing_on: date, cal: WorkingDayCalendar
) -> bool:
    """Whether the hearing notice came at least 7 working days before the hearing (art. 64)."""
    return hearing_on >= hearing_earliest_day(hearing_notice_on, cal)


def statement_due(notified_on: date, cal: WorkingDayCalendar, *, working_days: int) -> Deadline:
    """End of the statement and defence period after the prior notice (arts. 44–45; the length is
    sector practice, rulebook §1.6 row 7 [PRAC])."""
    return Deadline(
        add_period(notified_on, working_days, PeriodUnit.WORKING_DAY, cal), BASIS_STATEMENT
    )


def limitation_ends(act_ended_on: date, *, serious: bool = False) -> date:
    """Last day on which discovering the act still allows a penalty (art. 36): 2 years (5 where
    life, health, safety or financial security is involved and harm resulted) counted from the
    day the act ended. The period is counted in years on the calendar (《民法典》第二百零二条);
    the holiday roll-over does not extend a limitation on discovery."""
    years = LIMITATION_YEARS_SERIOUS if serious else LIMITATION_YEARS
    return add_months(act_ended_on, 12 * years)


def limitation_expired(
    act_ended_on: date | None, discovered_on: date | None, *, serious: bool = False
) -> bool:
    """`limitation_expired(act_end_date, discovery_date, category)` of rulebook §1.3 (art. 36).

    Unknown dates never expire the limitation (the organ must establish them first)."""
    if act_ended_on is None or discovered_on is None:
        return False
    return discovered_on > limitation_ends(act_ended_on, serious=serious)
