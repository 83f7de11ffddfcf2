#!/usr/bin/env python3
"""Regenerates the malformed-configuration corpus from good/small_trace.json.

Each case is one file NN_name.json plus a line in EXPECTED: the file name, a tab, and a text
the error message must contain (usually the JSON pointer). Run from this folder.
"""
import copy, json, os

base = json.load(open("../good/small_trace.json"))
cases = []

def case(name, expect, mutate=None, text=None):
    cases.append((name, expect, mutate, text))

def comp(i, **kv):
    def m(d):
        d["components"][i].update(kv)
    return m

case("syntax_trailing_comma", "not valid JSON", text='{"neurotlm": 1, "components": [],}\n')
case("syntax_truncated", "not valid JSON", text='{"neurotlm": 1, "components": [\n')
case("nan_literal", "not valid JSON", text='{"neurotlm": 1, "seed": NaN}\n')
case("infinity_literal", "not valid JSON", text='{"neurotlm": 1, "seed": Infinity}\n')
case("not_an_object", "expected an object", text='[1, 2, 3]\n')
case("empty_file", "not valid JSON", text='')
case("version_missing", "/neurotlm", lambda d: d.pop("neurotlm"))
case("version_wrong", "/neurotlm", lambda d: d.update(neurotlm=2))
case("unknown_top_key", "/componets", lambda d: d.update(componets=[]))
case("components_not_array", "/components", lambda d: d.update(components={"a": 1}))
case("components_empty", "/components", lambda d: d.update(components=[]))
case("component_not_object", "/components/1", lambda d: d["components"].__setitem__(1, "bus"))
case("type_missing", "/components/2/type", lambda d: d["components"][2].pop("type"))
case("type_unknown", "/components/2/type", comp(2, type="crossbar"))
case("name_missing", "/components/1/name", lambda d: d["components"][1].pop("name"))
case("name_invalid", "/components/2/name", comp(2, name="tile-1"))
case("name_duplicate", "/components/1/name", comp(1, name="ctrl"))
case("rows_negative", "/components/2/rows", comp(2, rows=-3))
case("rows_zero", "/components/2/rows", comp(2, rows=0))
case("rows_absurd", "/components/2/rows", comp(2, rows=100000))
case("rows_string", "/components/2/rows", comp(2, rows="many"))
case("rows_fraction", "/components/2/rows", comp(2, rows=8.5))
case("cols_odd_differential", "/components/2/cols", comp(2, cols=7))
case("count_zero", "/components/2/count", comp(2, count=0))
case("count_absurd", "/components/2/count", comp(2, count=1000000))
case("unit_unknown", "/components/2/read_time", comp(2, read_time="10 parsecs"))
case("unit_wrong_kind", "/components/2/read_time", comp(2, read_time="5 kohm"))
case("unit_nan_string", "/components/2/read_time", comp(2, read_time="nan s"))
case("unit_inf_string", "/components/2/read_time", comp(2, read_time="inf s"))
case("quantity_negative", "/components/1/clock", comp(1, clock="-1 GHz"))
case("quantity_zero", "/components/2/read_time", comp(2, read_time="0 ns"))
case("unknown_component_key", "/components/2/colums", comp(2, colums=8))
case("adc_bits_absurd", "/components/2/adc/bits", comp(2, adc={"bits": 40}))
case("adc_not_object", "/components/2/adc", comp(2, adc=5))
case("adc_unknown_key", "/components/2/adc/bitz", comp(2, adc={"bitz": 5}))
case("mapping_unknown", "/components/2/mapping", comp(2, mapping="diagonal"))
case("bool_as_string", "/components/2/ir_drop", comp(2, ir_drop="yes"))
case("ir_drop_without_wires", "/components/2/wire_resistance", comp(2, ir_drop=True))
case("device_unknown", "/components/2/device", comp(2, device="unobtainium"))
case("device_preset_unknown", "/devices/x/preset",
     lambda d: (d.update(devices={"x": {"preset": "nope"}}), d["components"][2].update(device="x")))
