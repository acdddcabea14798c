"""Settings shared by every environment."""

from pathlib import Path

import dj_database_url
from csp.constants import NONE, SELF
from django.core.exceptions import ImproperlyConfigured

from .environment import env_bool, env_int, env_list, env_str

BASE_DIR = Path(__file__).resolve().parent.parent.parent

SECRET_KEY = env_str("SECRET_KEY", "django-insecure-development-only-never-in-production")
DEBUG = env_bool("DEBUG", False)
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", ["127.0.0.1", "localhost"])
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", [])

INSTALLED_APPS = [
    "sociable.accounts",
    "sociable.apps.SociableAdminConfig",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.postgres",
    "django.contrib.humanize",
    "django.forms",
    "allauth",
    "allauth.account",
    "allauth.mfa",
    "allauth.socialaccount",
    "allauth.socialaccount.providers.openid_connect",
    "taggit",
    "csp",
    "sociable",
    "profiles",
    "groups",
    "forums",
    "conversations",
    "opportunities",
    "stories",
    "safety",
    "sociable.notifications",
    "django_tasks",
    "django_tasks_db",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "sociable.middleware.PermissionsPolicyMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # request.viewer: who is looking, the input to what they may see (sociable/viewer.py).
    "sociable.viewer.ViewerMiddleware",
    # A control character in the address: 400 before any view reads it (sociable/text.py).
    "sociable.middleware.RefuseUnfitAddressesMiddleware",
    # Everything asks to sign in unless its view is marked @login_not_required.
    "django.contrib.auth.middleware.LoginRequiredMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    # Before any view middleware reads a body (CSRF does): refuses an oversized one unread.
    "sociable.middleware.RequestSizeLimitMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "allauth.account.middleware.AccountMiddleware",
]

ROOT_URLCONF = "sociable.urls"
WSGI_APPLICATION = "sociable.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "sociable.context_processors.navigation",
            ],
            # {% url %} resolving each address once (sociable/links.py, ADR 0018).
            "builtins": ["sociable.templatetags.addresses"],
        },
    },
]
FORM_RENDERER = "sociable.forms.GovukFormRenderer"


def database_from_env(name: str = "DATABASE_URL") -> dict:
    url = env_str(name)
    if not url:
        raise ImproperlyConfigured(
            f"{name} is not set. Run through make (make demo, make test, "
            "make manage CMD=...), which starts a private PostgreSQL, or set "
            f"{name}=postgresql://user:password@host:5432/sociable"
        )
    config = dj_database_url.parse(
        url,
        conn_max_age=env_int("DATABASE_CONN_MAX_AGE", 60),
        conn_health_checks=True,
    )
    if config["ENGINE"] != "django.db.backends.postgresql":
        raise ImproperlyConfigured(f"{name} must point at PostgreSQL (postgresql://...)")
    # No JIT compilation (set when connecting: no extra query): it pays off for long reports,
    # not for pages; with it on, the planner's large estimates for a page's subqueries cost
    # 0.5 s of compiling.
    config.setdefault("OPTIONS", {})["options"] = "-c jit=off"
    # No parallel query either (finding 7 of issue 19): on a 2-core web host the workers a
    # Gather starts compete with the other requests for the same cores, and starting them
    # cost a page 5-12 ms more than they saved. A session default, not a limit: a long job
    # (a management command) may SET max_parallel_workers_per_gather for its own session.
    config["OPTIONS"]["options"] += " -c max_parallel_workers_per_gather=0"
    # The word similarity a trigram index's ``<%`` finds, for a typo (groups.search): below
    # every search's own threshold for a typo, which each checks itself, so the index only
    # narrows what is checked (0.6, pg_trgm's default, would hide typos those accept).
    config["OPTIONS"]["options"] += f" -c pg_trgm.word_similarity_threshold={TYPO_INDEX_CUT}"
    # psycopg prepares the statements that ask for it (sociable.queries.fetch) and never
    # any other: prepare_threshold None (Django's default) would turn those off too. Those
    # are planned once, for any values: each has a plan that suits them all (ADR 0013).
    # DATABASE_PREPARE=false turns them off (a pooler that keeps no prepared statements).
    if env_bool("DATABASE_PREPARE", True):
        config["OPTIONS"]["prepare_threshold"] = PREPARE_WHEN_ASKED
        config["OPTIONS"]["options"] += " -c plan_cache_mode=force_generic_plan"
    return config


