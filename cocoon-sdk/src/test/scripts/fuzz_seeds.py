#!/usr/bin/env python3
"""Seed corpora for the Jazzer fuzz targets (cocoon-sdk/src/test/java/network/cocoon/sdk/fuzz), from the golden
and real vectors. Jazzer reads them from <Class>Inputs/<method>/ beside the class on the test class path: in a
plain test run it runs each seed once (regression), with JAZZER_FUZZ=1 it starts from them.

    python3 cocoon-sdk/src/test/scripts/fuzz_seeds.py
"""
import json
import os

ROOT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "..", "..")
SDK_TEST = os.path.join(ROOT, "cocoon-sdk", "src", "test")
VECTORS = os.path.join(SDK_TEST, "resources", "vectors")
OUT = os.path.join(SDK_TEST, "resources", "network", "cocoon", "sdk", "fuzz")


def seeds(target, method, named):
    directory = os.path.join(OUT, target + "Inputs", method)
    os.makedirs(directory, exist_ok=True)
    for name, data in named.items():
        with open(os.path.join(directory, name), "wb") as f:
            f.write(data)


def main():
    golden = json.load(open(os.path.join(ROOT, "docs", "vectors", "cocoon-v1-golden.json")))
    hexed = bytes.fromhex
    seeds("SealedRequestFuzzTest", "openingAnyBytesEndsInASealingException", {
        "golden-chacha20poly1305": hexed(golden["request"]["sealed"]),
        "golden-aes128gcm": hexed(golden["aes128gcm"]["sealed"]),
    })
    seeds("SealedResponseFuzzTest", "anyResponseOrStreamOpensOrEndsInASealingException", {
        "golden-response": hexed(golden["response"]["sealed"]),
        "golden-stream": hexed(golden["stream"]["sealed"]),
    })
    seeds("KeyConfigFuzzTest", "anyKeyConfigDecodesOrIsRefused", {"golden": hexed(golden["keys"]["key_config"])})
    tdx = os.path.join(VECTORS, "tdx")
    seeds("TdxQuoteFuzzTest", "anyQuoteParsesOrIsRefused", {
        name: open(os.path.join(tdx, name), "rb").read() for name in ("tdx_quote", "tdx_quote_outdated")})
    seeds("TdxCollateralFuzzTest", "anyCollateralParsesOrIsRefused", {
        name: open(os.path.join(tdx, name + "_collateral.json"), "rb").read()
        for name in ("tdx_quote", "tdx_quote_outdated")})
    receipt = json.load(open(os.path.join(VECTORS, "cocoon-receipt.json")))
    channel = json.load(open(os.path.join(VECTORS, "ton-payment-channel.json")))
    semi = channel["signedSemiChannelA1"]
    payment = {"signed-receipt": b"\x00" + hexed(receipt["signedReceiptBoc"]),
               "signed-semi-channel": b"\x01" + hexed(semi["signedBoc"]),
               "semi-channel-state": b"\x02" + hexed(semi["unsignedBoc"])}
    seeds("PaymentBocFuzzTest", "anyBagOfCellsParsesOrIsRefused", payment)
    import base64
    registry = json.load(open(os.path.join(VECTORS, "ton-registry-get-workers.json")))
    slices = [e["slice"]["bytes"] for e in registry["response"]["result"]["stack"][0][1]["elements"]]
    registry_out = os.path.join(SDK_TEST, "resources", "network", "cocoon", "sdk", "routing",
                                "RegistryStackFuzzTestInputs", "anyGetWorkersStackParsesOrIsRefused")
    os.makedirs(registry_out, exist_ok=True)
    for i, b64 in enumerate(slices):
        # Shape byte 1: one tuple of one cell.
        with open(os.path.join(registry_out, "endpoint-%d" % i), "wb") as f:
            f.write(b"\x01" + base64.b64decode(b64))
    # The type byte follows ProtocolJsonFuzzTest.TYPES: request, response body, error, refusal, document.
    response_body = golden["response"]["body_utf8"].encode()
    seeds("ProtocolJsonFuzzTest", "anyBodyReadsOrIsRefused", {
        "request": b"\x00" + golden["request"]["body_utf8"].encode(),
        "response-body": b"\x01" + response_body,
        "error": b"\x02" + b'{"error":{"code":"busy","message":"worker busy"}}',
        "refusal": b"\x03" + json.dumps({"request_hash": golden["result"]["request_hash"], "code": "busy",
                                          "signature": "AA=="}).encode(),
        "attestation-document": b"\x04" + golden["attestation"]["document_json"].encode(),
    })


if __name__ == "__main__":
    main()
