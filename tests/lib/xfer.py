#!/usr/bin/env python3
# SPDX-License-Identifier: ISC
"""One-shot listeners for the tests' lan host and gateway (no netcat or socat
on the test machines). Each serves one peer and exits, and never waits longer
than TIMEOUT seconds for anything, so a test cannot hang on it.

  xfer.py tcp-sink   ADDR PORT OUTFILE  TIMEOUT  accept one connection, write what it sends
  xfer.py tcp-source ADDR PORT INFILE   TIMEOUT  accept one connection, send INFILE, close
  xfer.py udp-sink   ADDR PORT OUTFILE  TIMEOUT  append each datagram (one per line) until TIMEOUT

The listener is ready when it prints "listening" on stdout.
"""
import socket
import sys
import time


def listen(kind, addr, port, timeout):
    s = socket.socket(socket.AF_INET, kind)
    s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    s.bind((addr, port))
    if kind == socket.SOCK_STREAM:
        s.listen(1)
    s.settimeout(timeout)
    print("listening", flush=True)
    return s


def tcp_sink(addr, port, path, timeout):
    srv = listen(socket.SOCK_STREAM, addr, port, timeout)
    conn, _ = srv.accept()
    conn.settimeout(timeout)
    total = 0
    with open(path, "wb") as out:
        while True:
            data = conn.recv(65536)
            if not data:
                break
            out.write(data)
            total += len(data)
    conn.close()
    print(f"received {total} bytes", flush=True)


def tcp_source(addr, port, path, timeout):
    srv = listen(socket.SOCK_STREAM, addr, port, timeout)
    conn, _ = srv.accept()
    conn.settimeout(timeout)
    with open(path, "rb") as f:
        conn.sendall(f.read())
    conn.shutdown(socket.SHUT_WR)
    conn.close()
    print("sent", flush=True)


def udp_sink(addr, port, path, timeout):
    srv = listen(socket.SOCK_DGRAM, addr, port, timeout)
    deadline = time.monotonic() + timeout
    with open(path, "ab", buffering=0) as out:
        while True:
            left = deadline - time.monotonic()
            if left <= 0:
                break
            srv.settimeout(left)
            try:
                data, _ = srv.recvfrom(65536)
            except socket.timeout:
                break
            out.write(data.rstrip(b"\n") + b"\n")


def main():
    if len(sys.argv) != 6:
        sys.exit(__doc__)
    mode, addr, port, path, timeout = sys.argv[1:]
    handlers = {"tcp-sink": tcp_sink, "tcp-source": tcp_source, "udp-sink": udp_sink}
    if mode not in handlers:
        sys.exit(__doc__)
    try:
        handlers[mode](addr, int(port), path, float(timeout))
    except socket.timeout:
        sys.exit(f"{mode}: timed out after {timeout}s")


if __name__ == "__main__":
    main()
