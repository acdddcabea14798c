"""Uploaded media: a local folder by default, an S3-compatible store when S3_BUCKET is set.

Every read and write of a photo goes through Django's storage API, never the local
filesystem, so it works the same on a store that every web node shares.
"""

import io
import json

import pytest
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from profiles.models import Profile
from tests.helpers import manage
from tests.profiles.test_views import EDIT, form_data

S3_ENV = (
    *("S3_BUCKET", "AWS_STORAGE_BUCKET_NAME", "S3_ENDPOINT_URL", "S3_REGION", "S3_PREFIX"),
    *("S3_ACCESS_KEY_ID", "S3_SECRET_ACCESS_KEY", "S3_CUSTOM_DOMAIN", "S3_DEFAULT_ACL"),
)
SHOW_STORAGE = """
import json
from django.conf import settings
from django.core.files.storage import storages
s = storages["default"]
found = {"settings": settings.STORAGES["default"], "class": type(s).__name__}
if found["class"] == "S3Storage":
    found |= {"bucket": s.bucket_name, "endpoint": s.endpoint_url, "region": s.region_name,
              "acl": s.default_acl, "overwrite": s.file_overwrite, "location": s.location,
              "url": s.url("profile-photos/me.jpg")}
print(json.dumps(found))
"""


def show_storage(env: dict[str, str]) -> dict:
    """Start Django as an operator would, with only these storage variables set."""
    unset = tuple(name for name in S3_ENV if name not in env)
    result = manage("shell", "-c", SHOW_STORAGE, env=env, drop=unset)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout.strip().splitlines()[-1])


def test_uploads_go_to_a_folder_on_this_machine_by_default():
    found = show_storage({})

    assert found["settings"]["BACKEND"] == "django.core.files.storage.FileSystemStorage"
    assert found["class"] == "FileSystemStorage"


@pytest.mark.parametrize("bucket_variable", ["S3_BUCKET", "AWS_STORAGE_BUCKET_NAME"])
def test_a_bucket_switches_uploads_to_an_s3_compatible_store(bucket_variable):
    found = show_storage(
        {
            bucket_variable: "sociable-media",
            "S3_ENDPOINT_URL": "http://127.0.0.1:9000",  # a MinIO, say; never contacted here
            "S3_REGION": "eu-west-2",
            "S3_ACCESS_KEY_ID": "sociable",
            "S3_SECRET_ACCESS_KEY": "not-a-real-secret",
            "S3_PREFIX": "media",
        }
    )

    assert found["settings"]["BACKEND"] == "storages.backends.s3.S3Storage"
    assert found["class"] == "S3Storage"
    assert found["bucket"] == "sociable-media"
    assert (found["endpoint"], found["region"]) == ("http://127.0.0.1:9000", "eu-west-2")
    assert found["acl"] is None  # objects take the bucket's own (private) access
    assert found["overwrite"] is False
    # A link to a file, were one ever made, is signed and expires.
    assert found["url"].startswith("http://127.0.0.1:9000/sociable-media/media/profile-photos/")
    assert "Signature" in found["url"] and "Expires" in found["url"]


def test_a_custom_domain_and_an_acl_are_passed_on_when_given():
    found = show_storage(
        {
            "S3_BUCKET": "sociable-media",
            "S3_CUSTOM_DOMAIN": "media.sociable.example.gov.uk",
            "S3_DEFAULT_ACL": "private",
        }
    )

    options = found["settings"]["OPTIONS"]
    assert options["custom_domain"] == "media.sociable.example.gov.uk"
    assert found["acl"] == "private"
    assert "endpoint_url" not in options and "access_key" not in options  # boto3's own chain


def photo(colour) -> SimpleUploadedFile:
    buffer = io.BytesIO()
    Image.new("RGB", (300, 200), colour).save(buffer, "JPEG")
    return SimpleUploadedFile("me.jpg", buffer.getvalue(), content_type="image/jpeg")


@pytest.mark.django_db
def test_profile_photos_work_through_a_storage_that_is_not_a_local_folder(
    settings, tmp_path, client, client_as, staff_member
):
    settings.MEDIA_ROOT = tmp_path
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {"BACKEND": "django.core.files.storage.InMemoryStorage"},
    }
    owner = client_as(staff_member)

    assert owner.post(EDIT, form_data(photo=photo((200, 30, 30)))).status_code == 302
    first = Profile.objects.get(user=staff_member).photo.name
    served = owner.get(f"/people/{staff_member.username}/photo/")

    assert served.status_code == 200
    assert served["Content-Type"] == "image/jpeg"
    body = b"".join(served.streaming_content)
    with default_storage.open(first) as stored:
        assert body == stored.read()
    assert body.startswith(b"\xff\xd8")  # a JPEG
    assert client.get(f"/people/{staff_member.username}/photo/").status_code == 404  # signed out

    owner.post(EDIT, form_data(photo=photo((30, 30, 200))))  # a new photo replaces the old
    assert not default_storage.exists(first)
    assert default_storage.exists(Profile.objects.get(user=staff_member).photo.name)
    assert list(tmp_path.iterdir()) == []  # nothing went to the local folder
