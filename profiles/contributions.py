"""What profiles add to the site as a whole, registered in ``ProfilesConfig.ready``: the
profile's part of a person's data and of deleting it."""

from sociable import registry

from . import personal_data


def register() -> None:
    registry.data_exports.add(personal_data.export, order=10)
    registry.person_names.add(personal_data.names)
    registry.erasure_steps.add(personal_data.unname_admin_history, order=60)
    registry.erasure_steps.add(personal_data.delete_photo, order=70)
