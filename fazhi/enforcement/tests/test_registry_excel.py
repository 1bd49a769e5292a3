"""Excel import/export of the registry: every row validated, nothing written on any error, bulk
writes with audit entries, scoped exports, and an export that imports back unchanged."""

from __future__ import annotations

import io
from datetime import date
from typing import Any

import pytest
from django.db import transaction
from django.test import Client
from django.urls import reverse
from openpyxl import Workbook, load_workbook

from conftest import make_credit_code
from fazhi.audit.models import AuditEntry
from fazhi.enforcement import excel
from fazhi.enforcement.models import Certificate, CertificateEvent, Officer
from fazhi.enforcement.models.registry import EnforcementSubject
from fazhi.enforcement.services import registry as services
from fazhi.enforcement.tests.conftest import make_resident_id
from fazhi.orgs.models import Agency

TODAY = date(2026, 6, 1)


def subject_row(name: str, code: str, kind: str = "法定行政机关", division: str = "150102",
                **extra: Any) -> list[Any]:
    row = dict.fromkeys(excel.SUBJECT_HEADERS, "")
    row.update({"名称": name, "统一社会信用代码": code, "主体类型": kind, "行政区划代码": division,
                "执法领域": "市场监管", "是否公示": "否"})
    row.update(extra)
    return [row[h] for h in excel.SUBJECT_HEADERS]


def officer_row(name: str, rid: str, agency_code: str, *, auxiliary: str = "否",
                **extra: Any) -> list[Any]:
    row = dict.fromkeys(excel.OFFICER_HEADERS, "")
    row.update({"姓名": name, "身份证号码": rid, "所属机关统一社会信用代码": agency_code,
                "是否辅助人员": auxiliary})
    row.update(extra)
    return [row[h] for h in excel.OFFICER_HEADERS]


def cert(number: str, issued: str = "2024-01-10", **extra: Any) -> dict[str, Any]:
    return {"执法证号": number, "执法领域": "市场监管", "发证日期": issued, **extra}


def workbook(subjects: list[list[Any]] | None = None,
             officers: list[list[Any]] | None = None) -> io.BytesIO:
    wb = Workbook()
    wb.remove(wb.active)
    if subjects is not None:
        ws = wb.create_sheet(excel.SUBJECT_SHEET)
        ws.append(list(excel.SUBJECT_HEADERS))
        for row in subjects:
            ws.append(row)
    if officers is not None:
        ws = wb.create_sheet(excel.OFFICER_SHEET)
        ws.append(list(excel.OFFICER_HEADERS))
        for row in officers:
            ws.append(row)
    buffer = io.BytesIO()
    wb.save(buffer)
    buffer.seek(0)
    return buffer


@pytest.fixture
def supervisor(org_tree: Any, make_user: Any) -> Any:
    return make_user("sup", role="supervisor", scope="region", agency=org_tree.hohhot_market)


def counts() -> tuple[int, int, int, int, int]:
    return (Agency.objects.count(), EnforcementSubject.objects.count(), Officer.objects.count(),
            Certificate.objects.count(), AuditEntry.objects.count())


def test_template_has_both_sheets(client: Client, supervisor: Any) -> None:
    client.force_login(supervisor)
    response = client.get(reverse("enforcement:registry-template"))
    assert response.status_code == 200
    wb = load_workbook(io.BytesIO(response.content))
    assert [c.value for c in wb[excel.SUBJECT_SHEET][1]] == list(excel.SUBJECT_HEADERS)
    assert [c.value for c in wb[excel.OFFICER_SHEET][1]] == list(excel.OFFICER_HEADERS)


