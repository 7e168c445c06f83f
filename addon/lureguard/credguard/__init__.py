"""The credential guard's server side: which accounts the extension protects, and its events.

The extension learns and compares passwords itself (extension/src/credentials.js); nothing of a
password ever reaches this package. It only tells the extension where each protected account
signs in, and records what the extension reports: "credential reuse on HOST for ACCOUNT KIND".
"""
