"""The mitmproxy adapter: decide per connection, answer flagged requests with a warning page.

`addon.LureguardAddon` is the addon; `mitm_script.py` is the file to pass to stock mitmdump,
mitmproxy or mitmweb with `-s`. Nothing outside this package imports mitmproxy.
"""
