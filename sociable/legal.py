"""What the privacy notice, the cookies page and the accessibility statement say that depends
on how this deployment is set up: read from settings on each request, so each page says what
the site really does here (its controller, its cookies' names and lifetimes, how long things
are kept).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from django.conf import settings
from django.contrib.messages.storage.cookie import CookieStorage
from django.http import HttpRequest

from sociable import registry
from sociable.links import site_address

# When the accessibility statement was written and the site last tested for it (the tests
# it describes): review both at least once a year, and after a big change.
STATEMENT_PREPARED = date(2026, 12, 6)
LAST_TESTED = date(2026, 12, 6)
# How long GOV.UK Notify keeps the emails it sends for a service (its default).
NOTIFY_KEEPS = timedelta(days=7)
# `prune_db_task_results --min-age-days 30`, weekly (docs/deployment.md).
TASK_RESULTS_KEPT = timedelta(days=30)


@dataclass(frozen=True)
class Cookie:
    name: str
    purpose: str
    expires: str


def duration(seconds: int | float) -> str:
    """A cookie's or record's lifetime in words: "2 weeks", "52 weeks", "1 day", "30 seconds"."""
    seconds = int(seconds)
    for unit, size in (("week", 604800), ("day", 86400), ("hour", 3600), ("minute", 60)):
        if seconds >= size and seconds % size == 0:
            count = seconds // size
            return f"{count} {unit}{'s' if count != 1 else ''}"
    return f"{seconds} second{'s' if seconds != 1 else ''}"


def cookies() -> list[Cookie]:
    """Every cookie Sociable sets, by the names these settings give them."""
    session_age = duration(settings.SESSION_COOKIE_AGE)
    found = [
        Cookie(
            settings.SESSION_COOKIE_NAME,
            "Keeps you signed in as you go from page to page (and remembers where you are "
            "while you create an account or sign in with two-factor authentication).",
            f"When you close your browser, or after {session_age} if you choose "
            "“Keep me signed in on this device”. Signing out ends it.",
        ),
        Cookie(
            settings.CSRF_COOKIE_NAME,
            "Makes sure a form you send (such as a reply or your sign-in) really came from "
            "a page of Sociable, and not from another website.",
            f"After {duration(settings.CSRF_COOKIE_AGE)}."
            if settings.CSRF_COOKIE_AGE
            else "When you close your browser.",
        ),
    ]
    if "cookie" in settings.MESSAGE_STORAGE.lower() or "fallback" in (
        settings.MESSAGE_STORAGE.lower()
    ):
        found.append(
            Cookie(
                CookieStorage.cookie_name,
                "Carries a message to the next page you see, such as “Your profile has been "
                "saved”.",
                "As soon as the message is shown (or when you close your browser).",
            )
        )
    return found


def facts(request: HttpRequest) -> dict:
    """Who runs this deployment, and how long it keeps things (template context)."""
    return {
        "site_address": site_address(request),
        "controller_name": settings.SOCIABLE_CONTROLLER_NAME,
        "controller_address": settings.SOCIABLE_CONTROLLER_ADDRESS,
        "ico_number": settings.SOCIABLE_CONTROLLER_ICO_NUMBER,
        "privacy_email": settings.SOCIABLE_PRIVACY_EMAIL,
        "dpo_email": settings.SOCIABLE_DPO_EMAIL,
        "accessibility_email": settings.SOCIABLE_ACCESSIBILITY_EMAIL,
        "accessibility_phone": settings.SOCIABLE_ACCESSIBILITY_PHONE,
        "reply_days": settings.SOCIABLE_ACCESSIBILITY_REPLY_DAYS,
        "data_location": settings.SOCIABLE_DATA_LOCATION,
        "session_age": duration(settings.SESSION_COOKIE_AGE),
        "page_cache": duration(settings.PAGE_CACHE_SECONDS)
        if settings.PAGE_CACHE_SECONDS > 0
        else "",
        "log_days": settings.SOCIABLE_LOG_RETENTION_DAYS,
        "backup_days": settings.SOCIABLE_BACKUP_RETENTION_DAYS,
        "task_results_days": TASK_RESULTS_KEPT.days,
        # GOV.UK Notify sends the emails when it is set up (NOTIFY_API_KEY), else SMTP.
        "notify_days": NOTIFY_KEEPS.days if getattr(settings, "NOTIFY_API_KEY", "") else 0,
        "statement_prepared": STATEMENT_PREPARED,
        "last_tested": LAST_TESTED,
        # How long the apps keep what they keep (``registry.privacy_facts``).
        **{name: value for facts in registry.privacy_facts for name, value in facts().items()},
    }
