"""Deployment errors: each message is one sentence the CLI prints as it is."""

from __future__ import annotations


class DeployError(Exception):
    """Base class: something an admin or the updater must be told in plain words."""


class SigningKeyError(DeployError):
    """A key file is missing, unreadable or not an Ed25519 key."""


class BundleError(DeployError):
    """A bundle cannot be built."""


class UpdateError(DeployError):
    """An update was refused or failed; the installed rules were not touched."""


class PolicyError(DeployError):
    """The policy file cannot be read or is invalid (message names file:line)."""
