#!/usr/bin/env python3
"""load_keys.py PORT... --keys N --size BYTES: writes N string keys `key:<i>` spread over every slot,
each sent to the master that owns its slot (read from CLUSTER NODES via redis-cli), with
`redis-cli --pipe`. Used by the benchmarks to fill a cluster quickly."""
import argparse
import binascii
import subprocess


def slot_of(key: bytes) -> int:
    start = key.find(b"{")
    if start >= 0:
        end = key.find(b"}", start + 1)
        if end > start + 1:
            key = key[start + 1:end]
    return binascii.crc_hqx(key, 0) & 16383


def owners(port: int) -> list:
    """Slot -> owner port, from the seed's CLUSTER NODES."""
    text = subprocess.run(["redis-cli", "-p", str(port), "cluster", "nodes"],
                          capture_output=True, text=True, check=True).stdout
    table = [0] * 16384
    for line in text.splitlines():
        fields = line.split()
        owner_port = int(fields[1].split("@")[0].rsplit(":", 1)[1])
        for token in fields[8:]:
            if token.startswith("["):
                continue
            first, _, last = token.partition("-")
            for slot in range(int(first), int(last or first) + 1):
                table[slot] = owner_port
    return table


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("port", type=int)
    parser.add_argument("--keys", type=int, default=1_000_000)
    parser.add_argument("--size", type=int, default=50)
    args = parser.parse_args()
    table = owners(args.port)
    value = b"v" * args.size
    streams = {}
    for i in range(args.keys):
        key = b"key:%d" % i
        port = table[slot_of(key)]
        streams.setdefault(port, []).append(
            b"*3\r\n$3\r\nSET\r\n$%d\r\n%s\r\n$%d\r\n%s\r\n" % (len(key), key, len(value), value))
    for port, commands in streams.items():
        subprocess.run(["redis-cli", "-p", str(port), "--pipe"], input=b"".join(commands),
                       capture_output=True, check=True)


if __name__ == "__main__":
    main()