def test_valid_file_is_written_in_bulk_with_audit(org_tree: Any, supervisor: Any) -> None:
    sector_office = make_credit_code("150102", 501)
    entrusted = make_credit_code("150102", 502)
    file = workbook(
        subjects=[
            subject_row("新城区农牧局", sector_office, 执法资格依据="三定方案", 是否公示="是",
                        公示日期="2026-05-01"),
            subject_row("新城区动物卫生监督所", entrusted, kind="受委托组织",
                        委托机关统一社会信用代码=sector_office, 委托书="新农牧委〔2026〕1号"),
            # an agency already in the tree becomes a subject
            subject_row("新城区市场监督管理局", org_tree.xincheng_market.credit_code),
        ],
        officers=[
            officer_row("张三", make_resident_id(1), sector_office, **cert("150102-03-0001")),
            officer_row("李四", make_resident_id(2), entrusted,
                        **cert("150102-03-0002", 证件状态="暂扣", 有效期至="2029/12/31")),
            officer_row("王辅", make_resident_id(3), org_tree.xincheng_market.credit_code,
                        auxiliary="是"),
        ],
    )
    before = counts()
    result = excel.registry_import(actor=supervisor, file=file, today=TODAY)
    assert result.ok, [str(i) for i in result.issues]
    assert (result.agencies_created, result.subjects_created, result.officers_created,
            result.certificates_created) == (2, 3, 3, 2)
    after = counts()
    assert after[:4] == (before[0] + 2, before[1] + 3, before[2] + 3, before[3] + 2)
    station = Agency.objects.get(credit_code=entrusted)
    assert station.kind == "entrusted"
    assert station.entrusted_by.credit_code == sector_office
    assert station.enforcement_subject.entrustment_document == "新农牧委〔2026〕1号"
    office = Agency.objects.get(credit_code=sector_office).enforcement_subject
    assert (office.is_published, office.published_on) == (True, date(2026, 5, 1))
    li = Certificate.objects.get(number="150102-03-0002")
    assert (li.state, li.expires_on) == ("suspended", date(2029, 12, 31))
    zhang = Certificate.objects.get(number="150102-03-0001")
    assert (zhang.state, zhang.expires_on) == ("active", date(2030, 1, 9))  # 6 years, decree 96
    assert CertificateEvent.objects.filter(certificate=zhang, event="issue").count() == 1
    assert not Officer.objects.get(name="王辅").certificates.exists()
    entries = list(AuditEntry.objects.order_by("id"))[before[4]:]
    by_action = {e.action: e for e in entries}
    assert [e.action for e in entries] == [
        "orgs.agency.create", "enforcement.subject.create", "enforcement.officer.create",
        "enforcement.certificate.issue", "enforcement.registry.import"]
    assert sorted(by_action["orgs.agency.create"].detail["ids"]) == sorted(
        [station.pk, office.pk])
    assert by_action["enforcement.officer.create"].detail["count"] == 3
    assert set(by_action["enforcement.certificate.issue"].detail["ids"]) == {li.pk, zhang.pk}
    actions = [e.action for e in entries]
    assert actions[-1] == "enforcement.registry.import"


def test_one_bad_row_in_a_hundred_writes_nothing(org_tree: Any, supervisor: Any) -> None:
    code = org_tree.xincheng_market.credit_code
    rows = [officer_row(f"人员{i}", make_resident_id(i), code, **cert(f"N-{i:04d}"))
            for i in range(1, 101)]
    good = rows[51][1]
    rows[51][1] = good[:-1] + ("0" if good[-1] != "0" else "1")  # Excel row 53: check digit
    before = counts()
    result = excel.registry_import(actor=supervisor, file=workbook(officers=rows), today=TODAY)
    assert not result.ok
    assert [str(i) for i in result.issues] == ["执法人员 第53行 身份证号码："
      "公民身份号码的校验码错误。"]
    assert counts() == before