# The trigram indexes' cut for a typo: see database_from_env().
TYPO_INDEX_CUT = 0.4
# A threshold no statement reaches: psycopg prepares only those executed with prepare=True.
PREPARE_WHEN_ASKED = 2**31 - 1


DATABASES = {"default": database_from_env()}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
# A read replica for the directory and the searches (sociable/db.py): with
# DATABASE_REPLICA_URL set, the views marked @reads_from_replica read there; every write and
# everything else uses the primary. Tests use the primary itself as the replica (MIRROR), so
# no test database is ever created on a read-only standby.
if env_str("DATABASE_REPLICA_URL"):
    DATABASES["replica"] = {
        **database_from_env("DATABASE_REPLICA_URL"),
        "TEST": {"MIRROR": "default"},
    }
DATABASE_ROUTERS = ["sociable.db.ReplicaRouter"]

# Two caches, both shared by every web process (never per-process memory; ADR 0015):
# - "default", the security store: allauth's rate limits and lock-outs, their locks and its
#   used two-factor codes (allauth uses Django's default cache). Always PostgreSQL, in its own
#   table that page traffic never writes to and that never drops a live row to make room.
# - "pages", the shared pages (sociable/pagecache.py): Redis when REDIS_URL is set (when Redis
#   cannot be reached, pages are rendered without it), the database otherwise.
# `manage.py createcachetable` makes the tables; expired rows are purged daily.
REDIS_URL = env_str("REDIS_URL")
CACHES = {
    "default": {
        "BACKEND": "sociable.cache.SecurityCache",
        "LOCATION": "sociable_security",
        # Only how big the table grows before a write also purges its expired rows.
        "OPTIONS": {"MAX_ENTRIES": 5000},
    },
    "pages": {
        "BACKEND": "sociable.cache.DatabaseCache",
        "LOCATION": "sociable_cache",
        "OPTIONS": {"MAX_ENTRIES": 5000},
    },
}
if REDIS_URL:
    CACHES["pages"] = {
        "BACKEND": "sociable.cache.RedisCache",
        "LOCATION": REDIS_URL,
        "KEY_PREFIX": "sociable",
        # Seconds: a Redis that is gone or hung costs a request this long, not seconds.
        "OPTIONS": {"socket_connect_timeout": 0.5, "socket_timeout": 0.5},
    }
# Pages for people who are not signed in are rendered once and shared for this long, or
# until content changes (sociable/pagecache.py). 0 turns the page cache off.
PAGE_CACHE_SECONDS = env_int("PAGE_CACHE_SECONDS", 30)
# Sessions live in PostgreSQL alone, which every web node shares: never in Redis, where a
# sign-out made while Redis was away would leave the session alive in it (ADR 0015).
SESSION_ENGINE = "django.contrib.sessions.backends.db"

AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    # Django's, refusing the demo's password in production (sociable/accounts/passwords.py).
    "sociable.accounts.passwords.ModelBackend",
    "allauth.account.auth_backends.AuthenticationBackend",
]
# At least 12 characters, hard to guess (zxcvbn), not like the person's own details, not a
# common password and not the demo's; no composition rules (sociable/accounts/passwords.py).
AUTH_PASSWORD_VALIDATORS = [
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 12},
    },
    {
        "NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator",
        "OPTIONS": {"user_attributes": ["name", "username", "email"]},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "sociable.accounts.passwords.NotTheDemoPasswordValidator"},
    {"NAME": "sociable.accounts.passwords.StrengthValidator"},
]
# The demo's published password signs nobody in where this is on (production settings).
SOCIABLE_REFUSE_DEMO_PASSWORD = False
LOGIN_URL = "account_login"
LOGIN_REDIRECT_URL = "home"

