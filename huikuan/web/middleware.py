"""The interface language: Chinese unless the user chose English with the language switch.

Django's ``LocaleMiddleware`` would follow the browser's ``Accept-Language``, so an English
browser in a Chinese finance team got English pages, although Chinese is the default. The
pages follow only the switch's cookie; the API (``/api/``) still honours ``Accept-Language``,
which a program sends on purpose.
"""

from __future__ import annotations

from django.conf import settings
from django.middleware.locale import LocaleMiddleware
from django.utils import translation
from django.utils.translation import check_for_language, get_supported_language_variant

API_PREFIX = "/api/"


class ChineseFirstLocaleMiddleware(LocaleMiddleware):
    def process_request(self, request) -> None:
        if request.path.startswith(API_PREFIX):
            super().process_request(request)
            return
        chosen = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME)
        language = settings.LANGUAGE_CODE
        if chosen and check_for_language(chosen):
            try:
                language = get_supported_language_variant(chosen)
            except LookupError:
                language = settings.LANGUAGE_CODE
        translation.activate(language)
        request.LANGUAGE_CODE = translation.get_language()
