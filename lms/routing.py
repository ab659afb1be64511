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
    counts with its source page's restrictions, never its own."""

    def get_view_restrictions(self):
        from django.db.models import Q
        from wagtail.models import PageViewRestriction

        paths = [self.path[:end] for end in range(self.steplen, len(self.path) + 1, self.steplen)]
        return PageViewRestriction.objects.filter(
            Q(page__path__in=paths, page__alias_of__isnull=True) | Q(page__aliases__path__in=paths)
        ).distinct()
