schtasks /Create /F /TN lureguard /SC ONLOGON /RL LIMITED /TR "\"C:\Program Files\lureguard\lureguard.exe\" run"
