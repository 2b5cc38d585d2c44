"""Small real files for the demo's documents: a one-page PDF with the given lines and a tiny PNG label."""

import struct
import zlib

from django.core.files.uploadedfile import SimpleUploadedFile

from ocop.lib.text import unaccent
from products.demo_seeds import DOCUMENT_TITLES, IMAGE_ITEMS
from products.models import Product


# ---------------------------------------------------------------------------------------------------- small real files
def _pdf_bytes(lines: list[str]) -> bytes:
    """A one-page PDF that any reader opens. Base-14 fonts have no Vietnamese glyphs, so the text is unaccented."""

    def esc(text):
        return (
            unaccent(text)
            .encode("latin-1", "replace")
            .replace(b"\\", b"\\\\")
            .replace(b"(", b"\\(")
            .replace(b")", b"\\)")
        )

    content = b"BT /F1 13 Tf 56 780 Td 18 TL " + b" ".join(b"(" + esc(line) + b") '" for line in lines) + b" ET"
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Resources << /Font << /F1 4 0 R >> >> "
        b"/Contents 5 0 R >>",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>",
        b"<< /Length %d >>\nstream\n%s\nendstream" % (len(content), content),
    ]
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n%s\nendobj\n" % (number, body)
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref)
    return bytes(out)


def _png_bytes(rgb=(196, 148, 52), size=24) -> bytes:
    """A small solid-colour PNG, standing in for a photo of the label."""

    def chunk(tag, data):
        return struct.pack(">I", len(data)) + tag + data + struct.pack(">I", zlib.crc32(tag + data) & 0xFFFFFFFF)

    rows = b"".join(b"\x00" + bytes(rgb) * size for _ in range(size))
    header = struct.pack(">IIBBBBB", size, size, 8, 2, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(rows)) + chunk(b"IEND", b"")


def _upload(item: str, stem: str, product: Product) -> SimpleUploadedFile:
    if item in IMAGE_ITEMS:
        shade = zlib.crc32(stem.encode())  # a different colour per file, so a corrected label is a different file
        rgb = (160 + shade % 80, 110 + (shade >> 8) % 80, 40 + (shade >> 16) % 60)
        return SimpleUploadedFile(f"{stem}.png", _png_bytes(rgb), content_type="image/png")
    lines = [
        DOCUMENT_TITLES.get(item, item),
        f"San pham: {product.name}",
        f"Chu the: {product.producer.name}",
        f"Xa {product.commune.name}, huyen Luc Nam, tinh Bac Giang",
        "Tai lieu minh hoa - du lieu demo",
    ]
    return SimpleUploadedFile(f"{stem}.pdf", _pdf_bytes(lines), content_type="application/pdf")


def _stem(item: str, key: str) -> str:
    return f"{item.replace('_', '-')}-{key}"  # e.g. phieu-dang-ky-banh-mat
