"""Root pytest configuration: shared fixtures that every app's tests may use."""

pytest_plugins = ["synergy.browser"]