case("device_roff_below_ron", "/devices/x/r_off",
     lambda d: (d.update(devices={"x": {"type": "rram", "r_on": "10 kohm", "r_off": "5 kohm"}}),
                d["components"][2].update(device="x")))
case("device_sigma_negative", "/devices/x/variation_sigma",
     lambda d: (d.update(devices={"x": {"preset": "rram_imacsim", "variation_sigma": -0.1}}),
                d["components"][2].update(device="x")))
case("device_wrong_family_key", "/devices/x/r_p",
     lambda d: (d.update(devices={"x": {"preset": "rram_imacsim", "r_p": "5 kohm"}}),
                d["components"][2].update(device="x")))
case("device_type_unknown", "/devices/x/type",
     lambda d: (d.update(devices={"x": {"type": "flash", "r_on": 1, "r_off": 2}}),
                d["components"][2].update(device="x")))
case("devices_not_object", "/devices", lambda d: d.update(devices=[1]))
case("seed_negative", "/seed", lambda d: d.update(seed=-1))
case("seed_string", "/seed", lambda d: d.update(seed="forty-two"))
case("quantum_zero", "/quantum", lambda d: d.update(quantum="0 s"))
case("connections_not_array", "/connections", lambda d: d.update(connections={}))
case("connection_from_unknown", "/connections/0/from",
     lambda d: d["connections"][0].update({"from": "cpu.out"}))
case("connection_to_unknown", "/connections/1/to",
     lambda d: d["connections"][1].update(to="tiles.in"))
case("connection_endpoint_no_socket", "/connections/0/to",
     lambda d: d["connections"][0].update(to="bus"))
case("connection_unknown_key", "/connections/0/width",
     lambda d: d["connections"][0].update(width=32))
case("connection_missing_to", "/connections/0/to", lambda d: d["connections"][0].pop("to"))
case("connection_from_target_socket", "/connections/0/from",
     lambda d: d["connections"][0].update({"from": "ctrl.in"}))
case("connection_to_initiator_only", "/connections/2/to",
     lambda d: d["connections"].append({"from": "bus.out", "to": "ctrl.in", "base": 0, "size": 4096}))
case("connection_range_on_point_to_point", "/connections/0/base",
     lambda d: d["connections"][0].update(base="0x0"))
case("connection_size_zero", "/connections/1/size",
     lambda d: d["connections"][1].update(size=0))
case("connection_size_too_small", "/connections/1/size",
     lambda d: d["connections"][1].update(size="1 KiB"))
case("connection_base_not_address", "/connections/1/base",
     lambda d: d["connections"][1].update(base="0xZZ"))
case("connection_twice_to_target", "/connections/2/to",
     lambda d: d["connections"].append({"from": "bus.out", "to": "tile0.in", "base": "0x8000000",
                                        "size": "2 MiB"}))
def overlap(d):
    d["components"][2]["count"] = 1
    d["components"].append({"name": "other", "type": "crossbar_tile", "rows": 8, "cols": 8})
    d["connections"].append({"from": "bus.out", "to": "other.in", "base": "0x1100000",
                             "size": "2 MiB"})
case("address_overlap", "/connections/2/base", overlap)
case("component_dangling", "/components/3",
     lambda d: d["components"].append({"name": "lonely", "type": "crossbar_tile"}))
case("router_routes_nowhere", "routes to nothing", lambda d: d["connections"].pop(1))
case("controller_unconnected", "/connections", lambda d: d["connections"].pop(0))
def loop(d):
    d["components"].append({"name": "bus2", "type": "router"})
    d["connections"].append({"from": "bus.out", "to": "bus2.in", "base": "0x4000000",
                             "size": "16 MiB"})
    d["connections"].append({"from": "bus2.out", "to": "bus.in", "base": "0x0", "size": "16 MiB"})
