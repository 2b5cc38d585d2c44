import io
import zipfile

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from products.uploads import check_upload, detect_type


def _zip(entry):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr(entry, "<x/>")
    return buffer.getvalue()


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        (b"%PDF-1.7\n...", "application/pdf"),
        (b"\xff\xd8\xff\xe0rest", "image/jpeg"),
        (b"\x89PNG\r\n\x1a\nrest", "image/png"),
        (_zip("word/document.xml"), "application/vnd.openxmlformats-officedocument.wordprocessingml.document"),
        (_zip("xl/workbook.xml"), "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
    ],
)
def test_type_is_read_from_content(content, expected):
    assert detect_type(SimpleUploadedFile("whatever.bin", content)) == expected


@pytest.mark.parametrize(
    "content",
    [b"MZ\x90\x00 an exe", b"<html><script>", _zip("other.txt"), b"GIF89a"],
)
def test_other_content_is_refused_even_with_an_allowed_name(content):
    with pytest.raises(ValidationError) as info:
        detect_type(SimpleUploadedFile("phieu-dang-ky.pdf", content))
    assert "không phải tệp PDF, JPEG, PNG, DOCX hoặc XLSX" in info.value.messages[0]


def test_size_limit(settings):
    settings.UPLOAD_MAX_BYTES = 1024 * 1024
    with pytest.raises(ValidationError) as info:
        check_upload(SimpleUploadedFile("big.pdf", b"%PDF-" + b"x" * (1024 * 1024 + 600_000)))
    assert info.value.messages == ["Tệp “big.pdf” nặng 1.6 MB; mỗi tệp tối đa 1 MB."]


def test_empty_file_refused():
    with pytest.raises(ValidationError):
        check_upload(SimpleUploadedFile("empty.pdf", b""))
