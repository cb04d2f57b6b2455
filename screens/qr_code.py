"""A QR code drawn with half-block characters, two modules per character cell."""

from __future__ import annotations

from textual.widgets import Static


def qr_lines(data: str, *, border: int = 2) -> list[str]:
    """The QR code of *data* as text lines (dark modules drawn, light ones blank)."""
    import qrcode  # deferred: only the confirmation screen draws codes

    qr = qrcode.QRCode(border=border, error_correction=qrcode.constants.ERROR_CORRECT_M)
    qr.add_data(data)
    qr.make(fit=True)
    matrix = qr.get_matrix()
    if len(matrix) % 2:
        matrix.append([False] * len(matrix[0]))
    glyphs = {(False, False): " ", (True, False): "▀", (False, True): "▄", (True, True): "█"}
    return [
        "".join(glyphs[(top, bottom)] for top, bottom in zip(upper, lower, strict=True))
        for upper, lower in zip(matrix[::2], matrix[1::2], strict=True)
    ]


class QRCode(Static):
    """Shows *data* as a scannable QR code (dark on light)."""

    DEFAULT_CSS = """
    QRCode {
        width: auto;
        height: auto;
        background: white;
        color: black;
    }
    """

    def __init__(self, data: str, **kwargs: object) -> None:
        super().__init__("\n".join(qr_lines(data)), markup=False, **kwargs)  # type: ignore[arg-type]
        self.data = data
