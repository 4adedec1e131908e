#!/usr/bin/env bash
# Writes the output of every command, strategy and format on every bundled scenario (and a
# generated batch) into DIR, one file each: run it with the binary before and after a change
# that must not change behaviour, then `diff -r BEFORE AFTER`.
#
#   scripts/snapshot-outputs.sh BINARY DIR
set -uo pipefail
bin=$(realpath "$1") out=$(realpath -m "$2")
mkdir -p "$out"
cd "$(dirname "$0")/.."
strategies="cash-only full tax-budget:0 tax-budget:500 tax-aware:0.10 tax-aware:1 band:5 fifo m1"
for s in scenarios/*.yaml scenarios/*.json; do
  b=$(basename "$s")
  for st in $strategies; do
    for f in table json csv orders lots; do
      "$bin" plan "$s" --strategy "$st" --format "$f" >"$out/$b.plan.$st.$f" 2>&1; echo "exit $?" >>"$out/$b.plan.$st.$f"
    done
  done
  for f in table json csv markdown html; do
    "$bin" compare "$s" --format "$f" >"$out/$b.compare.$f" 2>&1; echo "exit $?" >>"$out/$b.compare.$f"
  done
  "$bin" compare "$s" --strategies cash-only,full,fifo,m1,band:2 --format json >"$out/$b.compare-all.json" 2>&1
  "$bin" compare "$s" --format csv --trades "$out/$b.compare.trades.csv" >/dev/null 2>&1
  for f in table json; do
    "$bin" tax-cost "$s" --format "$f" >"$out/$b.tax-cost.$f" 2>&1; echo "exit $?" >>"$out/$b.tax-cost.$f"
  done
  for f in table json html; do
    "$bin" frontier "$s" --points 5 --format "$f" >"$out/$b.frontier.$f" 2>&1; echo "exit $?" >>"$out/$b.frontier.$f"
  done
  "$bin" validate "$s" >"$out/$b.validate" 2>&1; echo "exit $?" >>"$out/$b.validate"
done
tmp=$(mktemp -d)
"$bin" generate --households 300 --seed 7 --out "$tmp/book.jsonl" 2>/dev/null
cp "$tmp/book.jsonl" "$out/generated.jsonl"
(cd "$tmp" && "$bin" batch book.jsonl --strategies cash-only,full,tax-aware:0.10 --jobs 2 --out results.jsonl 2>/dev/null
echo "exit $?" >>results.jsonl)
cp "$tmp/results.jsonl" "$out/batch.jsonl"
rm -rf "$tmp"
