/**
 * Tensor operations that DJL 0.36's PyTorch binding cannot call, run as small TorchScript modules that the
 * worker bundles (written by {@code src/main/scripts/torchscript_ops.py}). DJL passes tensors in and out by
 * handle, so the operations run in PyTorch's own native code on the model's device.
 */
package network.cocoon.worker.inference.torchscript;
