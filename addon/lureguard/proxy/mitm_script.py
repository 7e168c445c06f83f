"""Load lureguard into stock mitmdump, mitmproxy or mitmweb:

    mitmdump -s addon/lureguard/proxy/mitm_script.py --set lureguard_mode=warn

(run the mitmdump of the environment lureguard is installed in, e.g. `.venv/bin/mitmdump`).
`mitmdump --options -s ...` lists every `lureguard_*` option.
"""

from lureguard.proxy.addon import LureguardAddon

addons = [LureguardAddon()]