# django-allauth: email sign-in with mandatory verification.
ACCOUNT_ADAPTER = "sociable.accounts.adapter.AccountAdapter"
ACCOUNT_FORMS = {
    name: f"sociable.accounts.forms.{form}"
    for name, form in [
        ("signup", "SignupForm"),
        ("login", "LoginForm"),
        ("add_email", "AddEmailForm"),
        ("change_password", "ChangePasswordForm"),
        ("reset_password", "ResetPasswordForm"),
        ("reset_password_from_key", "ResetPasswordKeyForm"),
        ("reauthenticate", "ReauthenticateForm"),
    ]
}
ACCOUNT_LOGIN_METHODS = {"email"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "password1*", "password2*"]
ACCOUNT_EMAIL_VERIFICATION = "mandatory"
ACCOUNT_UNIQUE_EMAIL = True
ACCOUNT_CHANGE_EMAIL = True
ACCOUNT_PREVENT_ENUMERATION = True
ACCOUNT_LOGOUT_ON_GET = False
ACCOUNT_LOGIN_ON_EMAIL_CONFIRMATION = True
ACCOUNT_USER_MODEL_USERNAME_FIELD = "username"
ACCOUNT_USER_DISPLAY = "sociable.accounts.adapter.user_display"
# Words a username may not be: they are addresses of their own under /people/.
ACCOUNT_USERNAME_BLACKLIST = ["me", "teams", "places", "corrections", "admin", "new"]
ACCOUNT_EMAIL_SUBJECT_PREFIX = "[Sociable] "
ACCOUNT_DEFAULT_HTTP_PROTOCOL = "https"
ACCOUNT_RATE_LIMITS = {}  # {} keeps allauth's defaults; False would switch them off.
# Spam defence at sign-up (sociable/accounts/signup_guard.py): a form sent back sooner than
# this after it was drawn is refused, and each network (IPv4 /24, IPv6 /64) may make this
# many accounts in this many minutes.
SIGNUP_MIN_SECONDS = env_int("SIGNUP_MIN_SECONDS", 3)
SIGNUP_RATE_PER_NETWORK = env_int("SIGNUP_RATE_PER_NETWORK", 5)
SIGNUP_RATE_MINUTES = env_int("SIGNUP_RATE_MINUTES", 60)
# Limits per address must see each person's address, not the load balancer's: set
# TRUSTED_PROXY_COUNT to the number of proxies in front of the web nodes that add to
# X-Forwarded-For (usually 1). 0 trusts no header: the address of the connection counts.
ALLAUTH_TRUSTED_PROXY_COUNT = env_int("TRUSTED_PROXY_COUNT", 0)
MFA_SUPPORTED_TYPES = ["totp", "recovery_codes"]
MFA_FORMS = {
    "authenticate": "sociable.accounts.forms.AuthenticateForm",
    "reauthenticate": "sociable.accounts.forms.MfaReauthenticateForm",
    "activate_totp": "sociable.accounts.forms.ActivateTOTPForm",
}
MFA_TOTP_ISSUER = "Sociable"
# Sign-in with an organisation's own account (Entra ID or any OpenID Connect provider).
# Each organisation's settings are in the admin, on the organisation; the adapter
# turns them into allauth apps (sociable/accounts/oidc.py). Addresses are
# /accounts/oidc/<organisation slug>/login/ and .../login/callback/.
SOCIALACCOUNT_ADAPTER = "sociable.accounts.adapter.SocialAccountAdapter"
SOCIALACCOUNT_FORMS = {"signup": "sociable.accounts.forms.SocialSignupForm"}
SOCIALACCOUNT_LOGIN_ON_GET = False  # starting a sign-in takes a POST (CSRF-protected)
SOCIALACCOUNT_STORE_TOKENS = False
# A verified address at the organisation's domains signs in to the account that has it.
SOCIALACCOUNT_EMAIL_AUTHENTICATION_AUTO_CONNECT = True
SOCIALACCOUNT_REQUESTS_TIMEOUT = 10

