"""A test-only app that cites provisions the way other apps will (installed by
config/settings/test.py only): one ProvisionForeignKey and one many-to-many to Provision."""