case("router_loop", "a loop", loop)
case("two_controllers", "/components",
     lambda d: d["components"].append({"name": "ctrl2", "type": "controller"}))
case("workload_kind_unknown", "/workload/kind", lambda d: d["workload"].update(kind="train"))
case("workload_kind_missing", "/workload/kind", lambda d: d["workload"].pop("kind"))
case("workload_unknown_key", "/workload/files", lambda d: d["workload"].update(files="x"))
case("workload_trace_missing_key", "/workload/file", lambda d: d["workload"].pop("file"))
case("workload_trace_file_absent", "/workload/file",
     lambda d: d["workload"].update(file="no_such_trace.jsonl"))
case("workload_absent_component", "absent_component.jsonl:1",
     lambda d: d["workload"].update(file="../traces/absent_component.jsonl"))
case("workload_trace_bad_op", "bad_op.jsonl:2",
     lambda d: d["workload"].update(file="../traces/bad_op.jsonl"))
case("workload_trace_too_wide", "too_wide.jsonl:1",
     lambda d: d["workload"].update(file="../traces/too_wide.jsonl"))
case("workload_trace_collect_first", "collect_first.jsonl:2",
     lambda d: d["workload"].update(file="../traces/collect_first.jsonl"))
case("workload_trace_not_json", "not_json.jsonl:1",
     lambda d: d["workload"].update(file="../traces/not_json.jsonl"))
case("workload_network_absent", "/workload/network",
     lambda d: d.update(workload={"kind": "mlp_inference", "network": "nothing_here.json"}))
case("workload_mlp_missing_network", "/workload/network",
     lambda d: d.update(workload={"kind": "mlp_inference"}))
case("workload_mlp_dataset_absent", "/workload/dataset/images",
     lambda d: d.update(workload={"kind": "mlp_inference", "network": "../networks/tiny.json",
                                  "dataset": {"images": "no_such.idx", "labels": ""}}))
case("workload_missing", "/workload", lambda d: d.pop("workload"))
case("name_with_slash", "/name", lambda d: d.update(name="../../escape"))
case("clock_too_slow", "/components/1/clock", comp(1, clock="1e-300 Hz"))
case("clock_too_fast", "/components/1/clock", comp(1, clock="9 THz"))
case("quantum_below_resolution", "/quantum", lambda d: d.update(quantum="1e-30 s"))
case("number_beyond_double", "not valid JSON", text='{"neurotlm": 1, "seed": 1e400}\n')
case("group_range_wraps", "/connections/1/size",
     lambda d: d["connections"][1].update(base="0xFFFFFFFFFFF00000", size="1 MiB"))
case("workload_trace_second_start", "second_start.jsonl:3",
     lambda d: d["workload"].update(file="../traces/second_start.jsonl"))
case("workload_trace_float_overflow", "float_overflow.jsonl:2",
     lambda d: d["workload"].update(file="../traces/float_overflow.jsonl"))
case("workload_trace_number_beyond_double", "beyond_double.jsonl:1",
     lambda d: d["workload"].update(file="../traces/beyond_double.jsonl"))
def hop(**comp_kv):
    def m(d, wl=None):
        c = {"name": "hop", "type": "hopfield_array", "neurons": 32, "memories": 2}
        c.update(comp_kv)
        d["components"][2] = c
        d["connections"][1] = {"from": "bus.out", "to": "hop.in"}
        d["workload"] = {"kind": "hopfield_recall",
                         "memories": [{"source": "random", "count": 3}]}
    return m
def hop_wl(**wl_kv):
    def m(d):
        hop()(d)
        d["workload"].update(wl_kv)
    return m
case("hopfield_neurons_zero", "/components/2/neurons", hop(neurons=0))
case("hopfield_storage_unknown", "/components/2/storage", hop(storage="analog"))
case("hopfield_pairs_without_multilevel", "/components/2/pairs_per_weight", hop(pairs_per_weight=3))
case("hopfield_too_many_memories", "/workload/memories",
     hop_wl(memories=[{"source": "random", "count": 2}] * 3))
