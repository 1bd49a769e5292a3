"""Excel import and export of the registry: enforcement subjects (agencies) and officers.

One workbook, two sheets, the same columns both ways, so an export can be loaded again:

* 执法主体 — one row per agency with enforcement power (name, credit code, kind, division, sector,
  entrusting agency and document, legal basis, published);
* 执法人员 — one row per officer (name, resident ID, agency credit code, auxiliary, and the current
  certificate if any).

The column headings are the file format (the Department's lists are Chinese), not interface text.

Import validates EVERY row before writing anything (credit codes GB 32100-2015 and resident IDs
GB 11643-1999, rulebook §9; known divisions, sectors and agencies inside the importer's scope;
duplicates inside the file and against the database; an entrusted organisation names its
entrusting organ and document, 《行政处罚法》第二十条; auxiliary staff get no certificate, rulebook
§8). Any error → a row-level Chinese list and nothing written. Otherwise everything is written in
bulk in ONE transaction, with an audit entry per created record and one for the import.
"""

from __future__ import annotations

import io
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from django.db import transaction
from django.db.models import Prefetch
from django.utils import timezone
from django.utils.translation import gettext as _
from openpyxl import Workbook, load_workbook

from fazhi.audit.services import audit_record
from fazhi.core.identifiers import IdentifierError, validate_credit_code, validate_resident_id
from fazhi.core.scope import scoped
from fazhi.core.spreadsheet import FORMULA_START, spreadsheet_safe
from fazhi.enforcement.models import Certificate, CertificateEvent, Officer
from fazhi.enforcement.models.registry import EnforcementSubject
from fazhi.enforcement.rules.certificates import (
    BASIS_QUALIFICATION,
    CertificateState,
    default_expiry,
    may_hold_certificate,
)
from fazhi.enforcement.services.registry import (
    may_import_officers,
    may_see_resident_ids,
    may_write_subjects,
    normalise_provision_keys,
    subject_problems,
    unknown_provision_keys,
)
from fazhi.orgs.models import Agency, AgencyKind, Government, Sector

SUBJECT_SHEET = "执法主体"
OFFICER_SHEET = "执法人员"
SUBJECT_HEADERS = (
    "名称", "统一社会信用代码", "主体类型", "行政区划代码", "执法领域", "委托机关统一社会信用代码",
    "委托书", "执法资格依据", "依据条款", "执法类别", "执法区域", "是否公示", "公示日期",
)
OFFICER_HEADERS = (
    "姓名", "身份证号码", "所属机关统一社会信用代码", "是否辅助人员", "执法证号", "执法领域",
    "执法区域", "发证机关", "发证日期", "有效期至", "证件状态",
)
REQUIRED = {
    SUBJECT_SHEET: {"名称", "统一社会信用代码", "主体类型", "行政区划代码"},
    OFFICER_SHEET: {"姓名", "身份证号码", "所属机关统一社会信用代码"},
}
KIND_BY_TEXT = {
    "法定行政机关": AgencyKind.STATUTORY,
    "法律法规授权组织": AgencyKind.AUTHORIZED,
    "授权组织": AgencyKind.AUTHORIZED,
    "受委托组织": AgencyKind.ENTRUSTED,
    **{k.value: k for k in AgencyKind},
}
KIND_TEXT = {
    AgencyKind.STATUTORY: "法定行政机关",
    AgencyKind.AUTHORIZED: "法律法规授权组织",
    AgencyKind.ENTRUSTED: "受委托组织",
}
# Certificate states an imported list may carry (a certificate already in use or withheld);
# terminal states are history, not something to load.
IMPORT_STATE_BY_TEXT = {
    "有效": CertificateState.ACTIVE,
    "暂扣": CertificateState.SUSPENDED,
    "已制发": CertificateState.ISSUED,
    **{s.value: s for s in (CertificateState.ACTIVE, CertificateState.SUSPENDED,
                            CertificateState.ISSUED)},
}
STATE_TEXT = {
    "applied": "已申请", "exam_passed": "考试合格", "issued": "已制发", "active": "有效",
    "suspended": "暂扣", "revoked": "吊销", "cancelled": "注销", "expired": "过期",
}
CURRENT_STATES = ("issued", "active", "suspended")
YES = {"是", "y", "yes", "1", "true", "√"}
NO = {"否", "n", "no", "0", "false", ""}
_MAX_ISSUES = 1000  # the list shown; the count is always complete
CODE = "统一社会信用代码"
ENTRUSTER = "委托机关统一社会信用代码"


