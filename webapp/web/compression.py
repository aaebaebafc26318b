"""Response compression (brotli or gzip) for pages and static files."""

from __future__ import annotations

from flask import Response
from flask_compress import Compress


class ClosingCompress(Compress):
    """Flask-Compress, closing the static file it read once the compressed copy replaced it.

    Flask-Compress reads a `send_file` body with `get_data()` and swaps in the compressed bytes,
    leaving the original file handle to the garbage collector; this closes it at once.
    """

    def after_request(self, response: Response | None) -> Response:
        original = response.response if response is not None else None
        compressed: Response = super().after_request(response)
        if original is not None and compressed.response is not original:
            close = getattr(original, "close", None)
            if callable(close):
                close()
        return compressed
