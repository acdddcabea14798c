"""The demo's published credentials (README). Plain constants: scripts import them too."""

DEMO_PASSWORD = "sociable-demo-2026"  # noqa: S105 - published in the README on purpose
# The shared authenticator secret of the demo's moderator and administrator.
DEMO_TOTP_SECRET = "SOCIABLEDEMO2FAKEY4ADMINS2345672"  # noqa: S105
