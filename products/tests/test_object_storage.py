"""Uploads in S3-compatible object storage (STORAGE_URL=s3://…), against a local S3 server started here.

moto's server mode runs in a thread on 127.0.0.1 (no network, no other service): the same boto3 calls as against a
real bucket. The files stay private: the permission-checking view streams them or redirects to a signed URL that
expires.
"""

import datetime
import urllib.error
import urllib.request
from urllib.parse import parse_qs, urlparse

import pytest
from django.test import override_settings
from django.urls import reverse

from ocop.lib.env import s3_storage_options
from products.tests.factories import PDF_BYTES, pdf

BUCKET = "ocop-test"


@pytest.fixture(scope="module")
def s3_endpoint():
    from moto.server import ThreadedMotoServer

    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    host, port = server.get_host_and_port()
    yield f"http://{host}:{port}"
    server.stop()


@pytest.fixture
def s3(s3_endpoint, monkeypatch):
    """Default storage switched to the bucket for one test; yields a boto3 client to look inside it."""
    import boto3

    for name, value in {
        "AWS_S3_ENDPOINT_URL": s3_endpoint,
        "AWS_S3_REGION_NAME": "us-east-1",
        "AWS_ACCESS_KEY_ID": "testing",
        "AWS_SECRET_ACCESS_KEY": "testing",
    }.items():
        monkeypatch.setenv(name, value)
    client = boto3.client(
        "s3", endpoint_url=s3_endpoint, region_name="us-east-1", aws_access_key_id="testing",
        aws_secret_access_key="testing",
    )  # fmt: skip
    client.create_bucket(Bucket=BUCKET)
    storages = {
        "default": {"BACKEND": "storages.backends.s3.S3Storage", "OPTIONS": s3_storage_options(f"s3://{BUCKET}/media")},
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }
    with override_settings(STORAGES=storages):
        yield client


def _upload(dossier, official):
    from products import domain

    return domain.add_document(dossier, item="phieu_dang_ky", upload=pdf("phiếu.pdf"), by=official)


def test_storage_url_is_parsed_into_s3_options(monkeypatch):
    monkeypatch.setenv("AWS_S3_ENDPOINT_URL", "http://minio:9000")
    monkeypatch.delenv("AWS_SECRET_ACCESS_KEY", raising=False)
    options = s3_storage_options("s3://ocop-files/prod")
    assert options["bucket_name"] == "ocop-files"
    assert options["location"] == "prod"
    assert options["endpoint_url"] == "http://minio:9000"
    assert options["default_acl"] is None  # private objects
    assert options["querystring_auth"] is True
    from django.core.exceptions import ImproperlyConfigured

    with pytest.raises(ImproperlyConfigured):
        s3_storage_options("https://ocop-files")


def test_an_upload_lands_in_the_bucket_and_is_streamed_to_permitted_users_only(
    s3, client_for, dossier, commune_official, secretary, outsider_official
):
    document = _upload(dossier, commune_official)
    key = f"media/{document.file.name}"
    stored = s3.get_object(Bucket=BUCKET, Key=key)["Body"].read()
    assert stored == PDF_BYTES
    assert document.file.name.startswith(f"dossiers/{dossier.pk}/")

    url = reverse("products:document_download", args=[document.pk])
    response = client_for(secretary).get(url)
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == PDF_BYTES
    assert response["Cache-Control"] == "private, no-store"
    assert client_for(outsider_official).get(url).status_code == 404


def test_the_bucket_is_private(s3, s3_endpoint, dossier, commune_official):
    document = _upload(dossier, commune_official)
    with pytest.raises(urllib.error.HTTPError) as error:
        urllib.request.urlopen(f"{s3_endpoint}/{BUCKET}/media/{document.file.name}", timeout=10)  # noqa: S310
    assert error.value.code == 403


@override_settings(FILE_DOWNLOADS="redirect", FILE_URL_EXPIRE=2)
def test_redirect_mode_hands_out_a_short_lived_signed_url(s3, client_for, dossier, commune_official, outsider_official):
    document = _upload(dossier, commune_official)
    url = reverse("products:document_download", args=[document.pk])
    assert client_for(outsider_official).get(url).status_code == 404  # checked before any URL is signed

    response = client_for(commune_official).get(url)
    assert response.status_code == 302
    signed = response["Location"]
    assert "X-Amz-Signature=" in signed
    assert "X-Amz-Expires=2" in signed
    assert response["Cache-Control"] == "private, no-store"
    with urllib.request.urlopen(signed, timeout=10) as answer:  # noqa: S310 - the local moto server
        assert answer.read() == PDF_BYTES
        assert answer.headers["Content-Type"] == "application/pdf"
        assert "inline" in answer.headers["Content-Disposition"]
    # The signature and its lifetime are checked by the object store (moto does not enforce them): the URL is
    # signed now, for FILE_URL_EXPIRE seconds, for this object only, with the response headers pinned.
    query = parse_qs(urlparse(signed).query)
    signed_at = datetime.datetime.strptime(query["X-Amz-Date"][0], "%Y%m%dT%H%M%SZ").replace(tzinfo=datetime.UTC)
    assert abs((datetime.datetime.now(datetime.UTC) - signed_at).total_seconds()) < 60
    assert query["X-Amz-Algorithm"] == ["AWS4-HMAC-SHA256"]
    assert urlparse(signed).path == f"/{BUCKET}/media/{document.file.name}"
    assert query["response-cache-control"] == ["private, no-store"]


def test_local_files_are_streamed_even_in_redirect_mode(client_for, dossier, commune_official, settings):
    settings.FILE_DOWNLOADS = "redirect"
    document = _upload(dossier, commune_official)
    response = client_for(commune_official).get(reverse("products:document_download", args=[document.pk]))
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == PDF_BYTES
