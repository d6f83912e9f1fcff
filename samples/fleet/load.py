#!/usr/bin/env python3
"""Drives checkout traffic at every host of the local fleet until stopped: one thread per host, about 50 requests
a second each, so the canary gate has errors and requests to count. Usage: load.py host:port [host:port ...]"""
import sys
import threading
import time
import urllib.error
import urllib.request


def drive(host):
    while True:
        try:
            urllib.request.urlopen(f"http://{host}/checkout", timeout=2).read()
        except (urllib.error.URLError, ConnectionError, TimeoutError, OSError):
            pass  # a 500, or a host being redeployed: the service counts it, not us
        time.sleep(0.02)


for h in sys.argv[1:]:
    threading.Thread(target=drive, args=(h,), daemon=True).start()
while True:
    time.sleep(1)