case("hopfield_memory_source_unknown", "/workload/memories/0/source",
     hop_wl(memories=[{"source": "camera", "count": 2}]))
case("hopfield_random_count_zero", "/workload/memories/0/count",
     hop_wl(memories=[{"source": "random", "count": 0}]))
case("hopfield_npy_missing", "/workload/memories/0/file",
     hop_wl(memories=[{"source": "npy", "file": "nope.npy"}]))
case("hopfield_npy_wrong_width", "/workload/memories/0/file",
     hop_wl(memories=[{"source": "npy", "file": "../../../traces/fmnist_mlp_fc2_w.npy"}]))
case("hopfield_too_many_patterns", "/workload/memories/0",
     hop_wl(memories=[{"source": "random", "count": 300}]))
case("hopfield_flip_fraction_above_one", "/workload/probes/flip_fraction",
     hop_wl(probes={"flip_fraction": 1.5}))
case("hopfield_recall_unknown_memory", "/workload/recall/1",
     hop_wl(recall=[0, 4]))
case("hopfield_component_wrong_type", "/workload/component",
     hop_wl(component="bus"))
def mlp(network="../networks/tiny.json", images="../tiny/images-idx3-ubyte.gz",
        labels="../tiny/labels-idx1-ubyte.gz"):
    def m(d):
        d["components"][2].update(count=5, rows=16, cols=16)
        d["workload"] = {"kind": "mlp_inference", "network": network,
                         "dataset": {"images": images, "labels": labels, "limit": 0}}
    return m
case("network_npy_truncated", "/workload/network", mlp(network="../networks/truncated_weights.json"))
case("network_npy_lying_shape", "/workload/network", mlp(network="../networks/lying_weights.json"))
case("network_npy_not_npy", "/workload/network", mlp(network="../networks/not_npy_weights.json"))
case("network_npy_bad_dtype", "/workload/network", mlp(network="../networks/bad_dtype_weights.json"))
case("idx_truncated", "/workload/dataset/images", mlp(images="../bad_files/truncated-images.gz", labels=""))
case("idx_lying_count", "memory limit", mlp(images="../bad_files/lying-count-images.gz", labels=""))
case("idx_huge_dimensions", "memory limit", mlp(images="../bad_files/huge-dims-images.gz", labels=""))
case("idx_corrupt_gzip", "/workload/dataset/images", mlp(images="../bad_files/corrupt-gzip-images.gz", labels=""))
case("idx_labels_wrong_magic", "/workload/dataset/labels", mlp(labels="../bad_files/wrong-magic-labels.gz"))
case("idx_labels_count_mismatch", "/workload/dataset/labels", mlp(labels="../bad_files/label-count-mismatch.gz"))
case("idx_images_are_a_network", "/workload/dataset/images", mlp(images="../networks/tiny.json", labels=""))
case("idx_image_size_mismatch", "/workload/dataset/images", mlp(network="../../../traces/fmnist_mlp.json"))
case("flat_dotted_key", "/components/2/adc.bits", lambda d: d["components"][2].update({"adc.bits": 3}))
case("absurd_read_time", "/components/2/read_time", comp(2, read_time="1e300 s"))
case("absurd_adc_energy", "/components/2/adc/fom", comp(2, adc={"fom": "5 J"}))
case("hopfield_absurd_converter_energy", "/components/2/converter_energy",
     hop(converter_energy=1e308))
case("hopfield_max_iterations_absurd", "/components/2/max_iterations", hop(max_iterations=4294967297))
case("group_name_collides", "/components/3/name",
     lambda d: (d["components"].insert(2, {"name": "tile1", "type": "crossbar_tile", "count": 1}),
                d["components"][3].update(name="tile", count=2)))
