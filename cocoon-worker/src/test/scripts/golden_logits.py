#!/usr/bin/env python3
"""Golden logits from Hugging Face transformers for small random Llama-family checkpoints.

Writes one folder per feature under cocoon-worker/src/test/resources/golden-logits/: the checkpoint exactly as
transformers reads it (config.json in the style under test, safetensors in the dtype under test, sharded where
said) and golden.json with the prompt token ids, float32 logits at every position, and the greedy continuation.
The Java tests (GoldenLogitsTest) need only those files, never Python.

Reference settings: transformers 5, float32, eager attention, CPU. Re-run with
    python3 -m venv /tmp/hf && /tmp/hf/bin/pip install torch transformers safetensors
    /tmp/hf/bin/python cocoon-worker/src/test/scripts/golden_logits.py
"""
import json
import os
import shutil
import sys

import torch
import transformers
from safetensors.torch import save_file
from transformers import AutoModelForCausalLM

OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "resources", "golden-logits")
VOCAB = 64
PROMPT = [3, 17, 42, 5, 9, 60, 33, 1, 28, 14, 50, 7]
GREEDY_TOKENS = 8

BASE = {
    "hidden_size": 64, "num_hidden_layers": 2, "num_attention_heads": 4, "num_key_value_heads": 2,
    "intermediate_size": 80, "vocab_size": VOCAB, "rms_norm_eps": 1e-5, "max_position_embeddings": 64,
    "bos_token_id": 1, "eos_token_id": 2, "tie_word_embeddings": False, "initializer_range": 0.02,
}

# name -> (config.json as written, weight dtype, shards)
CASES = {
    # transformers 4 style: top-level rope_theta; GQA, tied embeddings.
    "llama-gqa-tied": (dict(BASE, model_type="llama", architectures=["LlamaForCausalLM"], rope_theta=10000.0,
                            tie_word_embeddings=True, hidden_act="silu"), torch.float32, 1),
    # transformers 5 style: rope_theta and llama3 scaling under rope_parameters.
    "llama-rope-parameters-llama3": (dict(BASE, model_type="llama", architectures=["LlamaForCausalLM"],
                                          rope_parameters={"rope_type": "llama3", "rope_theta": 500000.0,
                                                           "factor": 8.0, "low_freq_factor": 1.0,
                                                           "high_freq_factor": 4.0,
                                                           "original_max_position_embeddings": 16}),
                                     torch.float32, 1),
    # transformers 5 style, default rope with a non-default theta (the case that ran at 10,000 before).
    "llama-rope-parameters-theta": (dict(BASE, model_type="llama", architectures=["LlamaForCausalLM"],
                                         rope_parameters={"rope_type": "default", "rope_theta": 1000.0}),
                                    torch.float32, 1),
    # transformers 4 style: legacy rope_scaling, linear.
    "llama-rope-linear": (dict(BASE, model_type="llama", architectures=["LlamaForCausalLM"], rope_theta=10000.0,
                               rope_scaling={"type": "linear", "factor": 2.0}), torch.float32, 1),
    # Every bias flag, tanh GELU.
    "llama-biases-gelu-tanh": (dict(BASE, model_type="llama", architectures=["LlamaForCausalLM"],
                                    attention_bias=True, mlp_bias=True, hidden_act="gelu_pytorch_tanh"),
                               torch.float32, 1),
    # Exact GELU with MLP biases only.
    "llama-mlp-bias-gelu": (dict(BASE, model_type="llama", architectures=["LlamaForCausalLM"], mlp_bias=True,
                                 hidden_act="gelu"), torch.float32, 1),
    # Attention biases only, quick GELU; no key/value grouping.
    "llama-attention-bias-quick-gelu": (dict(BASE, model_type="llama", architectures=["LlamaForCausalLM"],
                                             num_key_value_heads=4, attention_bias=True, hidden_act="quick_gelu"),
                                        torch.float32, 1),
    "llama-relu-mqa": (dict(BASE, model_type="llama", architectures=["LlamaForCausalLM"],
                                      hidden_act="relu", num_key_value_heads=1), torch.float32, 1),
    # Qwen2: q/k/v biases, none on o_proj.
    "qwen2": (dict(BASE, model_type="qwen2", architectures=["Qwen2ForCausalLM"], rope_theta=1000000.0,
                   use_sliding_window=False, sliding_window=4, max_window_layers=2), torch.float32, 1),
    # Mistral with a sliding window no shorter than the sequences the engine then allows.
    "mistral-sliding-window": (dict(BASE, model_type="mistral", architectures=["MistralForCausalLM"],
                                    sliding_window=24, head_dim=16), torch.float32, 1),
    # Half-precision checkpoints, one sharded.
    "llama-bf16-sharded": (dict(BASE, model_type="llama", architectures=["LlamaForCausalLM"]), torch.bfloat16, 3),
    "llama-fp16": (dict(BASE, model_type="llama", architectures=["LlamaForCausalLM"], hidden_act="gelu_new"),
                   torch.float16, 1),
}


