#!/usr/bin/env python3
"""A webhook receiver for statusd's integration tests, on 127.0.0.1 only.

Logs every request as one JSON line (arrival time, path, headers, body, the answer given and, with
--secret, whether the Standard Webhooks signature verifies) and answers as the mode file says, read
at each request:

  ok[:CODE]          2xx (default 200, body "ok")
  CODE               that status (500, 503, 404, 410, 400 ...)
  429:SECONDS        429 with Retry-After: SECONDS
  429date:SECONDS    429 with Retry-After as an HTTP date SECONDS ahead
  discord429:SECONDS 429 with Discord's JSON body {"retry_after": SECONDS}
  301                a redirect to /moved on the same receiver
  sleep:SECONDS      answers 200 after SECONDS (timeouts)
  acceptfail:CODE    the request takes effect (a service's state remembers it) but the answer is
                     CODE: an answer lost on the way back

With mode ok, paths of the paging and push services get their documented success answers and
the receiver keeps the services' idempotency state (rebuilt from the log at start, so it survives
a restart): a Matrix PUT .../send/m.room.message/TXN whose TXN was answered before gets the same
event_id and is logged with "dup": true (the homeserver posts nothing new); a PagerDuty event on
/v2/enqueue is logged with "open_before": whether its dedup_key had an open incident.

Refusing connections is done by stopping the receiver (the test kills it by its PID) and starting
it again on the same port.
"""
import argparse, base64, email.utils, hashlib, hmac, json, sys, threading, time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

p = argparse.ArgumentParser()
p.add_argument("--port", type=int, required=True)
p.add_argument("--log", required=True)
p.add_argument("--mode-file", required=True)
p.add_argument("--secret")
args = p.parse_args()
lock = threading.Lock()
matrix_events = {}   # txn path -> event id
pd_open = set()      # open PagerDuty dedup keys


def remember(record):
    """Applies a delivered request to the services' state."""
    if not (200 <= record["status"] < 300 or record.get("took_effect")):
        return
    path = record["path"]
    if record.get("method") == "PUT" and "/send/m.room.message/" in path:
        matrix_events.setdefault(path, "$ev%d" % (len(matrix_events) + 1))
    if path.endswith("/v2/enqueue"):
        try:
            doc = json.loads(record["body"])
        except ValueError:
            return
        if doc.get("event_action") == "trigger":
            pd_open.add(doc.get("dedup_key"))
        elif doc.get("event_action") == "resolve":
            pd_open.discard(doc.get("dedup_key"))


try:
    for line in open(args.log):
        try:
            remember(json.loads(line))
        except ValueError:
            pass
except OSError:
    pass


def service_answer(method, path, body):
    """(extra record fields, answer body) of a service's documented success."""
    extra, out = {}, b"ok"
    if method == "PUT" and "/send/m.room.message/" in path:
        extra["dup"] = path in matrix_events
        out = json.dumps({"event_id": matrix_events.get(path, "$ev%d" % (len(matrix_events) + 1))}).encode()
    elif path.endswith("/v2/enqueue"):
        try:
            doc = json.loads(body)
        except ValueError:
            doc = {}
        extra["open_before"] = doc.get("dedup_key") in pd_open
        out = json.dumps({"status": "success", "message": "Event processed", "dedup_key": doc.get("dedup_key")}).encode()
    elif path.startswith("/v2/alerts"):
        out = json.dumps({"result": "Request will be processed", "took": 0.01, "requestId": "r1"}).encode()
    elif "/sendMessage" in path:
        out = json.dumps({"ok": True, "result": {"message_id": 1}}).encode()
    return extra, out


def key():
    s = args.secret
    if s.startswith("whsec_"):
        return base64.b64decode(s[6:])
    return s.encode()


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, *a):
        pass

    def do_POST(self):
        arrived = time.time()
        n = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(n)
        try:
            mode = open(args.mode_file).read().strip() or "ok"
        except OSError:
            mode = "ok"
        sig_ok = None
        if args.secret:
            wid = self.headers.get("webhook-id", "")
            ts = self.headers.get("webhook-timestamp", "")
            signed = f"{wid}.{ts}.".encode() + body
            expected = base64.b64encode(hmac.new(key(), signed, hashlib.sha256).digest()).decode()
            got = [s.split(",", 1)[1] for s in self.headers.get("webhook-signature", "").split() if s.startswith("v1,")]
            sig_ok = any(hmac.compare_digest(expected, g) for g in got) and abs(time.time() - int(ts or 0)) < 300
        status, headers, out = 200, {}, b"ok"
        extra = {}
        kind, _, arg = mode.partition(":")
        if kind == "ok":
            status = int(arg) if arg else 200
            out = b"" if status == 204 else b"ok"
            with lock:
                extra, answer = service_answer(self.command, self.path, body)
            if answer != b"ok":
                out = answer
        elif kind == "429":
            status, headers, out = 429, {"Retry-After": arg}, b"rate limited"
        elif kind == "429date":
            status, headers, out = 429, {"Retry-After": email.utils.formatdate(time.time() + float(arg), usegmt=True)}, b"rate limited"
        elif kind == "discord429":
            status = 429
            out = json.dumps({"message": "You are being rate limited.", "retry_after": float(arg), "global": False}).encode()
            headers = {"Content-Type": "application/json"}
        elif kind == "301":
            status, headers, out = 301, {"Location": f"http://127.0.0.1:{args.port}/moved"}, b""
        elif kind == "acceptfail":
            with lock:
                extra, _ = service_answer(self.command, self.path, body)
            extra["took_effect"] = True
            status, out = int(arg), b"error"
        elif kind == "sleep":
            time.sleep(float(arg))
        else:
            status, out = int(kind), b"error"
        record = {"t": arrived, "method": self.command, "path": self.path, "headers": {k.lower(): v for k, v in self.headers.items()},
                  "body": body.decode("utf-8", "replace"), "status": status, "mode": mode, "sig_ok": sig_ok}
        record.update(extra)
        with lock:
            remember(record)
            with open(args.log, "a") as f:
                f.write(json.dumps(record) + "\n")
        self.send_response(status)
        for k, v in headers.items():
            self.send_header(k, v)
        self.send_header("Content-Length", str(len(out)))
        self.end_headers()
        self.wfile.write(out)


    do_PUT = do_POST


class Server(ThreadingHTTPServer):
    allow_reuse_address = True
    daemon_threads = True


srv = Server(("127.0.0.1", args.port), Handler)
print("listening", flush=True)
srv.serve_forever()
