#!/usr/bin/env python3
"""Logs in to Haven and prints the session cookie header value (for wrk). Benchmarks only."""
import http.cookiejar, re, sys, urllib.parse, urllib.request

base, user, password = sys.argv[1:4]
jar = http.cookiejar.CookieJar()
opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))
page = opener.open(base + "/login").read().decode()
csrf = re.search(r'name="csrf" value="([^"]+)"', page).group(1)
body = urllib.parse.urlencode({"csrf": csrf, "username": user, "password": password, "next": "/"}).encode()
req = urllib.request.Request(base + "/login", data=body, headers={"Origin": base})
opener.open(req).read()
print("; ".join(f"{c.name}={c.value}" for c in jar if c.name == "haven_session"))