# GOV.UK Notify instead of SMTP when NOTIFY_API_KEY is set (sociable/notifications/notify.py).
NOTIFY_API_KEY = env_str("NOTIFY_API_KEY")
NOTIFY_TEMPLATE_ID = env_str("NOTIFY_TEMPLATE_ID")  # a template: ((subject)), body ((body))
NOTIFY_EMAIL_REPLY_TO_ID = env_str("NOTIFY_EMAIL_REPLY_TO_ID")
NOTIFY_BASE_URL = env_str("NOTIFY_BASE_URL", "https://api.notifications.service.gov.uk")
NOTIFY_CALLBACK_TOKEN = env_str("NOTIFY_CALLBACK_TOKEN")  # Notify's delivery receipts
EMAIL_BACKEND = env_str(
    "EMAIL_BACKEND",
    "sociable.notifications.notify.NotifyEmailBackend"
    if NOTIFY_API_KEY
    else "django.core.mail.backends.smtp.EmailBackend",
)
EMAIL_HOST = env_str("EMAIL_HOST", "localhost")
EMAIL_PORT = env_int("EMAIL_PORT", 25)
EMAIL_HOST_USER = env_str("EMAIL_HOST_USER")
EMAIL_HOST_PASSWORD = env_str("EMAIL_HOST_PASSWORD")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", False)
EMAIL_USE_SSL = env_bool("EMAIL_USE_SSL", False)
EMAIL_TIMEOUT = env_int("EMAIL_TIMEOUT", 10)
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "Sociable <no-reply@sociable.invalid>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL

SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_HTTPONLY = True
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
# Browser features no page of ours uses, switched off for every page and any frame in it.
SOCIABLE_PERMISSIONS_POLICY = ", ".join(
    f"{feature}=()"
    for feature in (
        "accelerometer",
        "autoplay",
        "camera",
        "display-capture",
        "encrypted-media",
        "geolocation",
        "gyroscope",
        "hid",
        "magnetometer",
        "microphone",
        "midi",
        "payment",
        "serial",
        "usb",
        "xr-spatial-tracking",
    )
)

# Uploads: a photo or group image is at most PHOTO_MAX_BYTES (profiles/photos.py), a story's
# image STORY_IMAGE_MAX_BYTES (a phone's full-size picture; stories/images.py); no request
# body larger than the larger and a form around it is read at all (sociable/middleware.py),
# and what is accepted stays in memory rather than in temporary files.
PROFILE_PHOTO_MAX_BYTES = env_int("PHOTO_MAX_BYTES", 5 * 1024 * 1024)
STORY_IMAGE_MAX_BYTES = env_int("STORY_IMAGE_MAX_BYTES", 10 * 1024 * 1024)
SOCIABLE_MAX_REQUEST_BYTES = max(PROFILE_PHOTO_MAX_BYTES, STORY_IMAGE_MAX_BYTES) + 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = SOCIABLE_MAX_REQUEST_BYTES

# Every HTML response: only our own scripts, styles and images; no plugins; no framing.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "object-src": [NONE],
        "base-uri": [SELF],
        "frame-ancestors": [NONE],
    },
}

LANGUAGE_CODE = "en-gb"
TIME_ZONE = "Europe/London"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = Path(env_str("STATIC_ROOT", str(BASE_DIR / "staticfiles")))
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_URL = "/media/"
MEDIA_ROOT = Path(env_str("MEDIA_ROOT", str(BASE_DIR / "media")))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
# Uploads (profile photos, group images) go to a folder on this machine unless S3_BUCKET is
# set: then to S3 or an S3-compatible store (MinIO, Ceph...) through django-storages
# (pip install '.[s3]'), which every web node shares. Files stay private: no ACL is sent, so
# they take the bucket's (private by default; AWS buckets refuse ACLs unless allowed), and
# photos are served by a view that checks who may see them, never by a bucket link. Keys not
# given here come from AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY or the machine's role.
S3_BUCKET = env_str("S3_BUCKET") or env_str("AWS_STORAGE_BUCKET_NAME")
if S3_BUCKET:
    _s3_options = {
        "bucket_name": S3_BUCKET,
        "endpoint_url": env_str("S3_ENDPOINT_URL"),  # e.g. https://minio.internal:9000
        "region_name": env_str("S3_REGION"),
        "access_key": env_str("S3_ACCESS_KEY_ID"),
        "secret_key": env_str("S3_SECRET_ACCESS_KEY"),
        "custom_domain": env_str("S3_CUSTOM_DOMAIN"),
        "location": env_str("S3_PREFIX"),  # a folder inside the bucket
        "default_acl": env_str("S3_DEFAULT_ACL"),  # e.g. "private" for stores that want one
    }
    STORAGES["default"] = {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            **{name: value for name, value in _s3_options.items() if value},
            "file_overwrite": False,  # a new name rather than replace, as on the filesystem
            "querystring_auth": True,  # any link made to a file is signed and expires
        },
    }

