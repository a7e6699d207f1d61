#!/usr/bin/env python3
"""Rebuilds the committed seed corpus (fuzz/corpus/<target>/seed-*) from the repo's
recorded reference exchanges:

  crates/auth-rules/tests/reference/exchanges.json  (Better Auth requests)
  crates/api/tests/reference/exchanges.json         (oRPC RPC and OpenAPI requests)

plus a few hand-written edge cases. Each target gets at most MAX_PER_TARGET seeds,
none over 64 KiB. Run from anywhere: `python3 fuzz/corpus/make-seeds.py`.
"""
import base64, hashlib, hmac, json, os, urllib.parse

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
MAX_PER_TARGET = 64
MAX_BYTES = 64 * 1024
SECRET = "better-auth-secret-123456789012345678901234567890"

def load(rel):
    with open(os.path.join(ROOT, rel), encoding="utf-8") as f:
        return json.load(f)

def request_text(method, target, headers, body):
    head = f"{method} {target}\n" + "".join(f"{k}: {v}\n" for k, v in headers) + "\n"
    return head.encode() + (body or "").encode()

def header(headers, name):
    return next((v for k, v in headers if k.lower() == name), None)

seeds = {t: [] for t in ["cookies", "auth_body", "origin", "rpc_envelope", "multipart", "bracket", "openapi_input"]}

def add(target, data):
    if isinstance(data, str):
        data = data.encode()
    if len(data) <= MAX_BYTES and data not in seeds[target] and len(seeds[target]) < MAX_PER_TARGET:
        seeds[target].append(data)

def signed(secret, value):
    mac = base64.b64encode(hmac.new(secret.encode(), value.encode(), hashlib.sha256).digest()).decode()
    return urllib.parse.quote(f"{value}.{mac}", safe="-_.!~*'()")

# --- Better Auth -----------------------------------------------------------------
auth = load("crates/auth-rules/tests/reference/exchanges.json")
for x in auth:
    add("auth_body", request_text(x["method"], x["target"], x["headers"], x["body"]))
    for name in ("origin", "referer"):
        if header(x["headers"], name):
            add("origin", header(x["headers"], name))
    cookie = header(x["headers"], "cookie")
    if cookie:
        add("cookies", f"{SECRET}\n{cookie}")
    query = urllib.parse.urlsplit(x["target"]).query
    for k, v in urllib.parse.parse_qsl(query):
        if k == "callbackURL":
            add("origin", v)
    if x["body"] and x["body"].lstrip().startswith("{"):
        try:
            body = json.loads(x["body"])
        except ValueError:
            continue
        if isinstance(body, dict):
            for k in ("callbackURL", "newUserCallbackURL", "errorCallbackURL", "redirectTo"):
                if isinstance(body.get(k), str):
                    add("origin", body[k])

for value in ["abcdefghijklmnopqrstuvwxyzABCDEF", "a.b.c", "v;w=x", "ünïcødé"]:
    add("cookies", f"{SECRET}\nbetter-auth.session_token={signed(SECRET, value)}")
    add("cookies", f"{SECRET}\nx=1; __Secure-better-auth.session_token=\"{signed(SECRET, value)}\"; y")
add("cookies", f"{SECRET}\nbetter-auth.session_token=abc.OFkFZ1pNR49GziQ%2FbF5PlWCQ%2FHy%2Fg7jGNfO%2BGUDRY4c%3D")
add("cookies", "peer-reference-secret-0123456789abcdef\nDVuNK6inPZIKoDGgu8ONEHsAcppgCKoG.DK2AYSu2bmEoUzfv3FTqMYKrh8BZf0k7rUyAz3ErneA=")

for url in ["/", "/dashboard?x=1#y", "/..//evil.com", "/%2e%2e//evil.com", "/\\evil.com",
            "//evil.com", "/%2F/evil.com", "http://localhost:3000/a", "http://localhost:3001",
            "https://app.example.com/cb", "https://evil.com\nhttps://*.example.com",
            "myapp://callback\nmyapp://", "/a/../b", "/\t/evil.com", "http://localhost:3000@evil.com",
            "javascript:alert(1)", "HTTP://LOCALHOST:3000", "http://[::1]:3000\nhttp://*",
            # finding 1 of fuzz/README.md: no URL, yet 1.7.5 glob-matches it as text.
            "https://evil.com%00.example.com"]:
    add("origin", url)

# --- oRPC ------------------------------------------------------------------------
for envelope in ['{"json":{"a":"1","b":null},"meta":[[0,"a"],[2,"b"]]}',
                 '{"json":["2024-01-01T00:00:00.000Z",null,"/a+/gi","https://x.dev/"],"meta":[[1,0],[3,1],[5,2],[4,3]]}',
                 '{"json":[[1,1],[["k",{"v":1}]]],"meta":[[6,0],[7,1]]}',
                 '{"json":{"x":[1,2]},"meta":[[6,"x"],[7,"x"]]}', '{"meta":[[3]]}', 'null', '']:
    add("rpc_envelope", envelope)
api = load("crates/api/tests/reference/exchanges.json")
for x in api:
    target, body, headers = x["target"], x["body"], x["headers"]
    ctype = header(headers, "content-type") or ""
    if target.startswith("/rpc"):
        if body and ctype.lower().startswith("application/json"):
            add("rpc_envelope", body)
        for k, v in urllib.parse.parse_qsl(urllib.parse.urlsplit(target).query, keep_blank_values=True):
            if k == "data":
                add("rpc_envelope", v)
    if body and ctype.startswith("multipart/form-data"):
        params = ctype.split(";", 1)[1].strip() if ";" in ctype else ""
        add("multipart", params.encode() + b"\n" + body.encode())
    if body and ctype.startswith("application/x-www-form-urlencoded"):
        add("bracket", body)
    if target.startswith("/api-reference"):
        add("openapi_input", request_text(x["method"], target, headers, body))

for form in ["a[b]=1&a[c][]=2&a[c][]=3", "a[0]=x&a[2]=y", "a[]=1&a[x]=2", "a\\[b]=1", "x=1&x=2&x=3",
             "a[9999]=1", "a[10000]=1", "[a]=1&a[[b]]=2"]:
    add("bracket", form)
add("multipart", b'boundary=XyZ\n--XyZ\r\nContent-Disposition: form-data; name="data"\r\n\r\n'
    b'{"json":{"f":{}},"maps":[["f"]]}\r\n--XyZ\r\nContent-Disposition: form-data; name="0"; '
    b'filename="a.txt"\r\nContent-Type: Text/Plain\r\n\r\nhello\r\n--XyZ--\r\n')
add("openapi_input", request_text("POST", "/api-reference/echo", [("content-type", "text/plain")], "hi"))
add("openapi_input", request_text("POST", "/api-reference/echo", [("content-type", "image/png"), ("content-disposition", "attachment; filename*=UTF-8''%C3%A9.png")], "\x89PNG"))

for target, items in seeds.items():
    directory = os.path.join(HERE, target)
    if os.path.isdir(directory):
        for name in os.listdir(directory):
            if name.startswith("seed-"):
                os.remove(os.path.join(directory, name))
    os.makedirs(directory, exist_ok=True)
    for data in items:
        name = "seed-" + hashlib.sha1(data).hexdigest()[:16]
        with open(os.path.join(directory, name), "wb") as f:
            f.write(data)
    print(f"{target}: {len(items)} seeds")
