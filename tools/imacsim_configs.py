#!/usr/bin/env python3
"""Writes configs/imacsim_mlp.json (IMAC-Sim's default architecture as an analog chain: tiles ->
SOT-MRAM neuron banks -> tiles, no converters) and configs/imacsim_mlp_mixed.json (the same
network and tiles through ADC -> the controller's nonlinear unit -> DAC).

IMAC-Sim splits a layer of n_in inputs and n_out outputs into ceil((n_in + 1) / 32) x
ceil(n_out / 32) tiles (the +1 is the bias row); the analog chain needs one neuron bank per
column block, averaging the row blocks' readouts, and one link per tile. Writing those 67 tiles
and their links by hand is error-prone, hence this script. Usage: tools/imacsim_configs.py
"""
import json
import math
import os

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
LAYERS = [(400, 120), (120, 84), (84, 10)]
# Readout gains. IMAC-Sim's are 30, 30, 10: its lines are loaded by the amplifier's resistors
# and develop a divider's voltage. Here the tiles deliver currents into a virtual ground, and
# mlp_inference sets each hidden bank's gain so that a pre-activation of 1 reaches the neuron's
# fitted scale (66 mV): 1.44 and 0.693 for this network (its results list them). Writing the
# same values here keeps the links' wire voltages (I x the I+ line's load, (1 + gain) kohm)
# consistent with the gain in use. The last layer is read linearly: its gain does not change
# the argmax, and IMAC-Sim's 10 is kept.
GAINS = [1.44, 0.693, 10]
T = 32  # tile rows and logical columns (64 physical columns: differential pairs)
WORKLOAD_NOTE = ("IMAC-Sim (iCAS-Lab; Amin et al., GLSVLSI 2022, arXiv:2204.09918) default "
                 "architecture: MLP 400-120-84-10 on 20x20 binarised Fashion-MNIST, 32x32 tiles "
                 "of differential ternary weights (+1 -> (5 kohm, 15 kohm), 0 -> (5 kohm, 5 kohm)), "
                 "a bias row from VDD, wire segments of 9.24 ohm along the input lines (rows) and 11.55 ohm along the output lines (columns), a layer split into "
                 "ceil((n_in+1)/32) x ceil(n_out/32) tiles, one inference per 1 ns window. ")


def tile(name, count=None, **extra):
    t = {"name": name, "type": "crossbar_tile"}
    if count is not None:
        t["count"] = count
    t.update({"rows": T, "cols": 2 * T, "device": "rram_imacsim", "zero_level": "g_max",
              "read_time": "1 ns", "wire_resistance": "9.24 ohm", "column_wire_resistance": "11.55 ohm",
              "ir_drop": False,
              "variation": False, "read_noise": False})
    t.update(extra)
    return t


def tiles_of(l, analog):
    """Component entries for layer l's tiles, in the order the mapper uses them (row-block
    major); returns (entries, name of block (rb, cb))."""
    n_in, n_out = LAYERS[l]
    R, C = math.ceil((n_in + 1) / T), math.ceil(n_out / T)
    periphery = ({"input_bits": 1, "dac": {"bits": 1}, "adc": {"bits": 0}} if analog else
                 {"input_bits": 8, "dac": {"bits": 8},
                  "adc": {"kind": "sar", "bits": 8, "shared_by_columns": 8}})
    entries, names = [], {}
    if l == 0 or not analog:
        entries.append(tile(f"l{l+1}t", R * C, **periphery))
        for rb in range(R):
            for cb in range(C):
                names[(rb, cb)] = f"l{l+1}t{rb * C + cb}"
        return entries, names, R, C
    # Later layers of the chain: the last row block takes fewer neurons and the bias row.
    data_last = n_in - (R - 1) * T
    entries.append(tile(f"l{l+1}t", (R - 1) * C, **periphery))
    entries.append(tile(f"l{l+1}b", C, ain_rows=data_last, bias_rows=1, **periphery))
    for rb in range(R):
        for cb in range(C):
            names[(rb, cb)] = (f"l{l+1}t{rb * C + cb}" if rb < R - 1 else f"l{l+1}b{cb}")
    return entries, names, R, C


