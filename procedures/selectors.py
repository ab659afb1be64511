"""Reads of procedures/: which legal documents a free-text citation names."""

from __future__ import annotations

import re

from .models import LegalDocument

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
