"""Writes of the procedures app: the legal-document list and the starter catalogue from the data files."""

from __future__ import annotations

import csv
from pathlib import Path

from django.db import transaction

from lms.imports import parse_date
from people.text import fold, normalize_text

from .imports import STATUSES, procedures_import
from .models import LegalDocument

DATA = Path(__file__).resolve().parent / "data"
LEGAL_DOCUMENTS_FILE = DATA / "legal_documents.csv"
PROCEDURES_FILE = DATA / "procedures.csv"


def _numbers(text: str) -> list[str]:
    return [n for n in (normalize_text(part) for part in (text or "").split(";")) if n]


@transaction.atomic
def legal_documents_load(*, path: Path = LEGAL_DOCUMENTS_FILE) -> tuple[int, int]:
    """Create or update the legal documents of a data file (by number) and their replaces / amends links.
    Returns (created, updated). Running it again with the same file changes nothing."""
    with path.open(encoding="utf-8-sig", newline="") as handle:
        rows = list(csv.DictReader(handle))
    created = updated = 0
    documents: dict[str, LegalDocument] = {}
    for row in rows:
        values = {
            "kind": normalize_text(row["Loại"]), "title": normalize_text(row["Trích yếu"]),
            "issued_on": parse_date(row["Ngày ban hành"]), "effective_on": parse_date(row["Ngày hiệu lực"]),
            "status": STATUSES[fold(row["Tình trạng"])], "ended_on": parse_date(row["Hết hiệu lực từ"]),
            "is_confirmed": fold(row["Đã xác minh"]) == "co", "source": normalize_text(row["Nguồn"])[:500],
        }
        number = normalize_text(row["Số hiệu"])
        document = LegalDocument.objects.filter(number=number).first()
        if document is None:
            document = LegalDocument(number=number, **values)
            document.full_clean()
            document.save()
            created += 1
        elif any(getattr(document, k) != v for k, v in values.items()):
            for name, value in values.items():
                setattr(document, name, value)
            document.full_clean()
            document.save()
            updated += 1
        documents[number] = document
    for row in rows:
        document = documents[normalize_text(row["Số hiệu"])]
        document.replaces.set([documents[n] for n in _numbers(row["Thay thế"])])
        document.amends.set([documents[n] for n in _numbers(row["Sửa đổi"])])
    return created, updated


def catalogue_load(*, path: Path = PROCEDURES_FILE):
    """The starter catalogue (procedures/data/procedures.csv) through the import (by national code)."""
    return procedures_import(data=path.read_bytes(), filename=path.name)
