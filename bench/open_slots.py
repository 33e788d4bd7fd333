#!/usr/bin/env python3
"""open_slots.py PORT --first F --count N [--seed S]: the shape of an interrupted many-slot migration.
Each slot F..F+N-1 is left MIGRATING on its owner and IMPORTING on a random other master, with a random
share of its keys already moved there, so that every master both gives and receives. Used by
bench/fix.sh (the hand-off scenario of docs/handoff.md). Speaks RESP itself over loopback sockets."""
import argparse
import random
import socket


class Node:
    """One connection, pipelined commands, replies parsed."""

    def __init__(self, port):
        self.sock = socket.create_connection(("127.0.0.1", port))
        self.file = self.sock.makefile("rb")

    def send(self, *commands):
        out = bytearray()
        for args in commands:
            out += b"*%d\r\n" % len(args)
            for arg in args:
                arg = arg if isinstance(arg, bytes) else str(arg).encode()
                out += b"$%d\r\n%s\r\n" % (len(arg), arg)
        self.sock.sendall(out)
        return [self.reply() for _ in commands]

    def reply(self):
        line = self.file.readline()[:-2]
        kind, rest = line[:1], line[1:]
        if kind == b"+":
            return rest.decode()
        if kind == b"-":
            raise RuntimeError(rest.decode())
        if kind == b":":
            return int(rest)
        if kind == b"$":
            size = int(rest)
            if size < 0:
                return None
            data = self.file.read(size + 2)[:-2]
            return data
        if kind == b"*":
            return [self.reply() for _ in range(int(rest))]
        raise RuntimeError(f"unexpected reply {line!r}")


def masters(seed):
    """id -> (port, owned slot set), from the seed's CLUSTER NODES."""
    text = seed.send(["CLUSTER", "NODES"])[0].decode()
    found = {}
    for line in text.splitlines():
        fields = line.split()
        if "master" not in fields[2]:
            continue
        port = int(fields[1].split("@")[0].rsplit(":", 1)[1])
        slots = set()
        for token in fields[8:]:
            if token.startswith("["):
                continue
            first, _, last = token.partition("-")
            slots.update(range(int(first), int(last or first) + 1))
        found[fields[0]] = (port, slots)
    return found


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("port", type=int)
    parser.add_argument("--first", type=int, default=0)
    parser.add_argument("--count", type=int, default=1000)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    rng = random.Random(args.seed)
    table = masters(Node(args.port))
    conns = {node: Node(port) for node, (port, _) in table.items()}
    ids = sorted(table)
    for slot in range(args.first, args.first + args.count):
        owner = next(node for node in ids if slot in table[node][1])
        other = rng.choice([node for node in ids if node != owner])
        conns[other].send(["CLUSTER", "SETSLOT", slot, "IMPORTING", owner])
        conns[owner].send(["CLUSTER", "SETSLOT", slot, "MIGRATING", other])
        keys = conns[owner].send(["CLUSTER", "GETKEYSINSLOT", slot, 1000])[0]
        share = rng.randint(0, len(keys))
        if share:
            conns[owner].send(["MIGRATE", "127.0.0.1", table[other][0], "", 0, 10000, "KEYS", *keys[:share]])


if __name__ == "__main__":
    main()