EXISTING_MISMATCH = (
    "执法主体 第2行 统一社会信用代码：该统一社会信用代码的机关（呼和浩特市市场监督管理局）已登记，"
    "但名称、主体类型、行政区划或委托机关与本行不一致。"
)
ERROR_CASES = [
    # (subjects, officers, expected issue text fragments in order)
    ("bad credit code",
     lambda o: ([subject_row("甲", "911101087336004389")], None),
     ["执法主体 第2行 统一社会信用代码：统一社会信用代码的校验码错误。"]),
    ("duplicate code in file",
     lambda o: ([subject_row("甲", make_credit_code("150102", 601)),
                 subject_row("乙", make_credit_code("150102", 601))], None),
     ["执法主体 第3行 统一社会信用代码：与本文件第2行重复。"]),
    ("already a subject",
     lambda o: ([subject_row("新城区市场监督管理局", o.xincheng_market.credit_code)], None),
     ["执法主体 第2行 统一社会信用代码：该机关已登记为执法主体。"]),
    ("existing agency under another name",
     lambda o: ([subject_row("别名局", o.hohhot_market.credit_code, division="150100")], None),
     [EXISTING_MISMATCH]),
    ("existing statutory agency listed as entrusted",
     lambda o: ([subject_row("呼和浩特市市场监督管理局", o.hohhot_market.credit_code,
                             division="150100", kind="受委托组织",
                             委托机关统一社会信用代码=o.xincheng_market.credit_code,
                             委托书="某委托书")], None),
     [EXISTING_MISMATCH]),
    ("unknown division",
     lambda o: ([subject_row("甲", make_credit_code("150102", 602), division="159999")], None),
     ["执法主体 第2行 行政区划代码：平台没有此行政区划代码。"]),
    ("entrusted without entruster",
     lambda o: ([subject_row("甲", make_credit_code("150102", 603), kind="受委托组织",
                             委托书="某委托书")], None),
     ["执法主体 第2行 委托机关统一社会信用代码："
      "受委托组织必须写明委托机关（《行政处罚法》第二十条）。"]),
    ("entruster not an organ",
     lambda o: ([subject_row("甲", make_credit_code("150102", 604), kind="法律法规授权组织"),
                 subject_row("乙", make_credit_code("150102", 605), kind="受委托组织",
                             委托机关统一社会信用代码=make_credit_code("150102", 604),
                             委托书="某委托书")], None),
     ["执法主体 第3行 委托机关统一社会信用代码："
      "只有法定行政机关可以委托（《行政处罚法》第二十条）。"]),
    ("unknown sector",
     lambda o: ([subject_row("甲", make_credit_code("150102", 606), 执法领域="星际航行")], None),
     ["执法主体 第2行 执法领域：平台没有此名称或代码的执法领域。"]),
    ("unknown agency",
     lambda o: (None, [officer_row("张三", make_resident_id(1), make_credit_code("150102", 607))]),
     ["执法人员 第2行 所属机关统一社会信用代码："
      "本文件和您的数据范围内都没有此统一社会信用代码的机关。"]),
    ("duplicate resident id in file",
     lambda o: (None, [officer_row("张三", make_resident_id(1), o.xincheng_market.credit_code),
                       officer_row("张叁", make_resident_id(1), o.xincheng_market.credit_code)]),
     ["执法人员 第3行 身份证号码：与本文件第2行重复。"]),
    ("auxiliary with certificate",
     lambda o: (None, [officer_row("王辅", make_resident_id(1), o.xincheng_market.credit_code,
                                   auxiliary="是", **cert("X-1"))]),
     ["执法人员 第2行 执法证号：辅助人员不得持有行政执法证。"]),
    ("expired certificate",
     lambda o: (None, [officer_row("张三", make_resident_id(1), o.xincheng_market.credit_code,
                                   **cert("X-1", "2018-01-01", 有效期至="2023-12-31"))]),
     ["执法人员 第2行 有效期至：该证件已过有效期，只导入有效证件。"]),
    ("bad date",
     lambda o: (None, [officer_row("张三", make_resident_id(1), o.xincheng_market.credit_code,
                                   **cert("X-1", "去年"))]),
     ["执法人员 第2行 发证日期：请填写日期，如 2024-03-01。"]),
    ("missing name and bad yes/no",
     lambda o: (None, [officer_row("", make_resident_id(1), o.xincheng_market.credit_code,
                                   auxiliary="也许")]),
     ["执法人员 第2行 姓名：必填。", "执法人员 第2行 是否辅助人员：请填写“是”或“否”。"]),
]


@pytest.mark.parametrize(("label", "build", "expected"), ERROR_CASES,
                         ids=[c[0] for c in ERROR_CASES])
def test_row_errors(label: str, build: Any, expected: list[str], org_tree: Any,
                    supervisor: Any) -> None:
    services.subject_create(actor=None, agency=org_tree.xincheng_market)
    subjects, officers = build(org_tree)
    before = counts()
    result = excel.registry_import(actor=supervisor, file=workbook(subjects, officers),
                                   today=TODAY)
    assert [str(i) for i in result.issues] == expected
    assert counts() == before


