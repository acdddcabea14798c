"""What accounts add to the site as a whole (registered in ``AccountsConfig.ready``)."""

from sociable import registry

from . import personal_data


def register() -> None:
    registry.data_exports.add(personal_data.export, order=0)
