"""What groups add to the site as a whole, registered in ``GroupsConfig.ready``: their part
of a person's data and of deleting it."""

from sociable import registry

from . import personal_data


def register() -> None:
    registry.data_exports.add(personal_data.export, order=20)
    registry.deletion_plans.add(personal_data.plan, order=20)
    # Places first, so that a group handed over or closed no longer counts them.
    registry.erasure_steps.add(personal_data.give_up_places, order=10)
    registry.erasure_steps.add(personal_data.hand_over_groups, order=20)
    registry.erasure_steps.add(personal_data.drop_unbacked_suggestions, order=40)
