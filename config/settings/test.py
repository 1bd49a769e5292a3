"""Test settings: the base settings with a fast hasher, eager tasks and temporary folders.

`FAZHI_REAL_CELERY=1` (the CI worker lane) keeps the broker so tasks go to a real worker.
"""

import os
import tempfile
from pathlib import Path

from .base import *  # noqa: F403
from .base import CELERY_BROKER_URL

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
MEDIA_ROOT = Path(tempfile.mkdtemp(prefix="fazhi-media-"))
FAZHI_AUDIT_WITNESS_DIR = Path(tempfile.mkdtemp(prefix="fazhi-witness-"))
FAZHI_LAWS_INDEX_DIR = Path(tempfile.mkdtemp(prefix="fazhi-laws-index-"))
CELERY_TASK_ALWAYS_EAGER = not (os.environ.get("FAZHI_REAL_CELERY") and CELERY_BROKER_URL)
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}

if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":  # noqa: F405
    # pytest-django's flush TRUNCATEs every table between transactional tests; the audit tables'
    # trigger lets TRUNCATE (never UPDATE/DELETE) pass only with this session setting
    # (fazhi/audit/migrations/0002_append_only_triggers.py).
    DATABASES["default"].setdefault("OPTIONS", {})["options"] = "-c fazhi.audit_maintenance=on"  # noqa: F405

INSTALLED_APPS = [*INSTALLED_APPS, "tests.citing.apps.CitingConfig"]  # noqa: F405 - citations tests