# Background work (emails, digests, reminders) is queued in PostgreSQL and run by
# `manage.py db_worker`; `manage.py run_scheduler` queues the daily jobs.
TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
# A task left "running" by a worker that died is queued again once its lease has gone this
# long unrenewed (live workers renew every third of it), up to TASK_MAX_ATTEMPTS runs.
TASK_LEASE_SECONDS = env_int("TASK_LEASE_SECONDS", 300)
TASK_MAX_ATTEMPTS = env_int("TASK_MAX_ATTEMPTS", 5)

# Moderators' target times, in hours from the first report (or from posting, for a post
# waiting for approval), shown in the moderation queue: illegal content comes first.
FORUMS_ILLEGAL_TARGET_HOURS = env_int("FORUMS_ILLEGAL_TARGET_HOURS", 24)
FORUMS_QUEUE_TARGET_HOURS = env_int("FORUMS_QUEUE_TARGET_HOURS", 72)

# While new community members settle in (sociable.accounts.services.is_new_member), each
# post or story of theirs may hold at most this many links and @mentions (safety/screening.py).
SAFETY_NEW_MEMBER_LINKS = env_int("SAFETY_NEW_MEMBER_LINKS", 2)
SAFETY_NEW_MEMBER_MENTIONS = env_int("SAFETY_NEW_MEMBER_MENTIONS", 3)

SOCIABLE_SITE_NAME = "Sociable"
# The address people reach the site at, for links in emails.
SOCIABLE_SITE_URL = env_str("SITE_URL", "http://127.0.0.1:8000")

# Who runs this deployment and how to reach them: the privacy notice (/privacy/), the cookies
# page and the accessibility statement (/accessibility/) say so (docs/deployment.md). These
# defaults are the demo's fictional council; production requires its own (prod.py).
SOCIABLE_CONTROLLER_NAME = env_str("CONTROLLER_NAME", "Kirkfield City Council")
SOCIABLE_CONTROLLER_ADDRESS = env_str("CONTROLLER_ADDRESS", "Civic Hall, Kirkfield KF1 1AA")
SOCIABLE_CONTROLLER_ICO_NUMBER = env_str("CONTROLLER_ICO_NUMBER")  # its data protection fee
SOCIABLE_PRIVACY_EMAIL = env_str("PRIVACY_EMAIL", "information.governance@kirkfield.gov.uk")
SOCIABLE_DPO_EMAIL = env_str("DPO_EMAIL", "dpo@kirkfield.gov.uk")
SOCIABLE_ACCESSIBILITY_EMAIL = env_str("ACCESSIBILITY_EMAIL", "digital.access@kirkfield.gov.uk")
SOCIABLE_ACCESSIBILITY_PHONE = env_str("ACCESSIBILITY_PHONE", "0113 496 0000")
SOCIABLE_ACCESSIBILITY_REPLY_DAYS = env_int("ACCESSIBILITY_REPLY_DAYS", 5)  # working days
SOCIABLE_DATA_LOCATION = env_str("DATA_LOCATION", "the UK")  # where its servers keep data
# How long the servers' logs and the database's backups are kept, as set up where it runs.
SOCIABLE_LOG_RETENTION_DAYS = env_int("LOG_RETENTION_DAYS", 30)
SOCIABLE_BACKUP_RETENTION_DAYS = env_int("BACKUP_RETENTION_DAYS", 35)

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL", "INFO")},
}
