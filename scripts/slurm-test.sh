#!/usr/bin/env bash
# make slurm-test: the batch on a real scheduler. On this machine alone, as one Slurm node:
#   1. installs Debian's slurm-wlm and munge when missing (apt-get; sudo when not root);
#   2. writes a one-node slurm.conf for localhost and a munge key into a temporary folder and
#      starts munged, slurmctld and slurmd as background daemons (no systemd, no cgroups);
#   3. generates a book of households and runs it as an 8-task array job, each task
#        rebalance batch BOOK --shard $SLURM_ARRAY_TASK_ID/8 --out shard-K.jsonl --resume
#      with a merge job (--dependency=afterok) that joins the shards in the book's order;
#   4. requeues one task midway (Slurm kills it and starts it again: it resumes its shard);
#   5. compares the merged file byte for byte with a one-machine `rebalance batch` of the book;
#   6. stops exactly the daemons it started, by PID, whatever happens (a trap).
# Exits 0 only when the merged file is identical and the requeued task resumed.
#
# Settings (environment): REBALANCE (the binary; default .build/release/rebalance),
# HOUSEHOLDS (default 4000), SLURM_TEST_TIMEOUT (seconds for the whole run; default 1200),
# KEEP=1 (keep the temporary folder, with the daemons' logs, to look at).
set -euo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)
binary=${REBALANCE:-$root/.build/release/rebalance}
households=${HOUSEHOLDS:-4000}
timeout_total=${SLURM_TEST_TIMEOUT:-1200}
shards=8
sudo=""
[ "$(id -u)" = 0 ] || sudo=sudo
started_at=$(date +%s)

say() { printf 'slurm-test: %s\n' "$*" >&2; }
fail() {
    printf 'slurm-test: FAILED: %s\n' "$*" >&2
    exit 1
}
# Seconds left of the whole run's budget (at least 1).
left() {
    local l=$((timeout_total - ($(date +%s) - started_at)))
    echo $((l > 0 ? l : 1))
}
# wait_for SECONDS WHAT COMMAND...: polls COMMAND every second until it succeeds (then says
# WHAT), for at most SECONDS and never past the whole run's budget.
wait_for() {
    local limit=$1 what=$2
    shift 2
    local deadline=$(($(date +%s) + limit))
    local budget=$((started_at + timeout_total))
    [ "$deadline" -le "$budget" ] || deadline=$budget
    until "$@"; do
        [ "$(date +%s)" -lt "$deadline" ] || return 1
        sleep 1
    done
    say "$what"
}

[ -x "$binary" ] || fail "no binary at $binary (make build first)"

# 1. Packages.
if ! command -v slurmctld >/dev/null || ! command -v slurmd >/dev/null || ! command -v sbatch >/dev/null \
    || ! command -v munged >/dev/null; then
    say "installing slurm-wlm and munge"
    $sudo apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq slurm-wlm munge >/dev/null
fi
PATH=$PATH:/usr/sbin:/sbin

