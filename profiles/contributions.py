"""What profiles add to the site as a whole, registered in ``ProfilesConfig.ready``: the
profile's part of a person's data and of deleting it, home's people panels, and the
viewer's own profile (the viewer fact ``own_profile``) for the other panels that suggest
from it."""

from datetime import time

from sociable import registry
from sociable.notifications import anchors, kinds

from . import (
    corrections,
    home,
    notifications,
    parts,
    personal_data,
    search,
    selectors,
    visibility,
)


def register() -> None:
    registry.data_exports.add(personal_data.export, order=10)
    registry.person_names.add(personal_data.names)
    registry.erasure_steps.add(personal_data.unname_admin_history, order=60)
    registry.erasure_steps.add(personal_data.delete_photo, order=70)

    registry.search_parts.add(parts.search_people, order=10)
    registry.full_search_sections.add("skills", ("Skills and interests", search.search_skills))
    registry.search_suggestions.add(search.did_you_mean)
    registry.home_panels.add(home.panel, order=10)
    # The viewer's own profile and skills, read once a request for every panel that asks.
    registry.viewer_facts.add("own_profile", selectors.own_profile)
    # The skills they hold that others of their audience may not see them hold.
    registry.viewer_facts.add("unseen_skills", visibility.UNSEEN_SKILLS)
    registry.privacy_facts.add(home.privacy_facts)
    for kind in notifications.KINDS:
        kinds.register(kind)
    # Notes about a profile are told to its owner and, for leavers, to its administrators.
    anchors.register("profiles.ProfileCorrection", corrections.audience)
    registry.daily_jobs.add("stale_profiles", ("profiles.tasks.remind_stale_profiles", time(10, 0)))
