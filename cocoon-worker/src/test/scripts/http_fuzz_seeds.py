#!/usr/bin/env python3
"""Writes the seeds of HttpLayerFuzzTest: one HTTP/1.1 exchange per file, for each endpoint, with the golden
sealed request as the POST body (sealed to the golden key, not the fuzzed worker's, which is new each run), chunked
and pipelined variants.

    python3 cocoon-worker/src/test/scripts/http_fuzz_seeds.py
"""
import json
import os

ROOT = os.path.join(os.path.dirname(__file__), "..", "..", "..", "..")
OUT = os.path.join(ROOT, "cocoon-worker", "src", "test", "resources", "network", "cocoon", "worker", "server",
                   "HttpLayerFuzzTestInputs", "anyBytesOnTheWireAreAnsweredOrClosed")


def main():
    golden = json.load(open(os.path.join(ROOT, "docs", "vectors", "cocoon-v1-golden.json")))
    sealed = bytes.fromhex(golden["request"]["sealed"])
    post = (b"POST /v1/sealed HTTP/1.1\r\nHost: worker\r\nContent-Type: message/ohttp-req\r\n"
            b"Content-Length: %d\r\n\r\n" % len(sealed)) + sealed
    half = len(sealed) // 2
    chunked = (b"POST /v1/sealed HTTP/1.1\r\nHost: worker\r\nContent-Type: message/ohttp-req\r\n"
               b"Transfer-Encoding: chunked\r\n\r\n"
               + b"%x\r\n" % half + sealed[:half] + b"\r\n"
               + b"%x\r\n" % (len(sealed) - half) + sealed[half:] + b"\r\n0\r\n\r\n")
    seeds = {
        "healthz": b"GET /healthz HTTP/1.1\r\nHost: worker\r\n\r\n",
        "attestation": b"GET /v1/attestation?nonce=" + b"ab" * 32 + b" HTTP/1.1\r\nHost: worker\r\n\r\n",
        "sealed-post": post,
        "sealed-chunked": chunked,
        "pipelined": b"GET /readyz HTTP/1.1\r\nHost: worker\r\n\r\nGET /metrics HTTP/1.1\r\nHost: worker\r\n\r\n"
                     + post,
        "expect-continue": post.replace(b"Content-Type:", b"Expect: 100-continue\r\nContent-Type:", 1),
        "wrong-type": post.replace(b"message/ohttp-req", b"application/json", 1),
    }
    os.makedirs(OUT, exist_ok=True)
    for name, data in seeds.items():
        with open(os.path.join(OUT, name), "wb") as f:
            f.write(data)


if __name__ == "__main__":
    main()
