"""System checks for going live (``manage.py check --deploy``)."""

from __future__ import annotations

from django.conf import settings
from django.core.checks import Tags, Warning, register

# What the privacy notice and accessibility statement must say about who runs the site.
DEPLOYMENT_FACTS = {
    "SOCIABLE_CONTROLLER_NAME": "CONTROLLER_NAME",
    "SOCIABLE_CONTROLLER_ADDRESS": "CONTROLLER_ADDRESS",
    "SOCIABLE_PRIVACY_EMAIL": "PRIVACY_EMAIL",
    "SOCIABLE_DPO_EMAIL": "DPO_EMAIL",
    "SOCIABLE_ACCESSIBILITY_EMAIL": "ACCESSIBILITY_EMAIL",
}


@register(Tags.compatibility, deploy=True)
def deployment_facts(app_configs, **kwargs) -> list[Warning]:
    """The legal pages name the data controller and how to reach it: say who they are."""
    return [
        Warning(
            f"{name} is empty: the privacy notice and accessibility statement need it.",
            hint=f"Set {variable} in the environment (docs/deployment.md).",
            id="sociable.W001",
        )
        for name, variable in DEPLOYMENT_FACTS.items()
        if not str(getattr(settings, name, "")).strip()
    ]
