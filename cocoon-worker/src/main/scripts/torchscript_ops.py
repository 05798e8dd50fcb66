"""Writes the TorchScript archives the worker loads for operations DJL 0.36 cannot call.

DJL 0.36's PyTorch binding maps no data-type code to bfloat16: asking it for a bfloat16 tensor
(NDArray.toType, NDManager.create) ends the JVM in its native code. PyTorch itself handles bfloat16,
so the few operations that produce bfloat16 tensors run inside a TorchScript module instead, and DJL
passes tensors in and out by handle. The worker bundles the output of this script as resources:

    python3 -m venv /tmp/hf && /tmp/hf/bin/pip install torch
    /tmp/hf/bin/python cocoon-worker/src/main/scripts/torchscript_ops.py \
        cocoon-worker/src/main/resources/network/cocoon/worker/inference/torchscript

Not part of the build: the archives are committed, and Bfloat16OpsTest and Int8OpsTest check what each
method computes.
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


class Int8Ops(torch.nn.Module):
    """int8 weight-only products: int8 weights with one bfloat16 scale per output row."""

    def forward(self, x: torch.Tensor, weight: torch.Tensor, scales: torch.Tensor) -> torch.Tensor:
        """x (scales * W)^T for int8 W (out, in): x rounded to bfloat16, the product rounded to bfloat16 once
        and returned as float32."""
        rows = x.reshape(-1, x.size(-1))
        product = torch._weight_int8pack_mm(rows.to(torch.bfloat16), weight, scales)
        return product.to(torch.float32).reshape(x.shape[:-1] + [weight.size(0)])

    @torch.jit.export
    def linear_with_bias(self, x: torch.Tensor, weight: torch.Tensor, scales: torch.Tensor,
                         bias: torch.Tensor) -> torch.Tensor:
        """forward(x, weight, scales) plus a float32 bias, added in float32."""
        return self.forward(x, weight, scales) + bias

    @torch.jit.export
    def linear_widened(self, x: torch.Tensor, weight: torch.Tensor, row_scales: torch.Tensor) -> torch.Tensor:
        """x (scales * W)^T in float32 throughout, W widened for this product (exact: an int8 value times a
        bfloat16 scale fits float32): for many rows, where the int8 kernel's cost grows faster."""
        return F.linear(x, weight.to(torch.float32) * row_scales.unsqueeze(1))

    @torch.jit.export
    def linear_widened_with_bias(self, x: torch.Tensor, weight: torch.Tensor, row_scales: torch.Tensor,
                                 bias: torch.Tensor) -> torch.Tensor:
        """linear_widened plus a float32 bias."""
        return F.linear(x, weight.to(torch.float32) * row_scales.unsqueeze(1), bias)

    @torch.jit.export
    def bfloat16_scales(self, scales: torch.Tensor) -> torch.Tensor:
        """float32 scales, which the caller made exact in bfloat16, as the bfloat16 tensor the product takes."""
        return scales.to(torch.bfloat16)


def main() -> None:
    out = Path(sys.argv[1])
    out.mkdir(parents=True, exist_ok=True)
    torch.jit.script(Bfloat16Ops()).save(str(out / "bfloat16_ops.pt"))
    torch.jit.script(Int8Ops()).save(str(out / "int8_ops.pt"))


if __name__ == "__main__":
    main()