def _same(row: int) -> str:
    return _("Same as row %(row)s of this file.") % {"row": row}


def _one_of(values: Iterable[str]) -> str:
    return _("Write one of: %(values)s.") % {"values": "、".join(values)}


@dataclass(frozen=True)
class ImportIssue:
    sheet: str
    row: int  # the Excel row number (the heading is row 1)
    column: str
    message: str

    def __str__(self) -> str:
        if self.row:
            return _("%(sheet)s row %(row)s %(column)s: %(message)s") % {
                "sheet": self.sheet, "row": self.row, "column": self.column,
                "message": self.message,
            }
        return f"{self.sheet}: {self.message}"


@dataclass
class ImportResult:
    issues: list[ImportIssue] = field(default_factory=list)
    issue_count: int = 0
    subjects_created: int = 0
    agencies_created: int = 0
    officers_created: int = 0
    certificates_created: int = 0
    rows_read: int = 0

    @property
    def ok(self) -> bool:
        return self.issue_count == 0


class _Issues:
    def __init__(self) -> None:
        self.items: list[ImportIssue] = []
        self.count = 0

    def add(self, sheet: str, row: int, column: str, message: str) -> None:
        self.count += 1
        if len(self.items) < _MAX_ISSUES:
            self.items.append(ImportIssue(sheet, row, column, message))


# --- cells ---------------------------------------------------------------------------------------


