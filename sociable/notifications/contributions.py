"""What notifications add to the site as a whole (registered in ``NotificationsConfig.ready``)."""

from sociable import registry

from . import personal_data


def register() -> None:
    registry.data_exports.add(personal_data.export, order=40)
    registry.erasure_steps.add(personal_data.unname_notifications, order=50)
