"""Every id in the project's URLs goes through `<id:…>` (lms.converters.IdConverter): a 30-digit id is a 404."""

import pytest
from django.urls import URLPattern, URLResolver, get_resolver
from django.urls.converters import IntConverter

from lms.converters import IdConverter

PROJECT_MODULES = ("people", "courses", "assessments", "certificates", "dashboards", "lms")


def _patterns(resolver, converters=()):
    for entry in resolver.url_patterns:
        found = tuple(converters) + tuple(entry.pattern.converters.values())
        if isinstance(entry, URLResolver):
            yield from _patterns(entry, found)
        elif isinstance(entry, URLPattern):
            yield entry, found


def _is_ours(pattern: URLPattern) -> bool:
    module = getattr(pattern.callback, "__module__", "") or ""
    return module.split(".")[0] in PROJECT_MODULES


def test_no_url_of_the_project_takes_an_unbounded_int():
    ours = [(p, c) for p, c in _patterns(get_resolver()) if _is_ours(p)]
    assert len(ours) > 40
    unbounded = [str(p.pattern) for p, convs in ours if any(type(c) is IntConverter for c in convs)]
    assert unbounded == []
    assert any(isinstance(c, IdConverter) for _, convs in ours for c in convs)


@pytest.mark.django_db
@pytest.mark.parametrize("url", [
    "/kiem-tra/lan-lam/{n}/ket-qua/",
    "/hoc-tap/khoa-hoc/{n}/dang-ky/",
    "/hoc-tap/bai-hoc/{n}/thoi-gian/",
    "/chung-nhan/{n}/tai-ve/",
    "/quan-ly/nang-luc/{n}/",
    "/quan-ly/can-bo/{n}/nang-luc/",
    "/admin/essay-marking/{n}/",
    "/admin/snippets/people/officer/edit/{n}/",
    "/admin/certificates/issued/inspect/{n}/",
])
def test_a_thirty_digit_id_is_a_404(client, django_user_model, url):
    admin = django_user_model.objects.create_superuser("root30", "root30@example.vn", "x-Strong-pass-1")
    client.force_login(admin)
    assert client.get(url.format(n="9" * 30)).status_code == 404
    assert client.get(url.format(n="9" * 18)).status_code in (302, 403, 404, 405)
