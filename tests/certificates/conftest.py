import pytest

from tests.certificates.factories import CertificateTemplateFactory, CompetencyFactory, make_course


@pytest.fixture
def competencies(db):
    return [CompetencyFactory(code="NV04", name_vi="Tiếp nhận, kiểm tra hồ sơ"),
            CompetencyFactory(code="GT02", name_vi="Giao tiếp, ứng xử với người dân")]


@pytest.fixture
def course(competencies):
    return make_course(title="Tiếp nhận và trả kết quả theo Nghị định 118/2025/NĐ-CP", validity_months=24,
                       competencies=[(competencies[0], 2), (competencies[1], 1)])


@pytest.fixture
def default_template(db):
    return CertificateTemplateFactory(name="Mặc định", is_default=True, signer_name="Trần Thị Minh Châu")
