#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Sends one QMP command to a QEMU monitor socket and prints the answer.

    scripts/qmp.py SOCKET COMMAND [JSON_ARGUMENTS]
"""
import json
import socket
import sys


def main():
    path, command = sys.argv[1], sys.argv[2]
    arguments = json.loads(sys.argv[3]) if len(sys.argv) > 3 else None
    with socket.socket(socket.AF_UNIX) as sock:
        sock.settimeout(30)
        sock.connect(path)
        stream = sock.makefile("rw")
        stream.readline()  # the greeting

        def execute(name, args=None):
            request = {"execute": name}
            if args is not None:
                request["arguments"] = args
            stream.write(json.dumps(request) + "\n")
            stream.flush()
            while True:
                reply = json.loads(stream.readline())
                if "return" in reply or "error" in reply:
                    return reply

        execute("qmp_capabilities")
        reply = execute(command, arguments)
    print(json.dumps(reply))
    return 1 if "error" in reply else 0


if __name__ == "__main__":
    sys.exit(main())
