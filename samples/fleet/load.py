#!/usr/bin/env python3
"""Drives checkout traffic at every host of the local fleet until stopped: one thread per host, about 50 requests
a second each, so the canary gate has errors and requests to count. Each request is a user's (?user=u123, drawn from
10,000 users): the service's feature flags target users by id, so a user stays in one cohort from step to step.
Usage: load.py host:port [host:port ...]"""
import sys
import threading
import os
import random
import time
import urllib.error
import urllib.request


def drive(host):
    while True:
        try:
            urllib.request.urlopen(f"http://{host}/checkout?user=u{random.randrange(10000)}", timeout=2).read()
        except (urllib.error.URLError, ConnectionError, TimeoutError, OSError):
            pass  # a 500, or a host being redeployed: the service counts it, not us
        time.sleep(0.02)


# LOAD_THREADS: threads per host (default 1), for more users at once.
for h in sys.argv[1:]:
    for _ in range(int(os.environ.get("LOAD_THREADS", "1"))):
        threading.Thread(target=drive, args=(h,), daemon=True).start()
while True:
    time.sleep(1)