case("range_ends_past_2_64", "/connections/1/size",
     lambda d: d["connections"][1].update(base="0xFFFFFFFFFFF00000", size="2 MiB"))
case("workload_trace_tiny_input_range", "tiny_range.jsonl:2",
     lambda d: d["workload"].update(file="../traces/tiny_range.jsonl"))
def no_room(d):
    d["components"][2] = {"name": "a", "type": "crossbar_tile", "rows": 8, "cols": 8}
    d["components"].append({"name": "b", "type": "crossbar_tile", "rows": 8, "cols": 8})
    d["components"].append({"name": "c", "type": "crossbar_tile", "rows": 8, "cols": 8})
    d["connections"][1] = {"from": "bus.out", "to": "a.in", "base": 0, "size": "0x8000000000000001"}
    d["connections"].append({"from": "bus.out", "to": "b.in", "size": "0x4000000000000000"})
    d["connections"].append({"from": "bus.out", "to": "c.in", "size": "0x4000000000000000"})
    d["workload"] = {"kind": "trace", "file": "../traces/small.jsonl"}
case("address_space_full", "room in the address space", no_room)
case("memory_too_large", "memory limit", comp(2, count=4096, rows=4096, cols=4096))
case("memory_ir_drop_too_large", "memory limit",
     comp(2, count=64, rows=4096, cols=4096, ir_drop=True, wire_resistance=1))

# Reliability, second round.
deep = "[" * 100 + "]" * 100
case("nesting_too_deep", "nested deeper than 64",
     text='{"neurotlm": 1, "description": %s, "components": []}\n' % deep)
case("nesting_too_deep_pointer", "/description/0/0/0",
     text='{"neurotlm": 1, "description": %s, "components": []}\n' % deep)
case("duplicate_key", "/seed", text='{"neurotlm": 1, "seed": 1, "seed": 2, "components": []}\n')
case("duplicate_key_nested", "/components/1/rows",
     text='{"neurotlm": 1, "components": [{"name": "ctrl", "type": "controller"}, '
          '{"name": "t", "type": "crossbar_tile", "rows": 8, "rows": 16}]}\n')
# A name with a terminal escape: the message quotes it escaped (the test also checks no raw
# control byte reaches the output).
case("name_terminal_escape", "\\u001b[2J", comp(2, name="tile\u001b[2J"))
def group_named_ctrl(d):
    d["components"][0] = {"name": "ctrl", "type": "crossbar_tile", "count": 2,
                          "rows": 8, "cols": 8}
case("group_named_like_the_implicit_controller", "the name \"ctrl\" is taken", group_named_ctrl)
with open("../networks/deep_nesting.json", "w") as f:
    f.write('{"format": "neurotlm-network", "name": %s}\n' % deep)
case("network_nesting_too_deep", "/workload/network", mlp(network="../networks/deep_nesting.json"))
case("idx_offset_past_end", "/workload/dataset/offset",
     lambda d: (mlp()(d), d["workload"]["dataset"].update(offset=100000)))

# Values the run cannot honour: refused by validate with the bound and its reason.
def rram_device(**kv):
    def m(d):
        dev = {"preset": "rram_imacsim"}
        dev.update(kv)
        d.update(devices={"x": dev})
        d["components"][2].update(device="x")
    return m
def mtj_on_hop(hop_kv=None, **kv):
    def m(d):
        hop(**(hop_kv or {}))(d)
        dev = {"preset": "mtj_spin_neuromem"}
        dev.update(kv)
        d.update(devices={"x": dev})
        d["components"][2].update(device="x")
    return m
case("wire_resistance_denormal", "/components/2/wire_resistance",
     comp(2, ir_drop=True, wire_resistance=1e-320))
case("wire_resistance_above_a_kohm", "/components/2/wire_resistance",
     comp(2, ir_drop=True, wire_resistance="1 Mohm"))