def _text(value: Any) -> str:
    """A cell as stripped text; a leading apostrophe that neutralised a formula is removed."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, datetime):
        value = value.date()
    text = str(value).strip()
    if text[:1] == "'" and text[1:2] in FORMULA_START:
        text = text[1:]
    return text


def _date(value: Any) -> date | None:
    """A date from a date cell or text like 2024-03-01 / 2024/3/1 / 2024年3月1日; ValueError."""
    if value is None or value == "":
        return None
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    match = re.fullmatch(r"(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?", _text(value))
    if not match:
        raise ValueError(value)
    return date(int(match[1]), int(match[2]), int(match[3]))


def _yes_no(value: Any) -> bool | None:
    text = _text(value).lower()
    if text in YES:
        return True
    if text in NO:
        return False
    return None


def _rows(ws: Any, headers: tuple[str, ...], issues: _Issues) -> Iterator[tuple[int, dict]]:
    """(Excel row number, {heading: value}) for every non-empty row after a correct heading."""
    iterator = ws.iter_rows(values_only=True)
    first = next(iterator, None)
    found = tuple(_text(v) for v in (first or ()))[: len(headers)]
    if found != headers:
        issues.add(
            ws.title, 1, "",
            _("The first row must hold the template's column headings: %(headings)s.")
            % {"headings": "、".join(headers)},
        )
        return
    for number, values in enumerate(iterator, start=2):
        values = tuple(values or ())[: len(headers)]
        if all(_text(v) == "" for v in values):
            continue
        values = values + (None,) * (len(headers) - len(values))
        yield number, dict(zip(headers, values, strict=True))


# --- validation ----------------------------------------------------------------------------------


@dataclass
class _SubjectRow:
    row: int
    name: str
    credit_code: str
    kind: str
    government: Government | None
    sector: Sector | None
    entruster_code: str
    entrustment_document: str
    qualification_basis: str
    basis_provisions: list[str]
    domain: str
    area: str
    is_published: bool
    published_on: date | None
    existing: Agency | None = None  # an agency already in the tree, registered as a subject now


@dataclass
class _OfficerRow:
    row: int
    name: str
    resident_id: str
    agency_code: str
    is_auxiliary: bool
    number: str
    sector: Sector | None
    area: str
    issuing_body: str
    issued_on: date | None
    expires_on: date | None
    state: str


def _sector_lookup() -> dict[str, Sector]:
    out: dict[str, Sector] = {}
    for sector in Sector.objects.all():
        out[sector.code] = sector
        out[sector.name] = sector
    return out


def _validate_subjects(
    rows: list[tuple[int, dict]], *, user: Any, issues: _Issues, sectors: dict[str, Sector]
) -> list[_SubjectRow]:
    sheet = SUBJECT_SHEET
    codes = {_text(v["统一社会信用代码"]).upper() for _, v in rows}
    codes |= {_text(v["委托机关统一社会信用代码"]).upper() for _, v in rows}
    codes.discard("")
    existing = {
        a.credit_code: a
        for a in Agency.objects.filter(credit_code__in=codes).select_related(
            "enforcement_subject", "entrusted_by"
        )
    } if codes else {}
    visible_ids = set(
        scoped(Agency.objects.filter(credit_code__in=codes), user).values_list("pk", flat=True)
    ) if codes else set()
    division_codes = {_text(v["行政区划代码"]) for _, v in rows} - {""}
    governments = {
        g.division.code: g
        for g in scoped(
            Government.objects.filter(division__code__in=division_codes), user
        ).select_related("division")
    }
    known_divisions = set(
        Government.objects.filter(division__code__in=division_codes).values_list(
            "division__code", flat=True
        )
    )
    taken_names = set(
        Agency.objects.filter(government__division__code__in=division_codes).values_list(
            "government__division__code", "name"
        )
    )
    provision_keys: set[str] = set()
    parsed: list[_SubjectRow] = []
    seen_codes: dict[str, int] = {}
    seen_names: dict[tuple[str, str], int] = {}
    for number, v in rows:
        def bad(column: str, message: str, _number: int = number) -> None:
            issues.add(sheet, _number, column, message)

        for column in REQUIRED[sheet]:
            if not _text(v[column]):
                bad(column, _("This column is required."))
        name = _text(v["名称"])
        code = _text(v["统一社会信用代码"])
        if code:
            try:
                code = validate_credit_code(code)
            except IdentifierError as exc:
                bad("统一社会信用代码", str(exc))
                code = ""
        if code:
            if code in seen_codes:
                bad("统一社会信用代码", _same(seen_codes[code]))
            seen_codes.setdefault(code, number)
        kind_text = _text(v["主体类型"])
        kind = KIND_BY_TEXT.get(kind_text)
        if kind_text and kind is None:
            bad("主体类型", _one_of(KIND_TEXT.values()))
        division_code = _text(v["行政区划代码"])
        government = governments.get(division_code)
        if division_code and government is None:
            if division_code in known_divisions:
                bad("行政区划代码", _("This division is outside your data scope."))
            else:
                bad("行政区划代码", _("No division of the platform has this code."))
        if government is not None and name:
            key = (division_code, name)
            if key in taken_names and not (code in existing and existing[code].name == name):
                bad("名称", _("An agency of this name already exists in this division."))
            if key in seen_names:
                bad("名称", _same(seen_names[key]))
            seen_names.setdefault(key, number)
        sector_text = _text(v["执法领域"])
        sector = sectors.get(sector_text) if sector_text else None
        if sector_text and sector is None:
            bad("执法领域", _("No sector of the platform has this name or code."))
        entruster_code = _text(v["委托机关统一社会信用代码"]).upper()
        document = _text(v["委托书"])
        for column, messages in subject_problems(
            kind=kind or "", entrusted_by_id=1 if entruster_code else None,
            entrustment_document=document,
        ).items():
            label = {"entrusted_by": "委托机关统一社会信用代码", "entrustment_document": "委托书"}
            for message in messages:
                bad(label.get(column, column), message)
        if entruster_code and kind != AgencyKind.ENTRUSTED and kind is not None:
            bad(ENTRUSTER, _("Only an entrusted organisation has an entrusting agency."))
        keys = normalise_provision_keys(_text(v["依据条款"]))
        provision_keys.update(keys)
        published = _yes_no(v["是否公示"])
        if published is None:
            bad("是否公示", _("Write 是 or 否."))
        try:
            published_on = _date(v["公示日期"])
        except (ValueError, TypeError):
            bad("公示日期", _("Write a date such as 2024-03-01."))
            published_on = None
        if published and published_on is None:
            published_on = timezone.localdate()
        current = existing.get(code) if code else None
        if current is not None:
            if hasattr(current, "enforcement_subject"):
                bad(CODE, _("This agency is already registered as an enforcement subject."))
            elif current.pk not in visible_ids:
                bad(CODE, _("An agency outside your data scope has this credit code."))
            elif current.name != name or (kind and current.kind != kind) or (
                government is not None and current.government_id != government.pk
            ) or (current.entrusted_by.credit_code if current.entrusted_by else "") != (
                _text(v["委托机关统一社会信用代码"]).upper()
            ):
                bad(
                    "统一社会信用代码",
                    _("The agency with this credit code (%(name)s) is registered with a different "
                      "name, kind, division or entrusting agency.") % {"name": current.name},
                )
        parsed.append(_SubjectRow(
            row=number, name=name, credit_code=code, kind=kind or "", government=government,
            sector=sector, entruster_code=entruster_code, entrustment_document=document,
            qualification_basis=_text(v["执法资格依据"]), basis_provisions=keys,
            domain=_text(v["执法类别"]), area=_text(v["执法区域"]),
            is_published=bool(published), published_on=published_on if published else None,
            existing=current,
        ))
    unknown = set(unknown_provision_keys(sorted(provision_keys)))
    in_file = {r.credit_code: r for r in parsed if r.credit_code}
    for r in parsed:
        for key in r.basis_provisions:
            if key in unknown:
                issues.add(sheet, r.row, "依据条款",
                           _("No provision of the legal library has the key %(keys)s.")
                           % {"keys": key})
        if r.entruster_code:
            try:
                validate_credit_code(r.entruster_code)
            except IdentifierError as exc:
                issues.add(sheet, r.row, "委托机关统一社会信用代码", str(exc))
                continue
            entruster_kind = None
            if r.entruster_code in in_file:
                entruster_kind = in_file[r.entruster_code].kind
            elif r.entruster_code in existing and existing[r.entruster_code].pk in visible_ids:
                entruster_kind = existing[r.entruster_code].kind
            if entruster_kind is None:
                issues.add(sheet, r.row, "委托机关统一社会信用代码",
                           _("No agency in this file or in your data scope has this credit code."))
            elif entruster_kind != AgencyKind.STATUTORY:
                # 《行政处罚法》第二十条: only an administrative organ (行政机关) entrusts.
                issues.add(sheet, r.row, "委托机关统一社会信用代码",
                           _("Only a statutory administrative organ may entrust "
                             "(Administrative Penalty Law art. 20)."))
    return parsed


def _validate_officers(
    rows: list[tuple[int, dict]],
    *,
    user: Any,
    issues: _Issues,
    sectors: dict[str, Sector],
    new_agency_codes: set[str],
    today: date,
) -> list[_OfficerRow]:
    sheet = OFFICER_SHEET
    agency_codes = {_text(v["所属机关统一社会信用代码"]).upper() for _, v in rows} - {""}
    visible = set(
        scoped(Agency.objects.filter(credit_code__in=agency_codes), user).values_list(
            "credit_code", flat=True
        )
    ) if agency_codes else set()
    known = set(
        Agency.objects.filter(credit_code__in=agency_codes).values_list("credit_code", flat=True)
    ) if agency_codes else set()
    parsed: list[_OfficerRow] = []
    seen_ids: dict[str, int] = {}
    seen_numbers: dict[str, int] = {}
    for number, v in rows:
        def bad(column: str, message: str, _number: int = number) -> None:
            issues.add(sheet, _number, column, message)

        for column in REQUIRED[sheet]:
            if not _text(v[column]):
                bad(column, _("This column is required."))
        resident_id = _text(v["身份证号码"])
        if resident_id:
            try:
                resident_id = validate_resident_id(resident_id, today=today)
            except IdentifierError as exc:
                bad("身份证号码", str(exc))
                resident_id = ""
        if resident_id:
            if resident_id in seen_ids:
                bad("身份证号码", _same(seen_ids[resident_id]))
            seen_ids.setdefault(resident_id, number)
        agency_code = _text(v["所属机关统一社会信用代码"]).upper()
        if agency_code and agency_code not in visible and agency_code not in new_agency_codes:
            if agency_code in known:
                bad("所属机关统一社会信用代码", _("This agency is outside your data scope."))
            else:
                bad("所属机关统一社会信用代码",
                    _("No agency in this file or in your data scope has this credit code."))
        auxiliary = _yes_no(v["是否辅助人员"])
        if auxiliary is None:
            bad("是否辅助人员", _("Write 是 or 否."))
        cert_number = _text(v["执法证号"])
        sector_text = _text(v["执法领域"])
        sector = sectors.get(sector_text) if sector_text else None
        issued_on = expires_on = None
        state = ""
        has_certificate_data = any(
            _text(v[c]) for c in OFFICER_HEADERS[4:]
        )
        if auxiliary and has_certificate_data:
            # rulebook §8 [PRAC]: auxiliary staff may not hold an enforcement certificate.
            bad("执法证号", _("Auxiliary staff may not hold an enforcement certificate."))
        elif has_certificate_data and may_hold_certificate(is_auxiliary=bool(auxiliary)):
            if not cert_number:
                bad("执法证号", _("A certificate needs its number."))
            elif cert_number in seen_numbers:
                bad("执法证号", _same(seen_numbers[cert_number]))
            seen_numbers.setdefault(cert_number, number) if cert_number else None
            if len(cert_number) > 32:
                bad("执法证号", _("At most 32 characters."))
            if sector is None:
                bad("执法领域", _("No sector of the platform has this name or code."))
            try:
                issued_on = _date(v["发证日期"])
                if issued_on is None:
                    bad("发证日期", _("This column is required."))
            except (ValueError, TypeError):
                bad("发证日期", _("Write a date such as 2024-03-01."))
            try:
                expires_on = _date(v["有效期至"])
            except (ValueError, TypeError):
                bad("有效期至", _("Write a date such as 2024-03-01."))
            if issued_on and expires_on is None:
                expires_on = default_expiry(issued_on)
            if issued_on and expires_on and expires_on <= issued_on:
                bad("有效期至", _("The expiry date must be later than the issue date."))
            elif expires_on and expires_on < today:
                bad("有效期至",
                    _("This certificate has expired; only valid certificates are loaded."))
            state_text = _text(v["证件状态"]) or "有效"
            state_value = IMPORT_STATE_BY_TEXT.get(state_text)
            if state_value is None:
                bad("证件状态", _one_of(("有效", "暂扣", "已制发")))
            state = state_value.value if state_value else ""
        parsed.append(_OfficerRow(
            row=number, name=_text(v["姓名"]), resident_id=resident_id, agency_code=agency_code,
            is_auxiliary=bool(auxiliary), number=cert_number if state else "", sector=sector,
            area=_text(v["执法区域"])[:128], issuing_body=_text(v["发证机关"])[:128],
            issued_on=issued_on, expires_on=expires_on, state=state,
        ))
        if len(_text(v["姓名"])) > 64:
            bad("姓名", _("At most 64 characters."))
    ids = [r.resident_id for r in parsed if r.resident_id]
    taken = set()
    for start in range(0, len(ids), 2000):
        taken |= set(Officer.objects.filter(resident_id__in=ids[start:start + 2000])
                     .values_list("resident_id", flat=True))
    numbers = [r.number for r in parsed if r.number]
    used = set()
    for start in range(0, len(numbers), 2000):
        used |= set(Certificate.objects.filter(number__in=numbers[start:start + 2000])
                    .values_list("number", flat=True))
    for r in parsed:
        if r.resident_id in taken:
            issues.add(sheet, r.row, "身份证号码",
                       _("An officer with this resident ID is already registered."))
        if r.number in used:
            issues.add(sheet, r.row, "执法证号",
                       _("A certificate with this number already exists."))
    return parsed


# --- import --------------------------------------------------------------------------------------


def registry_import(*, actor: Any, file: Any, today: date | None = None) -> ImportResult:
    """Validate every row of the workbook; write all of it or nothing (see the module doc)."""
    today = today or timezone.localdate()
    issues = _Issues()
    result = ImportResult()
    try:
        workbook = load_workbook(file, read_only=True, data_only=True)
    except Exception:
        issues.add(_("Workbook"), 0, "", _("This file is not an Excel workbook (.xlsx)."))
        result.issues, result.issue_count = issues.items, issues.count
        return result
    try:
        subject_rows = (
            list(_rows(workbook[SUBJECT_SHEET], SUBJECT_HEADERS, issues))
            if SUBJECT_SHEET in workbook.sheetnames else []
        )
        officer_rows = (
            list(_rows(workbook[OFFICER_SHEET], OFFICER_HEADERS, issues))
            if OFFICER_SHEET in workbook.sheetnames else []
        )
    finally:
        workbook.close()
    if SUBJECT_SHEET not in workbook.sheetnames and OFFICER_SHEET not in workbook.sheetnames:
        issues.add(_("Workbook"), 0, "",
                   _("The workbook has neither sheet of the template (%(a)s, %(b)s).")
                   % {"a": SUBJECT_SHEET, "b": OFFICER_SHEET})
    result.rows_read = len(subject_rows) + len(officer_rows)
    if subject_rows and not may_write_subjects(actor):
        issues.add(SUBJECT_SHEET, 0, "", _("Your role may not register enforcement subjects."))
        subject_rows = []
    if officer_rows and not may_import_officers(actor):
        issues.add(OFFICER_SHEET, 0, "", _("Your role may not import officers."))
        officer_rows = []
    if result.rows_read == 0 and not issues.count:
        issues.add(_("Workbook"), 0, "", _("The workbook has no rows to import."))
    sectors = _sector_lookup()
    subjects = _validate_subjects(subject_rows, user=actor, issues=issues, sectors=sectors)
    officers = _validate_officers(
        officer_rows, user=actor, issues=issues, sectors=sectors,
        new_agency_codes={s.credit_code for s in subjects if s.credit_code},
        today=today,
    )
    if issues.count:
        result.issues, result.issue_count = issues.items, issues.count
        return result
    _write(actor=actor, subjects=subjects, officers=officers, result=result)
    return result


AUDIT_BATCH = 500


def _audit_batches(actor: Any, action: str, objects: list[Any], snapshot: Any, *,
                   at: datetime) -> None:
    """One audit entry per 500 records created by an import: it names every record's id and
    keeps the digest of their states (the chain's cost is per entry, ~4 ms, so one entry per
    row would make a 127,000-officer list take a quarter of an hour)."""
    for start in range(0, len(objects), AUDIT_BATCH):
        batch = objects[start:start + AUDIT_BATCH]
        audit_record(
            actor=actor, action=action, at=at,
            after={str(o.pk): snapshot(o) for o in batch},
            detail={"source": "import", "count": len(batch), "ids": [o.pk for o in batch]},
        )


@transaction.atomic
def _write(
    *, actor: Any, subjects: list[_SubjectRow], officers: list[_OfficerRow], result: ImportResult
) -> None:
    now = timezone.now()
    # Agencies first: entrusting organs before the organisations they entrust.
    by_code = {s.existing.credit_code: s.existing for s in subjects if s.existing}
    entruster_codes = {s.entruster_code for s in subjects if s.entruster_code}
    by_code |= {a.credit_code: a for a in Agency.objects.filter(credit_code__in=entruster_codes)}
    new_codes = {s.credit_code for s in subjects if s.existing is None}
    new_plain = [s for s in subjects if s.existing is None and not s.entruster_code]
    new_entrusted = [s for s in subjects if s.existing is None and s.entruster_code]
    for batch in (new_plain, new_entrusted):
        created = Agency.objects.bulk_create(
            [
                Agency(
                    name=s.name, credit_code=s.credit_code, kind=s.kind, sector=s.sector,
                    government=s.government,
                    entrusted_by=by_code[s.entruster_code] if s.entruster_code else None,
                )
                for s in batch
            ],
            batch_size=1000,
        )
        if created and created[0].pk is None:  # a backend that returns no ids
            created = list(Agency.objects.filter(credit_code__in=[a.credit_code for a in created]))
        by_code |= {a.credit_code: a for a in created}
        result.agencies_created += len(created)
    subject_objs = EnforcementSubject.objects.bulk_create(
        [
            EnforcementSubject(
                agency=by_code[s.credit_code], qualification_basis=s.qualification_basis,
                basis_provisions=s.basis_provisions, domain=s.domain[:128], area=s.area[:128],
                entrustment_document=s.entrustment_document[:255], is_published=s.is_published,
                published_on=s.published_on,
            )
            for s in subjects
        ],
        batch_size=1000,
    )
    result.subjects_created = len(subject_objs)
    _audit_batches(actor, "orgs.agency.create", [
        a for a in (subject.agency for subject in subject_objs) if a.credit_code in new_codes
    ], lambda a: {"name": a.name, "credit_code": a.credit_code, "kind": a.kind,
                  "entrusted_by": a.entrusted_by_id}, at=now)
    _audit_batches(actor, "enforcement.subject.create", subject_objs,
                   lambda s: {"agency": s.pk, "is_published": s.is_published}, at=now)
    # Officers, then their certificates with a first event each.
    agency_codes = {o.agency_code for o in officers}
    agencies = {a.credit_code: a for a in Agency.objects.filter(credit_code__in=agency_codes)}
    officer_objs = Officer.objects.bulk_create(
        [
            Officer(name=o.name, resident_id=o.resident_id, agency=agencies[o.agency_code],
                    is_auxiliary=o.is_auxiliary)
            for o in officers
        ],
        batch_size=1000,
    )
    if officer_objs and officer_objs[0].pk is None:
        ids = {o.resident_id: o for o in Officer.objects.filter(
            resident_id__in=[o.resident_id for o in officers])}
        officer_objs = [ids[o.resident_id] for o in officers]
    result.officers_created = len(officer_objs)
    pairs = [(o, obj) for o, obj in zip(officers, officer_objs, strict=True) if o.state]
    certificates = Certificate.objects.bulk_create(
        [
            Certificate(
                officer=obj, number=o.number, sector=o.sector, area=o.area,
                issuing_body=o.issuing_body, issued_on=o.issued_on, expires_on=o.expires_on,
                state=o.state,
            )
            for o, obj in pairs
        ],
        batch_size=1000,
    )
    if certificates and certificates[0].pk is None:
        numbers = {c.number: c for c in Certificate.objects.filter(
            number__in=[o.number for o, _obj in pairs])}
        certificates = [numbers[o.number] for o, _obj in pairs]
    actor_ref = actor if getattr(actor, "pk", None) else None
    note = _("Loaded from the registry workbook (certificate issued before the platform).")
    CertificateEvent.objects.bulk_create(
        [
            CertificateEvent(
                certificate=c, event="issue", from_state="", to_state=c.state, actor=actor_ref,
                at=now, reason=note, basis=BASIS_QUALIFICATION,
            )
            for c in certificates
        ],
        batch_size=1000,
    )
    result.certificates_created = len(certificates)
    _audit_batches(actor, "enforcement.officer.create", officer_objs,
                   lambda o: {"name": o.name, "agency": o.agency_id,
                              "is_auxiliary": o.is_auxiliary}, at=now)
    _audit_batches(actor, "enforcement.certificate.issue", certificates,
                   lambda c: {"state": c.state, "number": c.number,
                              "expires_on": c.expires_on.isoformat()}, at=now)
    audit_record(
        actor=actor, action="enforcement.registry.import", at=now,
        detail={
            "agencies": result.agencies_created, "subjects": result.subjects_created,
            "officers": result.officers_created, "certificates": result.certificates_created,
        },
    )


# --- template and export -------------------------------------------------------------------------


def _workbook_bytes(workbook: Workbook) -> bytes:
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def template_workbook() -> bytes:
    """The empty import workbook: both sheets with their headings and one example note row."""
    workbook = Workbook(write_only=True)
    subjects = workbook.create_sheet(SUBJECT_SHEET)
    subjects.append(list(SUBJECT_HEADERS))
    officers = workbook.create_sheet(OFFICER_SHEET)
    officers.append(list(OFFICER_HEADERS))
    notes = workbook.create_sheet("填写说明")
    for line in (
        ["主体类型填写：法定行政机关、法律法规授权组织、受委托组织。"],
        ["受委托组织须填写委托机关统一社会信用代码和委托书（《行政处罚法》第二十条）。"],
        ["执法领域填写平台的领域名称或代码，如：市场监管 / market。"],
        ["依据条款填写法规库条款键，多个以分号分隔，如：food-safety-law/art-6。"],
        ["是否公示、是否辅助人员填写：是 / 否。辅助人员不得持有执法证。"],
        ["证件状态填写：有效、暂扣、已制发；有效期至不填时按发证日期后6年计。"],
        ["任何一行有错误时，整个文件都不会写入。"],
    ):
        notes.append(line)
    return _workbook_bytes(workbook)


def _subject_cells(s: EnforcementSubject) -> list[Any]:
    a = s.agency
    return [
        a.name, a.credit_code, KIND_TEXT.get(a.kind, a.kind), a.government.division.code,
        a.sector.name if a.sector else "", a.entrusted_by.credit_code if a.entrusted_by else "",
        s.entrustment_document, s.qualification_basis, "; ".join(s.basis_provisions or []),
        s.domain, s.area, "是" if s.is_published else "否",
        s.published_on.isoformat() if s.published_on else "",
    ]


def _officer_cells(o: Officer, *, with_ids: bool) -> list[Any]:
    current = next(
        (c for c in o.certificates.all() if c.state in CURRENT_STATES), None
    )
    cert = (
        [current.number, current.sector.name, current.area, current.issuing_body,
         current.issued_on.isoformat(), current.expires_on.isoformat(),
         STATE_TEXT.get(current.state, current.state)]
        if current else [""] * 7
    )
    return [
        o.name, o.resident_id if with_ids else "", o.agency.credit_code,
        "是" if o.is_auxiliary else "否", *cert,
    ]


def export_workbook(
    *, user: Any, subjects: Iterable[EnforcementSubject] | None,
    officers: Iterable[Officer] | None,
) -> bytes:
    """A workbook of the given (already scoped) subjects and officers, written row by row
    (write-only mode). The resident ID column is left empty unless the user's role needs it."""
    with_ids = may_see_resident_ids(user)
    workbook = Workbook(write_only=True)
    if subjects is not None:
        ws = workbook.create_sheet(SUBJECT_SHEET)
        ws.append(list(SUBJECT_HEADERS))
        for s in subjects:
            ws.append([spreadsheet_safe(v) for v in _subject_cells(s)])
    if officers is not None:
        ws = workbook.create_sheet(OFFICER_SHEET)
        ws.append(list(OFFICER_HEADERS))
        for o in officers:
            ws.append([spreadsheet_safe(v) for v in _officer_cells(o, with_ids=with_ids)])
    return _workbook_bytes(workbook)


def officers_for_export(qs: Any) -> Iterator[Officer]:
    """Iterate a scoped officer queryset in chunks with certificates prefetched."""
    return qs.select_related("agency").prefetch_related(
        Prefetch("certificates",
                 queryset=Certificate.objects.select_related("sector").order_by("-id"))
    ).iterator(chunk_size=2000)


def subjects_for_export(qs: Any) -> Iterator[EnforcementSubject]:
    return qs.select_related(
        "agency__sector", "agency__government__division", "agency__entrusted_by"
    ).iterator(chunk_size=2000)