def test_duplicates_against_the_database(org_tree: Any, supervisor: Any, make_officer: Any,
                                         sector: Any) -> None:
    existing = make_officer("张三")
    c = services.certificate_apply(actor=None, officer=existing, sector=sector)
    c = services.certificate_pass_exam(actor=None, certificate=c)
    services.certificate_issue(actor=None, certificate=c, number="DUP-1",
                               issued_on=date(2025, 1, 1))
    code = org_tree.xincheng_market.credit_code
    result = excel.registry_import(actor=supervisor, file=workbook(officers=[
        officer_row("张三", existing.resident_id, code),
        officer_row("李四", make_resident_id(50), code, **cert("DUP-1")),
    ]), today=TODAY)
    assert [str(i) for i in result.issues] == [
        "执法人员 第2行 身份证号码：该身份证号码的执法人员已登记。",
        "执法人员 第3行 执法证号：该证号的执法证已存在。",
    ]


def test_scope_limits_what_may_be_imported(org_tree: Any, make_user: Any) -> None:
    leader = make_user("lead", role="agency_leader", scope="agency",
                       agency=org_tree.xincheng_market)
    hohhot = make_user("hsup", role="supervisor", scope="division", division=org_tree.hohhot,
                       agency=org_tree.hohhot_market)
    file = workbook(officers=[officer_row("张三", make_resident_id(1),
                                          org_tree.baotou_market.credit_code)])
    result = excel.registry_import(actor=leader, file=file, today=TODAY)
    assert [str(i) for i in result.issues] == [
        "执法人员 第2行 所属机关统一社会信用代码：该机关不在您的数据范围内。"]
    result = excel.registry_import(
        actor=hohhot, file=workbook([subject_row("甲", make_credit_code("150202", 9),
                                                 division="150202")]), today=TODAY)
    assert [str(i) for i in result.issues] == [
        "执法主体 第2行 行政区划代码：该行政区划不在您的数据范围内。"]
    # agency leaders load officers, not subjects
    result = excel.registry_import(
        actor=leader, file=workbook([subject_row("甲", make_credit_code("150102", 9))]),
        today=TODAY)
    assert [str(i) for i in result.issues] == ["执法主体: 您的角色不能登记执法主体。"]


def test_not_a_workbook_and_wrong_headings(supervisor: Any) -> None:
    result = excel.registry_import(actor=supervisor, file=io.BytesIO(b"not a zip"), today=TODAY)
    assert not result.ok
    assert "Excel" in str(result.issues[0])
    wb = Workbook()
    wb.active.title = excel.OFFICER_SHEET
    wb.active.append(["名字", "身份证"])
    buffer = io.BytesIO()
    wb.save(buffer)
    buffer.seek(0)
    result = excel.registry_import(actor=supervisor, file=buffer, today=TODAY)
    assert len(result.issues) == 1
    assert "第1行" in str(result.issues[0])


def _seed_registry(org_tree: Any, sector: Any) -> None:
    """Subjects and officers created through the services, as the Department would by hand."""
    from fazhi.orgs.services import agency_create

    organ = agency_create(actor=None, name="新城区交通运输局", credit_code=make_credit_code(
        "150102", 700), kind="statutory", government=org_tree.xincheng_market.government,
        sector=sector)
    station = agency_create(actor=None, name="=新城区运输站", credit_code=make_credit_code(
        "150102", 701), kind="entrusted", government=org_tree.xincheng_market.government,
        sector=sector, entrusted_by=organ)
    services.subject_create(actor=None, agency=organ, qualification_basis="《道路运输条例》",
                            domain="交通运输", area="新城区")
    subject = services.subject_create(actor=None, agency=station,
                                      entrustment_document="新交委〔2026〕2号")
    services.subject_publish(actor=None, subject=subject, on=date(2026, 4, 1))
    for i, (name, agency, aux) in enumerate(
        [("张三", organ, False), ("李四", station, False), ("王辅", organ, True)], start=1
    ):
        officer = services.officer_create(actor=None, name=name, resident_id=make_resident_id(i),
                                          agency=agency, is_auxiliary=aux)
        if not aux:
            c = services.certificate_apply(actor=None, officer=officer, sector=sector,
                                           area="新城区", issuing_body="内蒙古自治区人民政府")
            c = services.certificate_pass_exam(actor=None, certificate=c)
            c = services.certificate_issue(actor=None, certificate=c, number=f"RT-{i}",
                                           issued_on=date(2025, 3, 1))
            services.certificate_activate(actor=None, certificate=c)