def platform(analog):
    comps = [{"name": "ctrl", "type": "controller", "clock": "1 GHz",
              **({} if analog else {"nonlinear": {"kind": "lut"}})},
             {"name": "bus", "type": "router", "clock": "1 GHz", "width_bytes": 32}]
    conns = [{"from": "ctrl.out", "to": "bus.in"}]
    links = []
    names_of = []
    for l in range(len(LAYERS)):
        entries, names, R, C = tiles_of(l, analog)
        names_of.append((names, R, C))
        for e in entries:
            comps.append(e)
            conns.append({"from": "bus.out", "to": f"{e['name']}.in"})
    if analog:
        for l, (n_in, n_out) in enumerate(LAYERS):
            names, R, C = names_of[l]
            last = l == len(LAYERS) - 1
            for cb in range(C):
                cols = min(T, n_out - cb * T)
                bank = f"n{l+1}_{cb}"
                b = {"name": bank, "type": "neuron_bank", "neurons": cols, "parts": R,
                     "readout": {"gain": GAINS[l]}}
                if last:
                    b["mode"] = "linear"
                comps.append(b)
                conns.append({"from": "bus.out", "to": f"{bank}.in"})
                for rb in range(R):
                    link = {"from": f"{names[(rb, cb)]}.aout", "to": f"{bank}.ain{rb}"}
                    if cols < T:
                        link.update({"first": 0, "count": cols})
                    links.append(link)
                if not last:
                    nxt, R2, C2 = names_of[l + 1]
                    for cb2 in range(C2):
                        links.append({"from": f"{bank}.aout", "to": f"{nxt[(cb, cb2)]}.ain"})
    doc = {
        "neurotlm": 1,
        "name": "imacsim_mlp" if analog else "imacsim_mlp_mixed",
        "description": WORKLOAD_NOTE + (
            "Analog chain: each tile's differential column currents go to a bank of SOT-MRAM "
            "neurons (R_P 8488.26 ohm, R_AP 25464.79 ohm, rails 0 and 0.8 V, +0.4 V input shift) "
            "behind readout amplifiers, one bank per column block averaging the row blocks' "
            "readouts; the banks drive the next tiles' rows; the last layer is read out linearly "
            "for the argmax. No converter between layers. Generated by tools/imacsim_configs.py."
            if analog else
            "Mixed-signal chain on the same tiles: 8-bit SAR ADCs (one per 8 columns), partial "
            "sums added and the reverse sigmoid evaluated by the controller's look-up-table "
            "nonlinear unit, activations written back through 8-bit row DACs. Generated by "
            "tools/imacsim_configs.py."),
        "seed": 42,
        "technology": {"preset": "22nm", "vdd": "0.8 V"},
        "components": comps,
        "connections": conns + links,
        "workload": {
            "kind": "mlp_inference",
            "network": "../traces/fmnist_ternary_mlp.json",
            "dataset": {"format": "idx",
                        "images": "/usr/share/datasets/fashion-mnist/t10k-images-idx3-ubyte.gz",
                        "labels": "/usr/share/datasets/fashion-mnist/t10k-labels-idx1-ubyte.gz",
                        "limit": 1000,
                        "resize": {"height": 20, "width": 20},
                        "binarize": {"threshold": 0.25, "low": -1, "high": 1}},
        },
    }
    return doc


def dump(doc):
    # One component or connection a line: diffable, still readable.
    lines = ["{"]
    keys = list(doc)
    for i, k in enumerate(keys):
        end = "," if i < len(keys) - 1 else ""
        v = doc[k]
        if k in ("components", "connections"):
            lines.append(f'  "{k}": [')
            for j, e in enumerate(v):
                lines.append("    " + json.dumps(e) + ("," if j < len(v) - 1 else ""))
            lines.append("  ]" + end)
        else:
            lines.append(f"  {json.dumps(k)}: {json.dumps(v)}{end}")
    lines.append("}")
    return "\n".join(lines) + "\n"


if __name__ == "__main__":
    for analog, name in ((True, "imacsim_mlp"), (False, "imacsim_mlp_mixed")):
        with open(os.path.join(ROOT, "configs", name + ".json"), "w") as f:
            f.write(dump(platform(analog)))