# 2. The cluster, in a temporary folder.
work=$(mktemp -d "${TMPDIR:-/tmp}/rebalance-slurm.XXXXXX")
chmod 700 "$work"
pids=()
jobs_submitted=()
cleanup() {
    local status=$?
    trap - EXIT INT TERM
    # Jobs still there (after a failure) are cancelled first, so that no job step outlives slurmd.
    if [ "${#jobs_submitted[@]}" -gt 0 ] && [ -n "$(squeue -h -j "$(IFS=,; echo "${jobs_submitted[*]}")" 2>/dev/null)" ]; then
        scancel "${jobs_submitted[@]}" 2>/dev/null || true
        for _ in $(seq 1 30); do
            [ -z "$(squeue -h -j "$(IFS=,; echo "${jobs_submitted[*]}")" 2>/dev/null)" ] && break
            sleep 1
        done
    fi
    for pid in "${pids[@]}"; do
        $sudo kill -TERM "$pid" 2>/dev/null || true
    done
    for pid in "${pids[@]}"; do
        for _ in $(seq 1 50); do
            $sudo kill -0 "$pid" 2>/dev/null || break
            sleep 0.2
        done
        if $sudo kill -0 "$pid" 2>/dev/null; then
            say "daemon $pid did not stop on TERM: killing it"
            $sudo kill -KILL "$pid" 2>/dev/null || true
        fi
    done
    if [ "$status" != 0 ]; then
        for log in slurmctld.log slurmd.log munged.log; do
            [ -f "$work/$log" ] && { say "last lines of $log:"; tail -n 15 "$work/$log" >&2; }
        done
        for log in "$work"/logs/*; do
            [ -f "$log" ] && { say "$(basename "$log"):"; tail -n 5 "$log" >&2; }
        done
    fi
    if [ "${KEEP:-0}" = 1 ]; then say "kept $work"; else $sudo rm -rf "$work"; fi
    exit "$status"
}
trap cleanup EXIT
trap 'fail "interrupted"' INT TERM

mkdir -p "$work/munge" "$work/state" "$work/spool" "$work/logs" "$work/out"
chmod 700 "$work/munge"
dd if=/dev/urandom of="$work/munge/munge.key" bs=1024 count=1 status=none
chmod 600 "$work/munge/munge.key"

# Two free TCP ports for slurmctld and slurmd.
read -r ctld_port slurmd_port < <(python3 - <<'EOF'
import socket
ss = [socket.socket() for _ in range(2)]
for s in ss: s.bind(("127.0.0.1", 0))
print(*(s.getsockname()[1] for s in ss))
EOF
)
cpus=$(nproc)
export SLURM_CONF=$work/slurm.conf
cat >"$SLURM_CONF" <<EOF
ClusterName=rebalance-test
SlurmctldHost=localhost(127.0.0.1)
SlurmctldPort=$ctld_port
SlurmdPort=$slurmd_port
SlurmUser=root
SlurmdUser=root
AuthType=auth/munge
AuthInfo=socket=$work/munge/munge.sock
StateSaveLocation=$work/state
SlurmdSpoolDir=$work/spool
SlurmctldPidFile=$work/slurmctld.pid
SlurmdPidFile=$work/slurmd.pid
SlurmctldLogFile=$work/slurmctld.log
SlurmdLogFile=$work/slurmd.log
SlurmctldDebug=info
SlurmdDebug=info
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
JobAcctGatherType=jobacct_gather/none
AccountingStorageType=accounting_storage/none
JobCompType=jobcomp/none
MpiDefault=none
SchedulerType=sched/backfill
SelectType=select/cons_tres
SelectTypeParameters=CR_Core
ReturnToService=2
MinJobAge=600
KillWait=5
NodeName=localhost NodeAddr=127.0.0.1 CPUs=$cpus State=UNKNOWN
PartitionName=test Nodes=localhost Default=YES MaxTime=INFINITE State=UP
EOF

# Each daemon in the foreground of a background job: $! is its PID (sudo's, which passes signals on).
$sudo munged --foreground --force --key-file="$work/munge/munge.key" --socket="$work/munge/munge.sock" \
    --pid-file="$work/munge/munged.pid" --log-file="$work/munged.log" --seed-file="$work/munge/munge.seed" \
    >>"$work/munged.log" 2>&1 &
pids+=($!)
wait_for 20 "munged is up" test -S "$work/munge/munge.sock" || fail "munged did not start"
$sudo slurmctld -D -i -f "$SLURM_CONF" >>"$work/slurmctld.out" 2>&1 &
pids+=($!)
wait_for 30 "slurmctld answers" scontrol ping >/dev/null 2>&1 || fail "slurmctld did not start"
$sudo slurmd -D -N localhost -f "$SLURM_CONF" >>"$work/slurmd.out" 2>&1 &
pids+=($!)
node_idle() { [ "$(sinfo -h -n localhost -o %t 2>/dev/null)" = idle ]; }
wait_for 60 "the node is idle" node_idle || fail "slurmd did not register (sinfo: $(sinfo 2>&1 | tail -n 2))"

# 3. The book, the one-machine reference, the array and the merge.
book=$work/book.jsonl
timeout "$(left)" "$binary" generate --households "$households" --seed 11 --out "$book"
say "one machine: rebalance batch of $households households"
# Exit 1 means some households failed: their error lines are part of the output all the same.
status=0
timeout "$(left)" "$binary" batch "$book" --out "$work/reference.jsonl" 2>"$work/logs/reference.log" || status=$?
[ "$status" != 124 ] || fail "out of time (SLURM_TEST_TIMEOUT=${timeout_total}s) in the one-machine batch"
[ "$status" -le 1 ] || fail "the one-machine batch failed with status $status ($(tail -n 3 "$work/logs/reference.log"))"
[ "$(wc -l <"$work/reference.jsonl")" -eq "$households" ] || fail "the reference has not one line per household"

cat >"$work/shard.sh" <<EOF
#!/bin/sh
# One shard of the book; a requeued task resumes its own file. Exit 1 (households that failed,
# written as error lines) is still a complete shard.
k=\$SLURM_ARRAY_TASK_ID
echo "task \$k: attempt \${SLURM_RESTART_COUNT:-0}"
"$binary" batch "$book" --shard "\$k/$shards" --out "$work/out/shard-\$k.jsonl" --resume --jobs 1
status=\$?
[ \$status -le 1 ] || exit \$status
EOF
# The merge: line i of the book is line i div N of shard i mod N, so reading the shards in turn,
# a line from each, restores the book's order; the first shard to run out ends it, and any line
# left over in another is an error. Every line must be a JSON object.
cat >"$work/merge.sh" <<EOF
#!/bin/sh
set -eu
awk -v n=$shards -v dir="$work/out" 'BEGIN {
    for (i = 0; ; i++) {
        k = i % n
        if ((getline line < (dir "/shard-" k ".jsonl")) <= 0) break
        if (substr(line, 1, 1) != "{") { print "merge: shard-" k ".jsonl: not a JSON line: " line > "/dev/stderr"; exit 2 }
        print line
    }
    for (j = 0; j < n; j++)
        if ((getline line < (dir "/shard-" j ".jsonl")) > 0) { print "merge: shard-" j ".jsonl has a line too many" > "/dev/stderr"; exit 2 }
}' > "$work/merged.jsonl.part"
mv "$work/merged.jsonl.part" "$work/merged.jsonl"
EOF
chmod +x "$work/shard.sh" "$work/merge.sh"

array=$(sbatch --parsable --array=0-$((shards - 1)) --requeue --cpus-per-task=1 --job-name=rebalance-shards \
    --open-mode=append --output="$work/logs/shard-%a.log" --chdir="$work" "$work/shard.sh")
merge=$(sbatch --parsable --dependency=afterok:"$array" --kill-on-invalid-dep=yes --job-name=rebalance-merge \
    --output="$work/logs/merge.log" --chdir="$work" "$work/merge.sh")
jobs_submitted=("$array" "$merge")
say "array job $array (tasks 0-$((shards - 1))), merge job $merge after it"

# 4. Requeue a task midway: once its shard has a third of its lines and before it finishes.
victim=5
victim_lines=$(((households - victim + shards - 1) / shards))
third=$((victim_lines / 3 > 0 ? victim_lines / 3 : 1))
lines_of() { [ -f "$1" ] && wc -l <"$1" || echo 0; }
midway() { [ "$(lines_of "$work/out/shard-$victim.jsonl")" -ge "$third" ]; }
deadline=$((started_at + timeout_total))
until midway; do
    [ "$(date +%s)" -lt "$deadline" ] || fail "task $victim never got going"
    sleep 0.2
done
[ "$(lines_of "$work/out/shard-$victim.jsonl")" -lt "$victim_lines" ] \
    || fail "task $victim finished before it could be requeued: use more HOUSEHOLDS"
scontrol requeue "${array}_${victim}"
before=$(lines_of "$work/out/shard-$victim.jsonl")
say "task $victim requeued with $before of its $victim_lines lines written"

# 5. Wait for the merge job, then compare.
merge_state() { scontrol show job "$merge" 2>/dev/null | grep -o 'JobState=[A-Z_]*' | cut -d= -f2; }
merge_ended() {
    case "$(merge_state)" in
    PENDING | CONFIGURING | RUNNING | COMPLETING | REQUEUED | SUSPENDED) return 1 ;;
    *) return 0 ;;
    esac
}
wait_for "$(left)" "the merge job ended" merge_ended \
    || fail "the merge job did not finish in time: $(squeue 2>&1)"
[ "$(merge_state)" = COMPLETED ] && [ -f "$work/merged.jsonl" ] \
    || fail "the merge job did not complete ($(merge_state); $(scontrol show job "$merge" 2>/dev/null | grep -o 'Reason=[^ ]*'));" \
        "$(cat "$work/logs/merge.log" 2>/dev/null)"

grep -q "attempt 1" "$work/logs/shard-$victim.log" || fail "task $victim was not run again after the requeue"
# The second attempt's summary says how many of the shard's lines it found done: some, not all.
resumed=$(sed -n 's/.*, \([0-9][0-9]*\) already done.*/\1/p' "$work/logs/shard-$victim.log" | tail -n 1)
[ -n "$resumed" ] || fail "task $victim started over instead of resuming ($before lines were there)"
[ "$resumed" -lt "$victim_lines" ] || fail "task $victim had finished when it was requeued: use more HOUSEHOLDS"
cmp "$work/reference.jsonl" "$work/merged.jsonl" \
    || fail "the merged shards differ from the one-machine run (diff: $(diff "$work/reference.jsonl" "$work/merged.jsonl" | head -c 600))"
say "PASS: $households households in $shards shards; task $victim requeued at $before lines resumed after $resumed;" \
    "merged file identical to the one-machine run ($(($(date +%s) - started_at)) s)"
