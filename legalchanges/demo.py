"""Demo legal change: the Personal Data Protection Law, Luật 91/2025/QH15 (in force 01/01/2026), for CN05
"An toàn thông tin và dữ liệu cá nhân" — recorded, not applied, so that administrators open its impact preview
(officers trained on data protection before 2026 must retrain) and apply it. The reported amendment of NĐ 118,
NĐ 367/2025/NĐ-CP, is not used: its number, dates and articles could not be confirmed (see
procedures/data/legal_documents.csv)."""

import datetime as dt

from people.models import Competency
from procedures.models import LegalDocument, Procedure

from .models import LegalChange

DOCUMENT = "91/2025/QH15"
EFFECTIVE_ON = dt.date(2026, 1, 1)
COMPETENCIES = ("CN05",)
PROCEDURES = ()


def seed(*, stdout=None) -> None:
    document = LegalDocument.objects.filter(number=DOCUMENT).first()
    if document is None:
        if stdout is not None:
            stdout.write(f"  Bỏ qua thay đổi pháp luật mẫu: chưa có văn bản {DOCUMENT}.")
        return
    change, created = LegalChange.objects.get_or_create(
        document=document, effective_on=EFFECTIVE_ON,
        defaults={"grace_days": 90, "note": "Luật Bảo vệ dữ liệu cá nhân có hiệu lực từ 01/01/2026: dữ liệu cá nhân "
                                            "cơ bản và nhạy cảm, sự đồng ý của chủ thể dữ liệu, quyền của chủ thể."})
    if created:
        change.competencies.set(Competency.objects.filter(code__in=COMPETENCIES))
        change.procedures.set(Procedure.objects.filter(code__in=PROCEDURES))
    if stdout is not None:
        state = "đã áp dụng" if change.is_applied else "chưa áp dụng, xem trước tác động trong trang quản trị"
        stdout.write(f"Thay đổi pháp luật mẫu: {change} ({state})")
