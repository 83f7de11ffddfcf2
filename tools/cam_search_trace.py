#!/usr/bin/env python3
"""Writes traces/cam_search.jsonl: the trace of configs/cam_search.json.

Ten 64-bit class prototypes (each with 6 stored don't-care bits) are written into a cam_array of
64 words, the last two a near tie (prototype 9 is prototype 8 with 4 cared bits flipped); then 40
keys are searched, each a prototype with a few bits flipped and a few bits left don't-care, in
the four sensing modes, and 8 more whose right answer is "no": top-2 searches between the near
tie (not confident at margin 8), threshold searches of random keys (none within 3) and exact
searches of flipped prototypes (none at 0). Each line carries the result it must give, computed
here from the exact ternary Hamming distance, independently of the simulator.
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
    # The near tie: prototype 9 is prototype 8 with 4 cared bits flipped.
    tie = list(protos[8])
    for i in rnd.sample([i for i in range(BITS) if tie[i] != 'X'], 4):
        tie[i] = '1' if tie[i] == '0' else '0'
    protos[9] = ''.join(tie)
    lines = ['# Ternary CAM search trace for configs/cam_search.json, written by '
             'tools/cam_search_trace.py (do not edit by hand).',
             '# Ten 64-bit class prototypes (6 stored X bits each) in words 0-9; keys are '
             'prototypes with 0-4 bits flipped and 0-8 bits X; word 9 is word 8 with 4 bits flipped '
             '(a near tie); the last 8 searches expect "no" (not confident, none found). Writes '
             'run in the program phase.']
    for i, p in enumerate(protos):
        lines.append(json.dumps({'op': 'cam_write', 'component': 'cam', 'word': i, 'value': p}))
    lines.append(json.dumps({'op': 'phase', 'name': 'search'}))
    modes = ['best', 'top2', 'threshold', 'exact']

    def search(key, mode):
        d = [distance(p, key) for p in protos]
        order = sorted(range(CLASSES), key=lambda i: (d[i], i))
        best, second = order[0], order[1]
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
        return line, d

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
        lines.append(json.dumps(search(key, modes[s % 4])[0]))
    # Searches whose right answer is "no". Between the near tie: prototype 8 with 1 or 2 of the
    # 4 bits that tell 8 and 9 apart moved towards 9, so the two are 1-2 bits apart.
    differ = [i for i in range(BITS) if protos[8][i] != protos[9][i]]
    for moved in (1, 2, 1, 2):
        key = [c if c != 'X' else rnd.choice('01') for c in protos[8]]
        for i in rnd.sample(differ, moved):
            key[i] = protos[9][i]
        line, d = search(''.join(key), 'top2')
        assert not line['expect']['confident'] and abs(d[8] - d[9]) <= 2
        lines.append(json.dumps(line))
    # Random keys: every prototype is about 29 bits away, none within 3.
    for _ in range(2):
        line, d = search(''.join(rnd.choice('01') for _ in range(BITS)), 'threshold')
        assert not line['expect']['found'] and min(d) > 12
        # The best of far words is a matter of sensing noise: only "none found" is expected.
        line['expect'] = {'found': False, 'matches': 0}
        lines.append(json.dumps(line))
    # A prototype with 3 bits flipped: no word at 0.
    for c in (2, 5):
        key = [ch if ch != 'X' else rnd.choice('01') for ch in protos[c]]
        for i in rnd.sample([i for i in range(BITS) if protos[c][i] != 'X'], 3):
            key[i] = '1' if key[i] == '0' else '0'
        line, d = search(''.join(key), 'exact')
        assert not line['expect']['found']
        lines.append(json.dumps(line))
    with open(out, 'w') as f:
        f.write('\n'.join(lines) + '\n')


if __name__ == '__main__':
    main(sys.argv[1] if len(sys.argv) > 1 else 'traces/cam_search.jsonl')
