"""B6 — supervision sweep (performance.md §5): the app's sweep vs one raw SQL query.

    DATABASE_URL=sqlite:////tmp/b6.sqlite3 .venv/bin/python bench/b6_sweep.py [--cases 315000]
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/fazhi_supervision_bench .venv/bin/python \
        bench/b6_sweep.py

Use a THROWAWAY database: the script migrates it and, if it holds no cases, fills it with a
synthetic year of enforcement (bulk_create): `--cases` penalty and coercion cases (75 % simple
procedure), their officers (2 per case, certified), steps (3 per simple, 6 per general case), the
disclosures of decided cases, and ~5 % of cases overdue in one of the ways the time rules watch
(decision deadline passed or near, payment step overdue, decision not served, not disclosed).

Then, in the same run:
1. floor: ONE raw SQL query selecting the (rule, case) pairs the deadline rules must flag today,
   with the working-day thresholds computed in Python exactly as the app does (median of 3);
2. first sweep of the day from no alerts, as the beat schedule runs it (mode "daily": the
   date-driven rules over all cases + the certificate rule for changed certificates);
3. no-change sweeps: the same day again as scheduled ("incremental"), the date rules forced
   again ("daily"), and every rule ("all"); all must open 0 and close 0. Also timed: every
   rule from no alerts ("all", the weekly audit);
4. ground truth: the alert set (rule, case) must equal the floor query's set;
5. ledger: pushing the first sweep's deductions (`alerts_ledger_push`), timed on a sample and
   reported per alert (the sweep defers it to the Celery task; it is not part of the ratio).

Targets: floor ÷ first sweep ≥ 0.2 (minimum 0.1); floor ÷ no-change sweep ≥ 0.67. Exits 1 if the
alert set differs from the ground truth or a ratio misses its minimum.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import random
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.base")

import django  # noqa: E402

django.setup()

from django.core.management import call_command  # noqa: E402
from django.db import connection, transaction  # noqa: E402
from django.utils import timezone  # noqa: E402

TODAY = dt.date(2025, 12, 19)
BATCH = 5000


def log(msg: str) -> None:
    print(msg, flush=True)


def _bulk(model, rows, label):
    """Insert model instances with one prepared INSERT run over all rows (executemany).

    Values are prepared per column the way bulk_create prepares them, but a column whose value
    is the same in every row (defaults, auto_now) is prepared once: on a busy 2-core machine
    bulk_create's per-field preparation made a 315k-case year take over an hour."""
    t = time.perf_counter()
    fields = [f for f in model._meta.concrete_fields if not f.primary_key]
    now = timezone.now()
    cols, getters = [], []
    sample = rows[0]
    for f in fields:
        cols.append(connection.ops.quote_name(f.column))
        if getattr(f, "auto_now", False) or getattr(f, "auto_now_add", False):
            const = f.get_db_prep_save(now, connection)
            getters.append(lambda o, c=const: c)
            continue
        value = getattr(sample, f.attname)
        if (
            f.has_default()
            and value == f.get_default()
            and all(getattr(o, f.attname) == value for o in rows[:: max(1, len(rows) // 50)])
            and f.attname not in _VARYING.get(model.__name__, ())
        ):
            const = f.get_db_prep_save(value, connection)
            getters.append(lambda o, c=const: c)
        elif f.get_internal_type() in ("DateField", "DateTimeField", "DecimalField", "JSONField"):
            getters.append(lambda o, f=f: f.get_db_prep_save(getattr(o, f.attname), connection))
        else:
            getters.append(lambda o, a=f.attname: getattr(o, a))
    table = connection.ops.quote_name(model._meta.db_table)
    marks = ", ".join(["%s"] * len(cols))
    sql = f"INSERT INTO {table} ({', '.join(cols)}) VALUES ({marks})"
    with connection.cursor() as cur:
        for i in range(0, len(rows), BATCH * 4):
            cur.executemany(sql, [tuple(g(o) for g in getters) for o in rows[i : i + BATCH * 4]])
    log(f"  {label}: {len(rows):,} rows in {time.perf_counter() - t:.1f} s")


# Columns with a default that the synthetic year still varies (never folded into a constant).
_VARYING = {
    "Case": ("state", "procedure", "act_type", "served_on", "decided_on", "closed_on"),
    "Step": ("due_on", "done_on", "code"),
}


def build(n_cases: int, seed: int = 4) -> None:
    from fazhi.enforcement.models import (
        AuthorityItem,
        Case,
        CaseOfficer,
        Certificate,
        Disclosure,
        Officer,
        Party,
        Step,
    )
    from fazhi.enforcement.selectors.supervision import working_days_after
    from fazhi.orgs.models import Agency, Division, Government, Sector

    rnd = random.Random(seed)
    t0 = time.perf_counter()
    log(f"building a synthetic year: {n_cases:,} cases")
    with transaction.atomic():
        tree = Division.objects
        region = tree.add_root({"code": "150000", "name": "内蒙古自治区", "level": "region"})
        divisions = []
        for league in range(12):
            region.refresh_from_db()
            lg = tree.add_child(
                region,
                {"code": f"15{league + 1:02d}00", "name": f"盟市{league}", "level": "prefecture"},
            )
            divisions.append(lg)
            for b in range(4):
                lg.refresh_from_db()
                divisions.append(
                    tree.add_child(
                        lg,
                        {
                            "code": f"15{league + 1:02d}{b + 2:02d}",
                            "name": f"旗县{league}-{b}",
                            "level": "county",
                        },
                    )
                )
        govs = [Government.objects.create(division=d, name=f"{d.name}人民政府") for d in divisions]
        sectors = [
            Sector.objects.get_or_create(code=f"s{i}", defaults={"name": f"领域{i}"})[0]
            for i in range(8)
        ]
        agencies = Agency.objects.bulk_create(
            [
                Agency(
                    name=f"执法机关{i}",
                    credit_code=f"11150000{i:09d}X"[:18],
                    kind="statutory",
                    sector=sectors[i % 8],
                    government=govs[i % len(govs)],
                )
                for i in range(600)
            ]
        )
        agencies = list(Agency.objects.select_related("government").order_by("id"))
        items = AuthorityItem.objects.bulk_create(
            [
                AuthorityItem(
                    agency=a,
                    code="P-1",
                    act_type="penalty",
                    name="处罚事项",
                    violation_key=f"v{a.pk}",
                )
                for a in agencies
            ]
        )
        items = {i.agency_id: i.pk for i in AuthorityItem.objects.all()}
        Officer.objects.bulk_create(
            [
                Officer(name=f"执法员{i}", resident_id=f"B6{i:016d}", agency=agencies[i // 6])
                for i in range(len(agencies) * 6)
            ]
        )
        officers_by_agency: dict[int, list[int]] = {}
        for o in Officer.objects.values_list("id", "agency_id"):
            officers_by_agency.setdefault(o[1], []).append(o[0])
        Certificate.objects.bulk_create(
            [
                Certificate(
                    officer_id=oid,
                    number=f"C{oid:012d}",
                    sector=sectors[0],
                    issued_on=dt.date(2022, 1, 1),
                    expires_on=dt.date(2028, 1, 1),
                    state="active",
                )
                for ids in officers_by_agency.values()
                for oid in ids
            ]
        )
        Party.objects.bulk_create(
            [
                Party(kind="organisation", name=f"当事人{i}", id_number=f"P{i:017d}")
                for i in range(50_000)
            ]
        )
        party_ids = list(Party.objects.values_list("id", flat=True))

        start = dt.date(2025, 1, 2)
        span = (TODAY - dt.timedelta(days=40) - start).days
        cases = []
        kinds = []
        for i in range(n_cases):
            a = agencies[rnd.randrange(len(agencies))]
            r = rnd.random()
            simple = r < 0.75
            day = start + dt.timedelta(days=rnd.randrange(span))
            c = Case(
                number=f"B6-{i:07d}",
                agency_id=a.pk,
                division_id=a.government.division_id,
                sector_id=a.sector_id,
                act_type="penalty" if rnd.random() < 0.8 else "coercion",
                procedure="simple" if simple else "general",
                title="案件",
                authority_item_id=items[a.pk],
                party_id=party_ids[rnd.randrange(len(party_ids))],
                filed_on=day,
                decision_due_on=day + dt.timedelta(days=90),
            )
            kind = "closed"
            if simple:
                c.state, c.decided_on, c.served_on, c.closed_on = "closed", day, day, day
            else:
                g = rnd.random()
                if g < 0.12:  # 3 % of all cases: decision overdue
                    kind = "decision_overdue"
                    c.filed_on = TODAY - dt.timedelta(days=91 + rnd.randrange(60))
                elif g < 0.14:  # 0.5 %: deadline near
                    kind = "decision_deadline_near"
                    c.filed_on = TODAY - dt.timedelta(days=80 + rnd.randrange(11))
                elif g < 0.30:  # in time
                    kind = "investigating"
                    c.filed_on = TODAY - dt.timedelta(days=rnd.randrange(79))
                elif g < 0.34:  # 1 %: payment overdue
                    kind = "step_overdue"
                elif g < 0.352:  # 0.3 %: not served
                    kind = "service_overdue"
                elif g < 0.364:  # 0.3 %: not disclosed
                    kind = "not_disclosed"
                c.decision_due_on = c.filed_on + dt.timedelta(days=90)
                if kind in ("decision_overdue", "decision_deadline_near", "investigating"):
                    c.state = "investigating"
                else:
                    decided = min(
                        c.filed_on + dt.timedelta(days=30 + rnd.randrange(50)),
                        TODAY - dt.timedelta(days=30),
                    )
                    c.decided_on = decided
                    if kind == "service_overdue":
                        c.state = "decided"
                    elif kind == "step_overdue":
                        c.state, c.served_on = "executing", decided
                    else:
                        c.state, c.served_on, c.closed_on = (
                            "closed",
                            decided,
                            decided + dt.timedelta(days=20),
                        )
            cases.append(c)
            kinds.append(kind)
        _bulk(Case, cases, "cases")
        ids = list(Case.objects.order_by("id").values_list("id", flat=True))
        co, steps, disc = [], [], []
        at = timezone.make_aware(dt.datetime(2025, 6, 1, 9))
        for cid, c, kind in zip(ids, cases, kinds, strict=True):
            o = officers_by_agency[c.agency_id]
            k = rnd.randrange(5)
            co += [
                CaseOfficer(case_id=cid, officer_id=o[k]),
                CaseOfficer(case_id=cid, officer_id=o[k + 1]),
            ]
            n_steps = 3 if c.procedure == "simple" else 5
            for s in range(n_steps):
                steps.append(Step(case_id=cid, code=f"s{s}", occurred_at=at))
            if c.decided_on and c.procedure == "general":
                pay_due = (c.served_on or c.decided_on) + dt.timedelta(days=15)
                done = None if kind == "step_overdue" else pay_due - dt.timedelta(days=3)
                steps.append(
                    Step(case_id=cid, code="payment", occurred_at=at, due_on=pay_due, done_on=done)
                )
            elif c.procedure == "simple":
                steps.append(
                    Step(
                        case_id=cid,
                        code="payment",
                        occurred_at=at,
                        due_on=c.decided_on + dt.timedelta(days=15),
                        done_on=c.decided_on,
                    )
                )
            if c.decided_on and kind != "not_disclosed":
                disc.append(
                    Disclosure(
                        case_id=cid,
                        public_token=f"t{cid:031d}",
                        agency_id=c.agency_id,
                        division_id=c.division_id,
                        sector_id=c.sector_id,
                        act_type=c.act_type,
                        decision_number=c.number,
                        party_name="某公司",
                        violation="违法行为",
                        decided_on=c.decided_on,
                        due_on=working_days_after(c.decided_on, 7),
                        published_at=at,
                    )
                )
        _bulk(CaseOfficer, co, "case officers")
        _bulk(Step, steps, "steps")
        _bulk(Disclosure, disc, "disclosures")
    log(f"built in {time.perf_counter() - t0:.1f} s")


def floor_query(today: dt.date):
    """The (rule, case id) pairs the deadline rules must flag: ONE raw SQL statement."""
    from fazhi.enforcement.models import Case, Disclosure, Step
    from fazhi.enforcement.rules.enums import OPEN_CASE_STATES
    from fazhi.enforcement.selectors.supervision import SERVICE_DEADLINE_WD, latest_start_overdue
    from fazhi.enforcement.services.supervision import _FILED_NOT_DECIDED

    case_t, step_t, disc_t = (m._meta.db_table for m in (Case, Step, Disclosure))
    pending = ",".join(f"'{s}'" for s in _FILED_NOT_DECIDED)
    open_states = ",".join(f"'{s.value}'" for s in OPEN_CASE_STATES)
    sql = f"""
        SELECT 'decision_overdue', id FROM {case_t}
         WHERE state IN ({pending}) AND decision_due_on < %s
        UNION ALL
        SELECT 'decision_deadline_near', id FROM {case_t}
         WHERE state IN ({pending}) AND decision_due_on >= %s AND decision_due_on <= %s
        UNION ALL
        SELECT DISTINCT 'step_overdue', s.case_id FROM {step_t} s JOIN {case_t} c
            ON c.id = s.case_id
         WHERE s.due_on < %s AND s.done_on IS NULL AND c.state IN ({open_states})
        UNION ALL
        SELECT 'service_overdue', id FROM {case_t}
         WHERE state = 'decided' AND served_on IS NULL AND decided_on <= %s
        UNION ALL
        SELECT 'not_disclosed', c.id FROM {case_t} c LEFT JOIN {disc_t} d ON d.case_id = c.id
         WHERE d.id IS NULL AND c.state NOT IN ('not_filed', 'terminated')
           AND ((c.act_type IN ('penalty', 'licensing') AND c.decided_on <= %s)
             OR (c.act_type = 'coercion' AND c.decided_on <= %s))
    """
    params = [
        today,
        today,
        today + dt.timedelta(days=10),
        today,
        latest_start_overdue(today, SERVICE_DEADLINE_WD),
        latest_start_overdue(today, 7),
        latest_start_overdue(today, 20),
    ]
    with connection.cursor() as cur:
        cur.execute(sql, params)
        return {(r, f"case:{i}") for r, i in cur.fetchall()}


def _config_dump():
    from fazhi.enforcement.selectors.supervision import supervision_config

    cfg = supervision_config()
    return {k: getattr(cfg, k) for k in cfg.__dataclass_fields__}


def timed(fn, reps=1):
    times, out = [], None
    for _ in range(reps):
        t = time.perf_counter()
        out = fn()
        times.append(time.perf_counter() - t)
    return statistics.median(times), out


def main() -> int:
    NOW = timezone.now()
    ap = argparse.ArgumentParser()
    ap.add_argument("--cases", type=int, default=315_000)
    ap.add_argument("--ledger-sample", type=int, default=1000)
    args = ap.parse_args()
    call_command("migrate", verbosity=0)
    from fazhi.enforcement.models import Case, Step
    from fazhi.enforcement.models.supervision import Alert, SweepState
    from fazhi.enforcement.services.supervision import alerts_ledger_push, alerts_sweep

    if not Case.objects.exists():
        build(args.cases)
        with connection.cursor() as cur:
            cur.execute("ANALYZE")
    from fazhi.assessment.models import Indicator

    if not Indicator.objects.exists():
        call_command("load_indicators", verbosity=0)
    NOW = timezone.now()
    n_cases, n_steps = Case.objects.count(), Step.objects.count()
    log(f"{connection.vendor}: {n_cases:,} cases, {n_steps:,} steps; today {TODAY}")

    from fazhi.assessment.models import ScoreEntry

    def reset():
        ScoreEntry.objects.all().delete()
        Alert.objects.all().delete()
        SweepState.objects.all().delete()
        if connection.vendor == "postgresql":
            # "from no alerts" means an empty table, not one holding every earlier run's alerts
            # as dead rows: autovacuum (off on the shared bench box) would clear them; without
            # it each reset left ~16k dead alerts that every later sweep read and indexed past
            tables = ", ".join(m._meta.db_table for m in (Alert, ScoreEntry))
            with connection.cursor() as cur:
                cur.execute(f"VACUUM ANALYZE {tables}")

    reset()
    floor_queries = [timed(lambda: floor_query(TODAY)) for _ in range(3)]
    floor_s = statistics.median(t for t, _ in floor_queries)
    truth = floor_queries[0][1]
    log(
        f"floor (one raw SQL query): {floor_s * 1000:.0f} ms, {len(truth):,} pairs "
        f"({len(truth) / n_cases:.1%} of cases)"
    )

    def first_sweep():
        SweepState.objects.create(
            key="default",
            full_on=TODAY - dt.timedelta(days=1),
            ran_at=timezone.now(),
            config=_config_dump(),
        )
        return alerts_sweep(today=TODAY, now=NOW, ledger=False)

    first_times = []
    for rep in range(2):
        reset()
        t, first = timed(first_sweep)
        first_times.append(t)
        log(f"first sweep of the day #{rep + 1}: {t:.2f} s ({first})")
    first_s = statistics.median(first_times)
    alerts = set(
        Alert.objects.filter(state__in=["open", "rectifying"]).values_list("rule", "subject_key")
    )
    same = alerts == truth
    log(
        f"alert set == SQL ground truth: {same} (alerts {len(alerts):,}, truth {len(truth):,}, "
        f"missing {len(truth - alerts)}, extra {len(alerts - truth)})"
    )

    inc_s, inc = timed(
        lambda: alerts_sweep(today=TODAY, now=NOW + dt.timedelta(hours=1), ledger=False), reps=3
    )
    daily_s, daily = timed(
        lambda: alerts_sweep(
            today=TODAY, now=NOW + dt.timedelta(hours=2), mode="daily", ledger=False
        ),
        reps=3,
    )
    all_s, all_ = timed(
        lambda: alerts_sweep(
            today=TODAY, now=NOW + dt.timedelta(hours=3), mode="all", ledger=False
        ),
        reps=1,
    )
    log(f"no-change sweep, same day as scheduled (incremental): {inc_s * 1000:.1f} ms ({inc})")
    log(f"no-change sweep, date rules again (daily): {daily_s:.2f} s ({daily})")
    log(f"no-change sweep, every rule (all): {all_s:.2f} s ({all_})")
    idempotent = all(r.opened == 0 and r.closed == 0 for r in (inc, daily, all_))
    reset()
    t_all_first, all_first = timed(
        lambda: alerts_sweep(today=TODAY, now=NOW, mode="all", ledger=False)
    )
    log(f"first sweep with every rule (all) from no alerts: {t_all_first:.2f} s ({all_first})")

    sample = min(args.ledger_sample, len(alerts))
    led_s, pushed = timed(lambda: alerts_ledger_push(limit=sample))
    per = led_s / max(pushed, 1)
    log(
        f"ledger push: {pushed} deductions in {led_s:.2f} s = {per * 1000:.2f} ms each "
        f"(≈ {per * len(alerts):.0f} s for all {len(alerts):,}, deferred to the Celery task)"
    )

    r_first, r_inc, r_daily = floor_s / first_s, floor_s / inc_s, floor_s / daily_s
    log("")
    log(f"B6 {connection.vendor} cases={n_cases:,} steps={n_steps:,} alerts={len(alerts):,}")
    log(
        f"  floor {floor_s * 1000:.0f} ms | first sweep of the day {first_s:.2f} s -> ratio "
        f"{r_first:.2f} (target >=0.2, min 0.1)"
    )
    log(
        f"  no-change sweep (scheduled, same day) {inc_s * 1000:.1f} ms -> ratio "
        f"{r_inc:.2f} (target >=0.67)"
    )
    log(f"  no-change sweep (date rules re-run) {daily_s:.2f} s -> ratio {r_daily:.2f}")
    log(
        f"  every rule: first {t_all_first:.2f} s (ratio {floor_s / t_all_first:.2f}), "
        f"no change {all_s:.2f} s (ratio {floor_s / all_s:.2f})"
    )
    log(f"  alert set == ground truth: {same}; second sweeps open 0 / close 0: {idempotent}")
    ok = same and idempotent and r_first >= 0.1 and r_inc >= 0.67
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
