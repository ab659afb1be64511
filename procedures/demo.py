"""Demo data of the procedures app: the legal documents and the starter procedure catalogue (data files)."""

from . import services


def seed(*, stdout=None) -> None:
    created, updated = services.legal_documents_load()
    result = services.catalogue_load()
    if stdout is not None:
        stdout.write(f"Văn bản pháp luật: {created} tạo mới, {updated} cập nhật; thủ tục hành chính: "
                     f"{result.created} tạo mới, {result.updated} cập nhật, {result.unchanged} không đổi.")
