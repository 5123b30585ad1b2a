"""Static files storage: WhiteNoise's compressed files, gzip only.

Where ``brotli`` is installed (another package may bring it), WhiteNoise brotli-compresses
every static file at the highest quality on each ``collectstatic``: minutes over the API docs' scripts
at every ``huikuan serve``. Gzip is enough for an intranet application.
"""

from __future__ import annotations

from typing import Any

from whitenoise.compress import Compressor
from whitenoise.storage import CompressedStaticFilesStorage


class GzipStaticFilesStorage(CompressedStaticFilesStorage):
    def create_compressor(self, **kwargs: Any) -> Compressor:
        return Compressor(use_brotli=False, **kwargs)
