#!/usr/bin/env python3
"""Writes traces/cam_search.jsonl: the trace of configs/cam_search.json.

Ten 64-bit class prototypes (each with 6 stored don't-care bits) are written into a cam_array of
64 words; then 40 keys are searched, each a prototype with a few bits flipped and a few bits left
don't-care, in the four sensing modes, with the result each search must give. The expectations
are computed here from the exact ternary Hamming distance, independently of the simulator.
Standard library only; deterministic (random.Random(seed)).
"""
import json
import random
import sys

BITS, CLASSES, SEED = 64, 10, 2024


def distance(stored, key):
    return sum(1 for s, k in zip(stored, key) if s != 'X' and k != 'X' and s != k)


def main(out):
    rnd = random.Random(SEED)
    protos = []
    for _ in range(CLASSES):
        w = [rnd.choice('01') for _ in range(BITS)]
        for i in rnd.sample(range(BITS), 6):
            w[i] = 'X'
        protos.append(''.join(w))
    lines = ['# Ternary CAM search trace for configs/cam_search.json, written by '
             'tools/cam_search_trace.py (do not edit by hand).',
             '# Ten 64-bit class prototypes (6 stored X bits each) in words 0-9; keys are '
             'prototypes with 0-4 bits flipped and 0-8 bits X. Writes run in the program phase.']
    for i, p in enumerate(protos):
        lines.append(json.dumps({'op': 'cam_write', 'component': 'cam', 'word': i, 'value': p}))
    lines.append(json.dumps({'op': 'phase', 'name': 'search'}))
    modes = ['best', 'top2', 'threshold', 'exact']
    for s in range(40):
        c = rnd.randrange(CLASSES)
        key = list(protos[c])
        # The key cares about every bit the prototype leaves X (a fresh feature vector would).
        for i in range(BITS):
            if key[i] == 'X':
                key[i] = rnd.choice('01')
        flips = s % 5
        for i in rnd.sample(range(BITS), flips):
            key[i] = '1' if key[i] == '0' else '0'
        for i in rnd.sample(range(BITS), (s * 3) % 9):
            key[i] = 'X'
        key = ''.join(key)
        d = [distance(p, key) for p in protos]
        order = sorted(range(CLASSES), key=lambda i: (d[i], i))
        best, second = order[0], order[1]
        mode = modes[s % 4]
        line = {'op': 'cam_search', 'component': 'cam', 'key': key, 'mode': mode}
        expect = {'index': best, 'distance': d[best]}
        if mode == 'top2':
            line['margin'] = 8
            expect['confident'] = d[second] - d[best] >= 8
        elif mode == 'threshold':
            line['threshold'] = 3
            expect['found'] = d[best] <= 3
            expect['matches'] = sum(1 for x in d if x <= 3)
        elif mode == 'exact':
            expect['found'] = d[best] == 0
            expect['matches'] = sum(1 for x in d if x == 0)
        line['expect'] = expect
        lines.append(json.dumps(line))
    with open(out, 'w') as f:
        f.write('\n'.join(lines) + '\n')


if __name__ == '__main__':
    main(sys.argv[1] if len(sys.argv) > 1 else 'traces/cam_search.jsonl')
