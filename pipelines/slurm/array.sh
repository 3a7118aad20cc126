#!/usr/bin/env bash
# ovindex on Slurm: a job array of N workers, then a merge job that runs after all of them succeed.
#
#   sbatch pipelines/slurm/array.sh            # submits both: the array, and the merge with afterok
#
# Slurm sets SLURM_ARRAY_TASK_ID, SLURM_ARRAY_TASK_MIN and SLURM_ARRAY_TASK_COUNT; ovindex turns them into
# shard I of N (task ids counted from the array's first id), so no --shard flag is needed. Each task writes
# $SHARED/shards/index.shard-I-of-N.sqlite; a requeued task resumes its shard. Paths assume a shared
# filesystem with the corpus at $SHARED/corpus and a checkout of this repository after `make setup` at
# $OVINDEX_HOME.
#SBATCH --job-name=ovindex-index
#SBATCH --array=1-4
#SBATCH --cpus-per-task=2
#SBATCH --mem=1536M
#SBATCH --time=24:00:00
#SBATCH --requeue
set -euo pipefail

OVINDEX_HOME=${OVINDEX_HOME:-$HOME/ovindex}
SHARED=${SHARED:-/shared}
ovindex="$OVINDEX_HOME/.build/release/ovindex"

if [[ -z "${SLURM_ARRAY_TASK_ID:-}" ]]; then
    # Submitted by hand: submit this script as the array, and the merge to run once every task succeeded.
    array=$(sbatch --parsable "$0")
    sbatch --dependency=afterok:"$array" --job-name=ovindex-merge --cpus-per-task=1 --mem=1G \
        --wrap="\"$ovindex\" merge \"$SHARED/index.sqlite\" \"$SHARED\"/shards/index.shard-*-of-4.sqlite"
    echo "submitted array $array and its merge"
    exit 0
fi

mkdir -p "$SHARED/shards"
exec "$ovindex" run --source "$SHARED/corpus" --store "$SHARED/shards/index.sqlite" --json
