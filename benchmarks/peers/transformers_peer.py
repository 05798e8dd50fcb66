#!/usr/bin/env python3
"""The peer comparison for InferenceBenchmark: Hugging Face transformers on the same checkpoint and machine.

1. Writes a SmolLM-135M-shaped Llama checkpoint (random weights, seed 7, float32) to --checkpoint, unless one
   is there: config.json and model.safetensors, as transformers reads them.
2. Measures transformers on it with the same workload InferenceBenchmark runs: prefill of a 128-token prompt
   (best of 3), then 32 greedy decode steps with the KV cache, for 1, 4 and 16 concurrent sequences, float32
   and bfloat16 weights; one process, PyTorch's default thread count (one per core, like the worker).
3. Prints the rows in InferenceBenchmark's format. Then run, on the same machine and right after:

    "$JAVA_HOME/bin/java" --enable-native-access=ALL-UNNAMED \
        -cp "benchmarks/target/benchmarks.jar:benchmarks/target/lib/*" \
        network.cocoon.benchmarks.InferenceBenchmark --checkpoint /tmp/cocoon-smol

Not part of CI (it installs PyTorch). Set it up once:
    python3 -m venv /tmp/hf && /tmp/hf/bin/pip install torch transformers safetensors
    /tmp/hf/bin/python benchmarks/peers/transformers_peer.py --checkpoint /tmp/cocoon-smol
"""
import argparse
import json
import os
import time

import torch
import transformers
from safetensors.torch import save_file
from transformers import AutoModelForCausalLM, LlamaConfig, LlamaForCausalLM

SMOL = dict(hidden_size=576, num_hidden_layers=30, num_attention_heads=9, num_key_value_heads=3,
            head_dim=64, intermediate_size=1536, vocab_size=49152, rms_norm_eps=1e-5, rope_theta=10000.0,
            max_position_embeddings=2048, tie_word_embeddings=True, hidden_act="silu", bos_token_id=0,
            eos_token_id=0, model_type="llama", architectures=["LlamaForCausalLM"])
PROMPT = 128
STEPS = 32


def make_checkpoint(directory):
    if os.path.exists(os.path.join(directory, "model.safetensors")):
        return
    os.makedirs(directory, exist_ok=True)
    torch.manual_seed(7)
    config = LlamaConfig(**{k: v for k, v in SMOL.items() if k not in ("model_type", "architectures")})
    model = LlamaForCausalLM(config).eval()
    with torch.no_grad():
        for name, p in model.named_parameters():
            if name.endswith("norm.weight"):
                p.fill_(1.0)
            else:
                p.normal_(0.0, 0.02)
    tensors = {k: v.contiguous() for k, v in model.state_dict().items() if k != "lm_head.weight"}
    save_file(tensors, os.path.join(directory, "model.safetensors"), metadata={"format": "pt"})
    with open(os.path.join(directory, "config.json"), "w") as f:
        json.dump(dict(SMOL, torch_dtype="float32"), f, indent=1)


def run(model, concurrency, generator):
    prompts = torch.randint(0, SMOL["vocab_size"], (concurrency, PROMPT), generator=generator)
    best = float("inf")
    with torch.inference_mode():
        for _ in range(3):
            start = time.perf_counter()
            out = model(prompts, use_cache=True)
            best = min(best, time.perf_counter() - start)
        past = out.past_key_values
        token = out.logits[:, -1, :].argmax(-1, keepdim=True)
        start = time.perf_counter()
        for _ in range(STEPS):
            out = model(token, past_key_values=past, use_cache=True)
            past = out.past_key_values
            token = out.logits[:, -1, :].argmax(-1, keepdim=True)
        decode = time.perf_counter() - start
    return concurrency * PROMPT / best, concurrency * STEPS / decode


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--checkpoint", default="/tmp/cocoon-smol")
    args = parser.parse_args()
    make_checkpoint(args.checkpoint)
    print(f"transformers {transformers.__version__}, torch {torch.__version__}, {torch.get_num_threads()} threads")
    for dtype in (torch.float32, torch.bfloat16):
        model = AutoModelForCausalLM.from_pretrained(args.checkpoint, dtype=dtype,
                                                     attn_implementation="sdpa").eval()
        generator = torch.Generator().manual_seed(1)
        print(f"\nHugging Face transformers, {str(dtype).replace('torch.', '')}, prompt {PROMPT}, {STEPS} decode steps")
        print("| concurrent | prefill tok/s | decode tok/s | decode ms/step |")
        print("| ---: | ---: | ---: | ---: |")
        for concurrency in (1, 4, 16):
            run(model, concurrency, generator)  # warm-up at this batch shape
            prefill, decode = run(model, concurrency, generator)
            print(f"| {concurrency} | {prefill:.0f} | {decode:.0f} | {1000 * concurrency / decode:.2f} |")


if __name__ == "__main__":
    main()
