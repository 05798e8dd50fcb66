"""Writes the TorchScript archives the worker loads for operations DJL 0.36 cannot call.

DJL 0.36's PyTorch binding maps no data-type code to bfloat16: asking it for a bfloat16 tensor
(NDArray.toType, NDManager.create) ends the JVM in its native code. PyTorch itself handles bfloat16,
so the few operations that produce bfloat16 tensors run inside a TorchScript module instead, and DJL
passes tensors in and out by handle. The worker bundles the output of this script as resources:

    python3 -m venv /tmp/hf && /tmp/hf/bin/pip install torch
    /tmp/hf/bin/python cocoon-worker/src/main/scripts/torchscript_ops.py \
        cocoon-worker/src/main/resources/network/cocoon/worker/inference/torchscript

Not part of the build: the archives are committed, and Bfloat16OpsTest checks what each method computes.
The archive written by PyTorch 2.13 loads in the PyTorch 2.7.1 that DJL 0.36 binds (TorchScript format 3).
"""
import sys
from pathlib import Path

import torch
import torch.nn.functional as F


class Bfloat16Ops(torch.nn.Module):
    """bfloat16 weights: the conversion to bfloat16 and the products over bfloat16 weights."""

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        """x rounded to bfloat16 (round to nearest, ties to even)."""
        return x.to(torch.bfloat16)

    @torch.jit.export
    def linear(self, x: torch.Tensor, weight: torch.Tensor) -> torch.Tensor:
        """x W^T with x rounded to the weight's type; the product returns as float32."""
        return F.linear(x.to(weight.dtype), weight).to(torch.float32)

    @torch.jit.export
    def linear_with_bias(self, x: torch.Tensor, weight: torch.Tensor, bias: torch.Tensor) -> torch.Tensor:
        """linear(x, weight) plus a bias (bfloat16 or float32), added in float32."""
        return F.linear(x.to(weight.dtype), weight).to(torch.float32) + bias


def main() -> None:
    out = Path(sys.argv[1])
    out.mkdir(parents=True, exist_ok=True)
    torch.jit.script(Bfloat16Ops()).save(str(out / "bfloat16_ops.pt"))


if __name__ == "__main__":
    main()
