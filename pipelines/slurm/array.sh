#!/usr/bin/env bash
# ovindex on Slurm: a job array of N workers, then a merge job that runs after all of them succeed.
#
#   sbatch pipelines/slurm/array.sh            # submits both: the array, and the merge with afterok
#
# Slurm sets SLURM_ARRAY_TASK_ID, SLURM_ARRAY_TASK_MIN and SLURM_ARRAY_TASK_COUNT; ovindex turns them into
# shard I of N (task ids counted from the array's first id), so no --shard flag is needed. Each task writes its
# store on the node's local disk ($SCRATCH, default /tmp/$USER-ovindex: SQLite must not be written on a
# network file system, and ovindex refuses to) and, when its run completed, publishes it to
# $SHARED/shards/index.shard-I-of-N.sqlite (copied beside it, then renamed into place). A requeued task resumes
# from its local store if it lands on the same node, else from its published shard, else from the start.
#
# The tool: a checkout of this repository after `make release` at $OVINDEX_HOME, or the image from
# `make image` (set OVINDEX="apptainer exec docker-daemon://localhost/ovindex:latest /opt/ovindex/bin/ovindex",
# or podman run with the same volumes). Corpus at $SHARED/corpus.
#SBATCH --job-name=ovindex-index
#SBATCH --array=1-4
#SBATCH --cpus-per-task=2
#SBATCH --mem=1536M
#SBATCH --time=24:00:00
#SBATCH --requeue
set -euo pipefail

OVINDEX_HOME=${OVINDEX_HOME:-$HOME/ovindex}
SHARED=${SHARED:-/shared}
SCRATCH=${SCRATCH:-/tmp/$USER-ovindex}
MODEL=${MODEL:-all-MiniLM-L6-v2-int8}   # one model for every task: shards of two models cannot be merged
ovindex=${OVINDEX:-$OVINDEX_HOME/.build/release/ovindex}

if [[ -z "${SLURM_ARRAY_TASK_ID:-}" ]]; then
    # Submitted by hand: submit this script as the array, and the merge to run once every task succeeded.
    array=$(sbatch --parsable "$0")
    shards=$(for i in 0 1 2 3; do printf '%q ' "$SHARED/shards/index.shard-$i-of-4.sqlite"; done)
    sbatch --dependency=afterok:"$array" --job-name=ovindex-merge --cpus-per-task=1 --mem=1G \
        --wrap="mkdir -p '$SCRATCH' && $ovindex merge '$SCRATCH/index.sqlite' $shards --wait 600 --publish '$SHARED/index.sqlite'"
    echo "submitted array $array and its merge"
    exit 0
fi

mkdir -p "$SHARED/shards" "$SCRATCH"
exec $ovindex run --source "$SHARED/corpus" --store "$SCRATCH/index.sqlite" --model "$MODEL" \
    --publish "$SHARED/shards/" --json
