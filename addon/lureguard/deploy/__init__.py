"""Managed deployment: signed rule bundles, system policy, SIEM logs, services, doctor.

Everything an IT team needs to run lureguard on a fleet without a server of its own: bundles
are published on any static host, policy is one YAML file, logs go to the existing pipeline.
"""