def _snapshot() -> tuple[list, list]:
    subjects = sorted(
        (s.agency.name, s.agency.credit_code, s.agency.kind, s.agency.government_id,
         s.agency.sector_id, s.agency.entrusted_by.credit_code if s.agency.entrusted_by else "",
         s.qualification_basis, s.domain, s.area, s.entrustment_document, s.is_published,
         s.published_on)
        for s in EnforcementSubject.objects.select_related("agency__entrusted_by")
        .exclude(agency__name__endswith="市场监督管理局")
    )
    officers = sorted(
        (o.name, o.resident_id, o.agency.credit_code, o.is_auxiliary,
         [(c.number, c.sector_id, c.area, c.issuing_body, c.issued_on, c.expires_on, c.state)
          for c in o.certificates.all()])
        for o in Officer.objects.select_related("agency").prefetch_related("certificates")
    )
    return subjects, officers


def _export(client: Client, what: str) -> bytes:
    response = client.get(reverse("enforcement:registry-export"), {"what": what})
    assert response.status_code == 200
    return response.content


def test_round_trip_export_then_import(org_tree: Any, supervisor: Any, sector: Any) -> None:
    client = Client()
    client.force_login(supervisor)
    with transaction.atomic():
        _seed_registry(org_tree, sector)
        expected = _snapshot()
        subjects_xlsx, officers_xlsx = _export(client, "subjects"), _export(client, "officers")
        transaction.set_rollback(True)
    assert not Officer.objects.exists()
    # one workbook with both exported sheets
    wb = Workbook()
    wb.remove(wb.active)
    for content, sheet in ((subjects_xlsx, excel.SUBJECT_SHEET),
                           (officers_xlsx, excel.OFFICER_SHEET)):
        source = load_workbook(io.BytesIO(content))[sheet]
        target = wb.create_sheet(sheet)
        for row in source.iter_rows(values_only=True):
            target.append(list(row))
    assert wb[excel.SUBJECT_SHEET].cell(row=2, column=1).value in {"新城区交通运输局",
                                                                  "'=新城区运输站"}
    buffer = io.BytesIO()
    wb.save(buffer)
    buffer.seek(0)
    result = excel.registry_import(actor=supervisor, file=buffer)
    assert result.ok, [str(i) for i in result.issues]
    assert _snapshot() == expected


def test_export_respects_scope_and_role(org_tree: Any, make_user: Any, make_officer: Any) -> None:
    make_officer("新城人", agency=org_tree.xincheng_market)
    baotou = make_officer("包头人", agency=org_tree.baotou_market)
    for user, sees_baotou, sees_ids in [
        (make_user("r", role="supervisor", scope="region", agency=org_tree.hohhot_market),
         True, True),
        (make_user("h", role="supervisor", scope="division", division=org_tree.hohhot,
                   agency=org_tree.hohhot_market), False, True),
        (make_user("o", role="officer", scope="agency", agency=org_tree.xincheng_market),
         False, False),
    ]:
        client = Client()
        client.force_login(user)
        rows = list(load_workbook(io.BytesIO(_export(client, "officers")))[excel.OFFICER_SHEET]
                    .iter_rows(values_only=True))[1:]
        names = {r[0] for r in rows}
        assert "新城人" in names
        assert ("包头人" in names) == sees_baotou
        ids = {r[1] for r in rows} - {None, ""}
        assert bool(ids) == sees_ids
        assert baotou.resident_id not in ids or sees_baotou
    assert AuditEntry.objects.filter(action="enforcement.registry.export").count() == 3


def test_upload_page(org_tree: Any, supervisor: Any, make_user: Any) -> None:
    client = Client()
    client.force_login(supervisor)
    url = reverse("enforcement:registry-import")
    assert client.get(url).status_code == 200
    bad = workbook(officers=[officer_row("张三", "150102198001010011",
                                         org_tree.xincheng_market.credit_code)])
    bad.name = "officers.xlsx"
    response = client.post(url, {"file": bad})
    assert response.status_code == 400
    assert "第2行 身份证号码：公民身份号码的校验码错误。" in response.content.decode()
    good = workbook(officers=[officer_row("张三", make_resident_id(1),
                                          org_tree.xincheng_market.credit_code)])
    good.name = "officers.xlsx"
    response = client.post(url, {"file": good})
    assert response.status_code == 200
    assert response.context["result"].officers_created == 1
    officer_client = Client()
    officer_client.force_login(make_user("o", role="officer", scope="agency",
                                         agency=org_tree.xincheng_market))
    assert officer_client.get(url).status_code == 403
    assert officer_client.post(url, {"file": good}).status_code == 403
