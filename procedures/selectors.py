"""Reads of procedures/: which legal documents a free-text citation names; the field competencies."""

from __future__ import annotations

import re
from dataclasses import dataclass

from django.utils.functional import Promise

from people.models import Competency

from .models import FIELD_COMPETENCY_CODES, LegalDocument, Procedure

StrOrPromise = str | Promise

#: "NĐ 118/2025/NĐ-CP, Điều 5", "Nghị định 61/2018", "TT 03/2025/TT-VPCP", "Luật 80/2025/QH15", "296/QĐ-VPCP".
_NUMBER = re.compile(r"(\d{1,4})/(\d{4}|QĐ-[A-Z]+)", re.ASCII | re.IGNORECASE)


def _key(number: str) -> str:
    match = _NUMBER.search(number)
    return f"{match.group(1).lstrip('0') or '0'}/{match.group(2).upper()}" if match else ""


def documents_cited_in(text: str, documents: list[LegalDocument] | None = None) -> list[LegalDocument]:
    """The legal documents a citation text names, matched on "number/year" (leading zeros ignored): "NĐ 61/2018"
    and "Nghị định 61/2018/NĐ-CP" both name 61/2018/NĐ-CP. Pass `documents` to match several texts against one
    read of the list. Two documents with the same number and year (a decree and a circular) are both returned."""
    wanted = {f"{m.group(1).lstrip('0') or '0'}/{m.group(2).upper()}" for m in _NUMBER.finditer(text or "")}
    if not wanted:
        return []
    documents = documents if documents is not None else list(LegalDocument.objects.all())
    return [d for d in documents if _key(d.number) in wanted]


@dataclass(frozen=True)
class FieldCompetency:
    """A field (lĩnh vực) of the catalogue and the competency that stands for it."""

    field: str
    label: StrOrPromise  # the field's name, translated when rendered
    competency: Competency


def field_competencies() -> list[FieldCompetency]:
    """The fields that have an active field competency (FIELD_COMPETENCY_CODES), in the catalogue's field order;
    one query."""
    found = {c.code: c for c in Competency.objects.filter(code__in=FIELD_COMPETENCY_CODES.values(), is_active=True)}
    return [FieldCompetency(field=value, label=label, competency=found[FIELD_COMPETENCY_CODES[value]])
            for value, label in Procedure.Field.choices
            if value in FIELD_COMPETENCY_CODES and FIELD_COMPETENCY_CODES[value] in found]

