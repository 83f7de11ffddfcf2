#!/usr/bin/env bash
# The layering rules of docs/ARCHITECTURE.md, checked on every source file: each layer includes
# only the layers below it, and nothing SystemC-free includes SystemC, TLM or a SystemC file.
# Prints every violation (file:line: include, and the rule) and exits 1 if there is any.
# Usage: tools/check-layering.sh [source root]
set -uo pipefail
ROOT="${1:-$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)}"
cd "$ROOT"

violations=0

# allowed LAYER FILE: the neurotlm/... include prefixes a file of LAYER may use.
allowed() {
    case "$1" in
    core) echo "core" ;;
    devices) echo "core devices" ;;
    drivers) echo "core drivers" ;;
    block) echo "core devices drivers blocks" ;;
    report) echo "core drivers report version.h" ;;
    workloads) echo "core devices drivers blocks report workloads" ;;
    sweep) echo "core report sweep version.h" ;;
    mpi) echo "core sweep mpi" ;;
    module) echo "core devices drivers blocks modules" ;;
    modules) echo "core devices drivers modules" ;;
    topology) echo "core devices drivers blocks modules report workloads topology version.h" ;;
    *) echo "" ;;
    esac
}

layer_of() {
    local f="$1"
    case "$f" in
    blocks/*/*_module.h | blocks/*/*_module.cpp) echo module ;;
    blocks/*) echo block ;;
    include/neurotlm/*/* | src/*/*)
        local l="${f#include/neurotlm/}"
        l="${l#src/}"
        echo "${l%%/*}"
        ;;
    *) echo "" ;;
    esac
}

systemc_free() {
    case "$1" in core | devices | drivers | block | report | workloads | sweep | mpi) return 0 ;; esac
    return 1
}

while IFS= read -r f; do
    case "$f" in *_test.cpp) continue ;; esac
    layer="$(layer_of "$f")"
    [ -n "$layer" ] || continue
    ok="$(allowed "$layer")"
    [ -n "$ok" ] || continue
    while IFS=: read -r line inc; do
        target="$(sed -E 's/^[[:space:]]*#[[:space:]]*include[[:space:]]*[<"]([^>"]+)[>"].*/\1/' <<<"$inc")"
        if systemc_free "$layer"; then
            case "$target" in
            systemc | systemc.h | tlm | tlm.h | tlm_utils/* | sysc/* | tlm_core/*)
                echo "$f:$line: includes <$target>, but the $layer layer is SystemC-free"
                violations=$((violations + 1))
                continue
                ;;
            esac
        fi
        case "$target" in
        neurotlm/*) ;;
        *) continue ;;
        esac
        rest="${target#neurotlm/}"
        top="${rest%%/*}"
        if systemc_free "$layer"; then
            case "$rest" in
            blocks/*/*_module.h)
                echo "$f:$line: includes $target, a SystemC module, from the SystemC-free $layer layer"
                violations=$((violations + 1))
                continue
                ;;
            esac
        fi
        good=0
        for a in $ok; do
            if [ "$top" = "$a" ] || [ "$rest" = "$a" ]; then good=1; fi
        done
        if [ $good -eq 0 ]; then
            echo "$f:$line: includes $target; the $layer layer may include only: $ok"
            violations=$((violations + 1))
        fi
    done < <(grep -n -E '^[[:space:]]*#[[:space:]]*include' "$f" | sed -E 's/^([0-9]+):/\1:/')
done < <(find include src blocks -type f \( -name '*.h' -o -name '*.cpp' \) | sort)

if [ $violations -gt 0 ]; then
    echo "layering: $violations violation(s); see the layer table in docs/ARCHITECTURE.md" >&2
    exit 1
fi
echo "layering: every include points down"
