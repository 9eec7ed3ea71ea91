#!/usr/bin/env python3
"""A webhook receiver on 127.0.0.1 for the demo: prints each statusd webhook document it gets as one
line (kind, rule, rate, codes) plus the full text, and checks the Standard Webhooks signature when
given the secret.  Usage: webhook-receiver.py PORT [SECRET]"""
import base64, hashlib, hmac, json, sys
from http.server import BaseHTTPRequestHandler, HTTPServer

PORT = int(sys.argv[1])
SECRET = sys.argv[2].encode() if len(sys.argv) > 2 else None


class Handler(BaseHTTPRequestHandler):
    def do_POST(self):
        body = self.rfile.read(int(self.headers.get("Content-Length", "0")))
        signed = ""
        if SECRET:
            msg = f"{self.headers.get('webhook-id')}.{self.headers.get('webhook-timestamp')}.".encode() + body
            want = "v1," + base64.b64encode(hmac.new(SECRET, msg, hashlib.sha256).digest()).decode()
            ok = any(hmac.compare_digest(want, s) for s in self.headers.get("webhook-signature", "").split())
            signed = " (signature ok)" if ok else " (BAD SIGNATURE)"
        try:
            doc = json.loads(body)
        except ValueError:
            doc = {}
        codes = ", ".join(f"{c['code']} x{c['count']}" for c in doc.get("codes", []))
        print(f"webhook: {doc.get('kind', doc.get('type', '?')).upper()} {doc.get('rule', '')} "
              f"rate {doc.get('rate', 0):.1%} [{codes}] key {doc.get('idempotency_key', '-')}{signed}", flush=True)
        if doc.get("text"):
            print(f"         {doc['text']}", flush=True)
        self.send_response(200)
        self.end_headers()

    def log_message(self, *args):
        pass


HTTPServer(("127.0.0.1", PORT), Handler).serve_forever()
