"""Vietnamese first: the site speaks Vietnamese unless the user picked English with the language switcher."""

from django.middleware.locale import LocaleMiddleware


class VietnameseFirstLocaleMiddleware(LocaleMiddleware):
    """LocaleMiddleware that ignores the browser's Accept-Language header.

    Many office computers run an English Windows or browser; their officers still expect the Vietnamese UI.
    The language cookie set by the switcher (set_language) is honoured as usual.
    """

    def process_request(self, request):
        accept = request.META.pop("HTTP_ACCEPT_LANGUAGE", None)
        try:
            super().process_request(request)
        finally:
            if accept is not None:
                request.META["HTTP_ACCEPT_LANGUAGE"] = accept