case("device_variation_sigma_1000", "/devices/x/variation_sigma", rram_device(variation_sigma=1000))
case("device_read_noise_sigma_1e6", "/devices/x/read_noise_sigma", rram_device(read_noise_sigma=1e6))
case("device_r_on_below_an_ohm", "/devices/x/r_on", rram_device(r_on=1e-300))
case("device_rram_without_contrast", "/devices/x/r_off", rram_device(r_on="10 kohm", r_off="10.05 kohm"))
case("device_mtj_tmr_none", "/devices/x/tmr", mtj_on_hop(tmr=1e-12))
case("device_mtj_v_half_tiny", "/devices/x/v_half", mtj_on_hop(v_half=1e-9))
case("hopfield_read_bias_kills_tmr", "/components/2/read_voltage", hop(read_voltage="20 V"))
case("hopfield_full_scale_1e-300", "/components/2/full_scale",
     hop(storage="multilevel", pairs_per_weight=4, full_scale=1e-300))
case("hopfield_full_scale_1e300", "/components/2/full_scale",
     hop(storage="multilevel", pairs_per_weight=4, full_scale=1e300))
case("mlp_adc_range_margin_1e-300", "/workload/adc_range_margin",
     lambda d: (mlp()(d), d["workload"].update(adc_range_margin=1e-300)))
case("mlp_adc_range_margin_1e-30", "/workload/adc_range_margin",
     lambda d: (mlp()(d), d["workload"].update(adc_range_margin=1e-30)))
case("mlp_adc_range_margin_1000", "/workload/adc_range_margin",
     lambda d: (mlp()(d), d["workload"].update(adc_range_margin=1000)))
case("workload_trace_output_overflows_float32", "output_overflow.jsonl:3: /value",
     lambda d: d["workload"].update(file="../traces/output_overflow.jsonl"))
def exits(cam=None, **kv):
    def m(d):
        mlp()(d)
        if cam is not None:
            d["components"].append(dict({"name": "sem", "type": "cam_array"}, **cam))
            d["connections"].append({"from": "bus.out", "to": "sem.in", "base": "0x4000000"})
        d["workload"]["exits"] = dict({"memory": "../networks/tiny.semantic.json"}, **kv)
    return m
case("mlp_exits_without_a_cam", "/workload/exits/cams", exits())
case("mlp_exits_cam_too_narrow", "/workload/exits/cams", exits(cam={"words": 4, "bits": 8}))
case("mlp_exits_cam_too_few_words", "/workload/exits/cams", exits(cam={"words": 2, "bits": 16}))
case("mlp_exits_threshold_above_bits", "/workload/exits/threshold",
     exits(cam={"words": 4, "bits": 16}, threshold=13))
case("mlp_exits_thresholds_per_exit_miscounted", "/workload/exits/threshold",
     exits(cam={"words": 4, "bits": 16}, threshold=[1, 2]))
case("mlp_exits_memory_missing", "/workload/exits/memory",
     exits(cam={"words": 4, "bits": 16}, memory="../networks/none.semantic.json"))
case("mlp_exits_cam_unknown", "/workload/exits/cams/0",
     exits(cam={"words": 4, "bits": 16}, cams=["semantic"]))
case("mlp_exits_after_the_last_layer", "/workload/exits/memory",
     exits(cam={"words": 4, "bits": 16}, memory="../networks/tiny_last.semantic.json"))

for f in os.listdir("."):
    if f.endswith(".json"):
        os.remove(f)
with open("EXPECTED", "w") as out:
    for i, (name, expect, mutate, text) in enumerate(cases, 1):
        fname = "%02d_%s.json" % (i, name)
        if text is None:
            d = copy.deepcopy(base)
            mutate(d)
            text = json.dumps(d, indent=2) + "\n"
        open(fname, "w").write(text)
        out.write("%s\t%s\n" % (fname, expect))
print(len(cases), "cases")
