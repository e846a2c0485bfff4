"""A local SMTP sink for the signup example: accepts every message and saves it as an .eml file.

Started and stopped by `orchestrator run` (see services.yaml). Needs Debian's python3-aiosmtpd.
Messages go to $ORCHESTRATOR_WORKDIR/.orchestrator/mail/ (the folder `orchestrator run` was started in).
"""
import argparse
import os
import signal
import sys
import threading
import time
from email import message_from_bytes, policy

from aiosmtpd.controller import Controller


class SaveToFolder:
    def __init__(self, folder):
        self.folder = folder
        os.makedirs(folder, exist_ok=True)

    async def handle_DATA(self, server, session, envelope):
        name = time.strftime("%Y%m%d-%H%M%S") + f"-{time.time_ns() % 1_000_000:06d}.eml"
        path = os.path.join(self.folder, name)
        with open(path, "wb") as f:
            f.write(envelope.original_content or envelope.content)
        message = message_from_bytes(envelope.original_content or envelope.content, policy=policy.default)
        print(f"smtp-sink: saved {path}: to={','.join(envelope.rcpt_tos)} subject={message['subject']!r}",
              file=sys.stderr, flush=True)
        return "250 Message accepted for delivery"


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=2525)
    parser.add_argument("--out", default=os.path.join(os.environ.get("ORCHESTRATOR_WORKDIR", "."), ".orchestrator", "mail"))
    args = parser.parse_args()

    controller = Controller(SaveToFolder(args.out), hostname=args.host, port=args.port)
    controller.start()
    print(f"smtp-sink: listening on {args.host}:{args.port}, saving to {args.out}", file=sys.stderr, flush=True)
    stop = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stop.set())
    signal.signal(signal.SIGINT, lambda *_: stop.set())
    stop.wait()
    controller.stop()


if __name__ == "__main__":
    main()
