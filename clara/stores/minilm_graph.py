"""all-MiniLM-L6-v2 rewritten as the plain ONNX graph onnxruntime runs fastest on a CPU, then quantised to int8.

The pinned file is a torch-dynamo export: int8 weights dequantised (Cast, Mul) in front of float MatMuls, and each
attention spelt as some twenty small ops (reshapes, transposes, a scale on both Q and K, a padding mask built with
GatherND, a NaN guard after the softmax). onnxruntime's transformer optimiser does not recognise that attention,
so it ran unfused: a third of the time of a run. We read the weights by their names and write the same network
again with onnxruntime's fused `MultiHeadAttention`, for our one use of it: one text per run, so no padding and
no mask, and token type 0 throughout (its embedding is folded into the word table). Then every MatMul is
quantised dynamically, per channel (int8 arithmetic, VNNI where the CPU has it).

Measured on the shipped corpus (AMD EPYC, one core): 17.8 -> 15.3 ms of CPU per chunk against the previous
derivation, 2.6x faster than the pinned file; before quantising, the rebuilt graph's vectors equal the pinned
file's (tested), after it they stay within cosine 0.98.
"""

from __future__ import annotations

import re
from pathlib import Path

import numpy as np

HEADS = 12  # all-MiniLM-L6-v2: 12 heads of 32 over a 384-wide hidden state
OUTPUT = "last_hidden_state"
_EMBEDDINGS = "inner.embeddings"
_LAYER = "inner.encoder.layer.{}"


def derive(source: Path, work: Path) -> Path:
    """The quantised model derived from the pinned `source`, written under `work`; returns its path."""
    import onnx
    from onnxruntime.quantization import QuantType, quantize_dynamic

    folded, rebuilt, quantized = work / "folded.onnx", work / "float32.onnx", work / "int8.onnx"
    fold(source, folded)
    rebuild(folded, rebuilt)
    quantize_dynamic(rebuilt, quantized, weight_type=QuantType.QInt8, per_channel=True,
                     extra_options={"DefaultTensorType": onnx.TensorProto.FLOAT})  # MultiHeadAttention's outputs
    return quantized


def fold(source: Path, target: Path) -> None:
    """`source` with constants folded (onnxruntime's basic optimisations): the int8 weights become float ones."""
    import onnxruntime as ort

    options = ort.SessionOptions()
    options.graph_optimization_level = ort.GraphOptimizationLevel.ORT_ENABLE_BASIC
    options.optimized_model_filepath = str(target)
    options.log_severity_level = 3
    ort.InferenceSession(str(source), sess_options=options, providers=["CPUExecutionProvider"])


def rebuild(folded: Path, target: Path) -> None:
    """Write the encoder in `folded` again, input_ids in, last hidden state out, with fused attention."""
    import onnx
    from onnx import TensorProto, helper, numpy_helper

    source = onnx.load(str(folded)).graph
    weights = {t.name: numpy_helper.to_array(t) for t in source.initializer}
    producer = {output: node for node in source.node for output in node.output}
    epsilon = next(a.f for n in source.node if n.op_type == "LayerNormalization" for a in n.attribute
                   if a.name == "epsilon")

    def linear(prefix: str) -> tuple[np.ndarray, np.ndarray]:
        """A dense layer's (weight, bias): the bias is named, its weight is the MatMul the bias Add follows."""
        bias = f"{prefix}.bias"
        add = next(n for n in source.node if n.op_type == "Add" and bias in n.input)
        matmul = producer[next(i for i in add.input if i != bias)]
        return weights[matmul.input[1]], weights[bias]

    initializers: list[TensorProto] = []
    nodes: list[onnx.NodeProto] = []

    def const(name: str, value: np.ndarray) -> str:
        initializers.append(numpy_helper.from_array(np.ascontiguousarray(value), name))
        return name

    def layer_norm(x: str, prefix: str, out: str) -> None:
        nodes.append(helper.make_node(
            "LayerNormalization", [x, const(f"{prefix}.g", weights[f"{prefix}.weight"]),
                                   const(f"{prefix}.b", weights[f"{prefix}.bias"])],
            [out], axis=-1, epsilon=epsilon))

    def dense(x: str, prefix: str, out: str) -> None:
        weight, bias = linear(prefix)
        nodes.append(helper.make_node("MatMul", [x, const(f"{prefix}.w", weight)], [f"{out}.mm"]))
        nodes.append(helper.make_node("Add", [f"{out}.mm", const(f"{prefix}.b", bias)], [out]))

    e = _EMBEDDINGS
    words = weights[f"{e}.word_embeddings.weight"] + weights[f"{e}.token_type_embeddings.weight"][0]
    nodes += [
        helper.make_node("Gather", [const("words", words), "input_ids"], ["tokens"]),
        helper.make_node("Shape", ["input_ids"], ["length"], start=1, end=2),
        helper.make_node("Slice", [const("positions", weights[f"{e}.position_embeddings.weight"]),
                                   const("zero", np.array([0], np.int64)), "length",
                                   const("axis0", np.array([0], np.int64))], ["placed"]),
        helper.make_node("Add", ["tokens", "placed"], ["embedded"]),
    ]
    layer_norm("embedded", f"{e}.LayerNorm", "x0")

    layers = 1 + max(int(m[1]) for name in weights if (m := re.match(r"inner\.encoder\.layer\.(\d+)\.", name)))
    x = "x0"
    for n in range(layers):
        p = _LAYER.format(n)
        for part in ("query", "key", "value"):
            dense(x, f"{p}.attention.self.{part}", f"{p}.{part}")
        nodes.append(helper.make_node("MultiHeadAttention", [f"{p}.query", f"{p}.key", f"{p}.value"],
                                      [f"{p}.attended"], domain="com.microsoft", num_heads=HEADS))
        dense(f"{p}.attended", f"{p}.attention.output.dense", f"{p}.projected")
        nodes.append(helper.make_node("Add", [f"{p}.projected", x], [f"{p}.residual1"]))
        layer_norm(f"{p}.residual1", f"{p}.attention.output.LayerNorm", f"{p}.normed")
        dense(f"{p}.normed", f"{p}.intermediate.dense", f"{p}.widened")
        nodes.append(helper.make_node("Gelu", [f"{p}.widened"], [f"{p}.activated"], domain="com.microsoft"))
        dense(f"{p}.activated", f"{p}.output.dense", f"{p}.narrowed")
        nodes.append(helper.make_node("Add", [f"{p}.narrowed", f"{p}.normed"], [f"{p}.residual2"]))
        x = OUTPUT if n == layers - 1 else f"{p}.out"
        layer_norm(f"{p}.residual2", f"{p}.output.LayerNorm", x)

    hidden = words.shape[1]
    graph = helper.make_graph(
        nodes, "all-MiniLM-L6-v2",
        [helper.make_tensor_value_info("input_ids", TensorProto.INT64, ["batch", "sequence"])],
        [helper.make_tensor_value_info(OUTPUT, TensorProto.FLOAT, ["batch", "sequence", hidden])],
        initializers,
    )
    opsets = [helper.make_opsetid("", 17), helper.make_opsetid("com.microsoft", 1)]
    model = helper.make_model(graph, opset_imports=opsets)
    onnx.checker.check_model(model)
    onnx.save(model, str(target))
