#!/usr/bin/env python3
"""A real SMTP server for statusd's email tests: Debian's python3-aiosmtpd on 127.0.0.1 only.

Each accepted message is delivered into a Maildir (--maildir; read back from its new/ folder) and
its envelope logged as one JSON line (--log: mail_from, rcpt_tos, the login used, whether the
session was inside TLS). --auth USER:PASS requires AUTH (PLAIN or LOGIN); --cert/--key offer
STARTTLS (and require it), or with --implicit serve TLS from the first byte. The mode file, read
at each message, says how DATA is answered: `ok` (250), or a code such as 451 or 554.
Stopped by its PID like the HTTP receivers.
"""
import argparse, json, mailbox, ssl, threading, time
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult, LoginPassword

p = argparse.ArgumentParser()
p.add_argument("--port", type=int, required=True)
p.add_argument("--maildir", required=True)
p.add_argument("--log", required=True)
p.add_argument("--mode-file", required=True)
p.add_argument("--auth")
p.add_argument("--cert")
p.add_argument("--key")
p.add_argument("--implicit", action="store_true")
args = p.parse_args()
lock = threading.Lock()
box = mailbox.Maildir(args.maildir, create=True)


class Handler:
    async def handle_DATA(self, server, session, envelope):
        try:
            mode = open(args.mode_file).read().strip() or "ok"
        except OSError:
            mode = "ok"
        record = {"t": time.time(), "mail_from": envelope.mail_from, "rcpt_tos": envelope.rcpt_tos, "mode": mode,
                  "login": (session.auth_data.decode() if isinstance(session.auth_data, bytes) else None),
                  "tls": session.ssl is not None or args.implicit}
        if mode != "ok":
            record["answer"] = mode
            answer = f"{mode} {'try again later' if mode.startswith('4') else 'refused'}"
        else:
            with lock:
                record["key"] = box.add(envelope.original_content)
            answer = "250 OK"
        with lock:
            with open(args.log, "a") as f:
                f.write(json.dumps(record) + "\n")
        return answer


def authenticator(server, session, envelope, mechanism, auth_data):
    if not isinstance(auth_data, LoginPassword):
        return AuthResult(success=False, handled=False)
    user, _, password = args.auth.partition(":")
    ok = auth_data.login.decode() == user and auth_data.password.decode() == password
    return AuthResult(success=ok, handled=False, auth_data=auth_data.login if ok else None)


kwargs = {}
if args.auth:
    kwargs.update(auth_required=True, auth_require_tls=False, authenticator=authenticator)
if args.cert:
    ctx = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    ctx.load_cert_chain(args.cert, args.key)
    if args.implicit:
        kwargs["ssl_context"] = ctx
    else:
        kwargs.update(tls_context=ctx, require_starttls=True)
controller = Controller(Handler(), hostname="127.0.0.1", port=args.port, server_hostname="mx.test", **kwargs)
controller.start()
print("listening", flush=True)
while True:
    time.sleep(3600)