def randomize(model, seed):
    """Weights large enough to make every feature matter (the default init leaves biases at zero)."""
    gen = torch.Generator().manual_seed(seed)
    with torch.no_grad():
        for name, p in model.named_parameters():
            noise = torch.randn(p.shape, generator=gen, dtype=torch.float32)
            if name.endswith("norm.weight"):
                p.copy_(1.0 + 0.1 * noise)
            else:
                p.copy_(0.15 * noise)


def write_weights(model, folder, dtype, shards):
    tensors = {k: v.detach().to(dtype).contiguous() for k, v in model.state_dict().items()}
    if model.config.tie_word_embeddings:
        tensors.pop("lm_head.weight", None)
    names = sorted(tensors)
    if shards == 1:
        save_file(tensors, os.path.join(folder, "model.safetensors"), metadata={"format": "pt"})
        return
    index = {"metadata": {}, "weight_map": {}}
    for i in range(shards):
        part = names[i::shards]
        file = f"model-{i + 1:05d}-of-{shards:05d}.safetensors"
        save_file({k: tensors[k] for k in part}, os.path.join(folder, file), metadata={"format": "pt"})
        for k in part:
            index["weight_map"][k] = file
    with open(os.path.join(folder, "model.safetensors.index.json"), "w") as f:
        json.dump(index, f, indent=2, sort_keys=True)


def main():
    torch.manual_seed(0)
    torch.set_num_threads(1)
    shutil.rmtree(OUT, ignore_errors=True)
    os.makedirs(OUT)
    for i, (name, (config_json, dtype, shards)) in enumerate(CASES.items()):
        folder = os.path.join(OUT, name)
        os.makedirs(folder)
        with open(os.path.join(folder, "config.json"), "w") as f:
            json.dump(config_json, f, indent=2)
        # Build from the config file as written, so transformers interprets exactly what the engine reads.
        config = transformers.AutoConfig.from_pretrained(folder)
        model = AutoModelForCausalLM.from_config(config, dtype=torch.float32, attn_implementation="eager")
        randomize(model, 1000 + i)
        write_weights(model, folder, dtype, shards)
        # Reload the files, so half-precision rounding is in the reference too.
        model = AutoModelForCausalLM.from_pretrained(folder, dtype=torch.float32, attn_implementation="eager")
        model.eval()
        ids = torch.tensor([PROMPT])
        with torch.no_grad():
            logits = model(ids).logits[0].to(torch.float32)
            greedy = model.generate(ids, max_new_tokens=GREEDY_TOKENS, do_sample=False, eos_token_id=None,
                                    pad_token_id=0, min_new_tokens=GREEDY_TOKENS)[0, len(PROMPT):]
        golden = {
            "source": f"transformers {transformers.__version__}, torch {torch.__version__}, float32, eager attention",
            "prompt": PROMPT,
            "logits": [[float(x) for x in row] for row in logits.tolist()],
            "greedy": [int(t) for t in greedy.tolist()],
        }
        with open(os.path.join(folder, "golden.json"), "w") as f:
            json.dump(golden, f)
        print(f"{name}: {logits.shape[0]} positions, greedy {golden['greedy']}", file=sys.stderr)


if __name__ == "__main__":
    main()
