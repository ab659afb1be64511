"""Page routing in two queries instead of two per level of the tree.

Wagtail routes a URL by walking it: the site's root page looks up its child by slug, loads that child's specific
page, which looks up its own child, and so on — two queries per level, eight for a quiz four levels down (course
→ module → quiz), on every request to a quiz at 8:00. `DirectRouteMixin.route` (on the site's root page) looks
the whole path up at once by Wagtail's own stored `url_path` (narrowed by the indexed slug of its last segment),
loads that one page's specific object, and hands it what is left to route. A path that is not a page's URL — a
sub-route of a routable page, an unknown slug — falls back to Wagtail's walk, so 404s and sub-routes behave as
before. Live status and view restrictions are checked exactly as before: `route()` of the page found checks
`live`, Wagtail's `before_serve_page` hook the restrictions of the page and its ancestors.
"""

from wagtail.models import Page


class DirectRouteMixin:
    def route(self, request, path_components):
        if path_components:
            url_path = self.url_path + "/".join(path_components) + "/"
            found = (Page.objects.filter(slug=path_components[-1], url_path=url_path, path__startswith=self.path)
                     .order_by("path").first())
            if found is not None:
                return found.specific.route(request, [])
        return super().route(request, path_components)


class PathViewRestrictionsMixin:
    """The view restrictions of a page and its ancestors in one query (Wagtail's takes two: the ancestors, then
    their restrictions). Ancestors are the prefixes of the page's tree `path`; as in Wagtail, an alias ancestor
    counts with its source page's restrictions, never its own.

    Iterated as it is (Wagtail's before_serve_page check, on every page request), the queryset comes with its
    rows from the shared cache under the page tree's version (`pages_version`, which every restriction saved or
    deleted, or its groups changed, retires); any refinement of it (`.exists()`, `.order_by()` in the admin)
    is a new query as before."""

    def get_view_restrictions(self):
        from django.core.cache import cache
        from django.db.models import Q
        from wagtail.models import PageViewRestriction

        paths = [self.path[:end] for end in range(self.steplen, len(self.path) + 1, self.steplen)]
        queryset = PageViewRestriction.objects.filter(
            Q(page__path__in=paths, page__alias_of__isnull=True) | Q(page__aliases__path__in=paths)
        ).distinct()
        key = f"lms:restrictions:{pages_version()}:{self.path}"
        rows = cache.get(key)
        if rows is None:
            rows = list(queryset)
            cache.set(key, rows, ROUTE_CACHE_SECONDS)
        queryset._result_cache = rows
        queryset._prefetch_done = True
        return queryset


# --- The site and the routed page from the shared cache ----------------------------------------------------

ROUTE_CACHE_SECONDS = 300  # only bounds memory and any change a signal missed: every page or site write retires all
_VERSION_KEY = "lms:pages:version"


def pages_version() -> str:
    """The version of the page tree and sites in the shared cache: every saved, moved, published, unpublished or
    deleted page and every site or view restriction change starts a new one, so no process serves a page as it
    was before."""
    from .versions import cache_version

    return cache_version(_VERSION_KEY)


def bump_pages_version(**_kwargs) -> None:
    from .versions import cache_version_bump

    cache_version_bump(_VERSION_KEY)


class CachedRouteMiddleware:
    """Wagtail's site lookup and page routing from the shared cache (CACHE_URL).

    Every request to a page asks PostgreSQL for its site (one query with a CASE on host and port), the site's root
    page, and the page routed to (DirectRouteMixin: two more) — the same answer for a thousand officers opening the
    quiz at 8:00. This middleware keeps the site (with its root page) and each routed page, by host, port and
    path, under `pages_version()`; Wagtail's `serve` then finds both on the request (`_wagtail_site`,
    `_wagtail_route_for_request`, which Wagtail itself caches there) and reads neither. The page found still
    goes through its own `route(request, [])` (the `live` check) and Wagtail's `before_serve_page` hooks (view
    restrictions, read from the database each time). Only a plain page route is kept: a 404 or a route with
    arguments is left to Wagtail each time."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        from django.core.cache import cache
        from django.http import Http404
        from django.http.request import split_domain_port
        from wagtail.models import Site
        from wagtail.views import serve

        if view_func is not serve:
            return None
        path = view_kwargs.get("path", view_args[0] if view_args else "")
        hostname = split_domain_port(request._get_raw_host())[0]
        port = request.get_port()
        version = pages_version()
        site_key = f"lms:site:{version}:{hostname}:{port}"
        route_key = f"lms:route:{version}:{hostname}:{port}:{path}"
        found = cache.get_many([site_key, route_key])
        site = found.get(site_key)
        if site is None:
            site = Site.find_for_request(request)
            if site is None:
                return None
            site.root_page.localized.specific  # noqa: B018 — loaded now, kept with the site
            cache.set(site_key, site, ROUTE_CACHE_SECONDS)
        request._wagtail_site = site
        page = found.get(route_key)
        try:
            if page is not None:
                request._wagtail_route_for_request = page.route(request, [])
                return None
            components = [c for c in path.split("/") if c]
            result = site.root_page.localized.specific.route(request, components)
        except Http404:
            return None  # Wagtail routes it again and answers 404
        request._wagtail_route_for_request = result
        if result is not None and isinstance(result.page, Page) and not result.args and not result.kwargs:
            cache.set(route_key, result.page, ROUTE_CACHE_SECONDS)
        return None


def connect_route_cache_signals() -> None:
    from django.db.models.signals import post_delete, post_save
    from wagtail.models import Site, get_page_models
    from wagtail.signals import page_published, page_unpublished, post_page_move

    # Per page model, never for every model: a post_delete receiver for all senders would make Django fetch the
    # rows of every queryset .delete() (to send the signal) instead of one DELETE.
    for model in {Page, *get_page_models()}:
        post_save.connect(bump_pages_version, sender=model, dispatch_uid=f"lms.routing.saved.{model._meta.label}")
        post_delete.connect(bump_pages_version, sender=model,
                            dispatch_uid=f"lms.routing.deleted.{model._meta.label}")
    for signal, uid in ((page_published, "published"), (page_unpublished, "unpublished"),
                        (post_page_move, "moved")):
        signal.connect(bump_pages_version, dispatch_uid=f"lms.routing.page_{uid}")
    from django.db.models.signals import m2m_changed
    from wagtail.models import PageViewRestriction

    post_save.connect(bump_pages_version, sender=PageViewRestriction, dispatch_uid="lms.routing.restriction_saved")
    post_delete.connect(bump_pages_version, sender=PageViewRestriction,
                        dispatch_uid="lms.routing.restriction_deleted")
    m2m_changed.connect(bump_pages_version, sender=PageViewRestriction.groups.through,
                        dispatch_uid="lms.routing.restriction_groups")
    post_save.connect(bump_pages_version, sender=Site, dispatch_uid="lms.routing.site_saved")
    post_delete.connect(bump_pages_version, sender=Site, dispatch_uid="lms.routing.site_deleted")
